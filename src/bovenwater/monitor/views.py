"""Monitor pages: the dashboard (charts, table alternatives, CSV) and the map data."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import public_view, request_actor
from bovenwater.lib import csvsafe
from bovenwater.monitor import charts
from bovenwater.monitor.counts import STATS_BY_NAME
from bovenwater.monitor.models import ALL, OpenDataRelease
from bovenwater.monitor.opendata import RELEASE_STATS, latest_release, release_csv, stat_title
from bovenwater.monitor.selectors import (
    Table,
    chat_tables_read,
    chat_years,
    fill_state,
    monitor_table,
    monitor_tables,
    monitor_trend,
    monitor_years,
    require_monitor,
    value_labels,
)
from bovenwater.monitor.suppression import display, threshold
from bovenwater.reference.models import ExploitationForm, Municipality, PoliceUnit

GEO_FILE = Path(__file__).resolve().parent.parent / "reference/data/geo/gemeente_2025.topojson"

# The breakdowns on the dashboard, in order: (statistic, how many rows the chart shows).
SECTIONS: tuple[tuple[str, int], ...] = (
    ("form", 10),
    ("melder", 10),
    ("minor", 5),
    ("nationality_group", 5),
    ("nationality", 10),
    ("method", 15),
    ("gender", 5),
    ("police_unit", 12),
)


@dataclass(frozen=True)
class Filters:
    year: int
    police_unit: str
    form: str

    def query(self, **changes: Any) -> str:
        values = {"jaar": self.year, "eenheid": self.police_unit, "vorm": self.form}
        values.update(changes)
        return "&".join(f"{k}={v}" for k, v in values.items() if v not in ("", ALL))


def default_year(years: list[int], today: datetime.date | None = None) -> int:
    """The last complete year with registrations: the running year is mostly still empty."""
    current = (today or timezone.localdate()).year
    complete = [year for year in years if year < current]
    if complete:
        return complete[-1]
    return years[-1] if years else 0


def parse_filters(request: HttpRequest, years: list[int]) -> Filters:
    raw_year = request.GET.get("jaar", "")
    year = default_year(years)
    if raw_year.isdigit() and int(raw_year) in years:
        year = int(raw_year)
    unit = request.GET.get("eenheid", "").strip()
    if unit not in set(PoliceUnit.objects.values_list("code", flat=True)) | {"?"}:
        unit = ALL
    form = request.GET.get("vorm", "").strip()
    if form not in set(ExploitationForm.objects.values_list("code", flat=True)) | {"?"}:
        form = ALL
    return Filters(year=year, police_unit=unit, form=form)


@dataclass(frozen=True)
class Section:
    stat: str
    title: str
    table: Table
    chart_id: str
    chart: dict[str, Any]
    csv_query: str
    drill: str  # filter parameter a row links to ("eenheid", "vorm") or ""


def _table(actor: Actor, stat: str, filters: Filters) -> Table:
    return monitor_table(
        actor=actor,
        stat=stat,
        year=filters.year,
        police_unit=filters.police_unit,
        form=filters.form,
    )


def dashboard_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_monitor(actor)
    years = monitor_years()
    filters = parse_filters(request, years)
    context: dict[str, Any] = {
        "years": years,
        "filters": filters,
        "units": PoliceUnit.objects.current().order_by("name"),
        "forms": ExploitationForm.objects.current().order_by("position"),
        "threshold": threshold(),
        "state": fill_state(),
        "default_year_shown": "jaar" not in request.GET and bool(years),
        "running_year": timezone.localdate().year,
    }
    if not years:
        return render(request, "monitor/dashboard.html", context)
    trend = monitor_trend(actor=actor, police_unit=filters.police_unit, form=filters.form)
    current = next(p for p in trend if p.year == filters.year)
    tables = monitor_tables(
        actor=actor,
        stats=[stat for stat, _limit in SECTIONS] + ["municipality"],
        year=filters.year,
        police_unit=filters.police_unit,
        form=filters.form,
    )
    sections = []
    for stat, limit in SECTIONS:
        table = tables[stat]
        title = str(STATS_BY_NAME[stat].label)
        sections.append(
            Section(
                stat=stat,
                title=title,
                table=table,
                chart_id=f"spec-{stat}",
                chart=charts.bar_chart(table.cells, title=title, limit=limit),
                csv_query=filters.query(),
                drill={"police_unit": "eenheid", "form": "vorm"}.get(stat, ""),
            )
        )
    places = tables["municipality"]
    municipalities = list(Municipality.objects.current().values_list("code", "name"))
    map_spec = charts.municipality_map(
        {c.value: c for c in places.cells},
        municipalities,
        title=_("Registraties per gemeente van plaats delict"),
        topo_url=reverse("monitor:geo"),
        hidden=display(None),
    )
    if filters.year in chat_years():
        chat = chat_tables_read(
            year=filters.year, police_unit=filters.police_unit, form=filters.form
        )
        context["chat_tables"] = list(chat.values())
        context["chat_total"] = next(iter(chat.values())).total
    context.update(
        {
            "trend": trend,
            "current": current,
            "trend_chart": charts.trend_chart(trend, title=_("Registraties per jaar")),
            "sections": sections,
            "places": places,
            "map_spec": map_spec,
            "unit_name": dict(PoliceUnit.objects.values_list("code", "name")).get(
                filters.police_unit, ""
            ),
            "form_name": {f.code: f.name for f in ExploitationForm.objects.all()}.get(
                filters.form, ""
            ),
        }
    )
    return render(request, "monitor/dashboard.html", context)


def _csv_response(rows: list[list[str]], name: str) -> HttpResponse:
    out = io.StringIO()
    csvsafe.writer(out).writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def table_rows(table: Table) -> list[list[str]]:
    rows = [
        [
            _("jaar"),
            _("politie-eenheid"),
            _("uitbuitingsvorm"),
            _("code"),
            _("omschrijving"),
            _("aantal"),
        ]
    ]
    for cell in [table.total, *table.cells]:
        rows.append(
            [str(table.year), table.police_unit, table.form, cell.value, cell.label, cell.display]
        )
    return rows


@require_GET
def table_csv_view(request: HttpRequest, stat: str) -> HttpResponse:
    actor = request_actor(request)
    require_monitor(actor)
    if stat not in STATS_BY_NAME:
        raise Http404
    filters = parse_filters(request, monitor_years())
    table = _table(actor, stat, filters)
    return _csv_response(table_rows(table), f"monitor-{stat}-{filters.year}.csv")


@require_GET
def trend_csv_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_monitor(actor)
    filters = parse_filters(request, monitor_years())
    trend = monitor_trend(actor=actor, police_unit=filters.police_unit, form=filters.form)
    rows = [
        [
            _("jaar"),
            _("politie-eenheid"),
            _("uitbuitingsvorm"),
            _("aantal"),
            _("verschil met vorig jaar"),
        ]
    ]
    for point in trend:
        rows.append(
            [
                str(point.year),
                filters.police_unit,
                filters.form,
                point.cell.display,
                point.change_display,
            ]
        )
    return _csv_response(rows, "monitor-trend.csv")


@require_GET
def geo_view(request: HttpRequest) -> FileResponse:
    """The municipal boundaries (CBS/PDOK 2025, generalised) for the map."""
    request_actor(request)
    response = FileResponse(GEO_FILE.open("rb"), content_type="application/json")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@public_view
@require_GET
def open_data_view(request: HttpRequest) -> HttpResponse:
    """The latest open-data release, for everyone (no login)."""
    release = latest_release()
    tables = []
    if release is not None:
        accounting = release.accounting.get("tables", {})
        for stat in RELEASE_STATS:
            # The release keeps its Dutch labels; the page names each value in the
            # interface language (the value codes are the same in every language).
            labels = value_labels(stat)
            rows = [
                [year, value, labels.get(value, label), count, shown]
                for year, value, label, count, shown in release.tables.get(stat, [])
            ]
            margin = accounting.get(stat, {}).get("margin_95")
            tables.append({"stat": stat, "title": stat_title(stat), "rows": rows, "margin": margin})
    budget = release.accounting.get("budget") if release is not None else None
    return render(
        request,
        "monitor/open_data.html",
        {"release": release, "tables": tables, "budget": budget},
    )


@public_view
@require_GET
def open_data_csv_view(request: HttpRequest, release_id: int, stat: str) -> HttpResponse:
    release = OpenDataRelease.objects.filter(pk=release_id).first()
    if release is None or stat not in RELEASE_STATS:
        raise Http404
    response = HttpResponse(release_csv(release, stat), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="open-data-{release.pk}-{stat}.csv"'
    return response
