"""Reads of the monitor: count tables only, with suppression applied.

The count tables hold no personal data, so reads are not written to the processing
log; they still require ``Permission.VIEW_MONITOR``. Every number leaves through
:class:`Cell`, whose ``count`` is ``None`` when suppressed and whose ``display`` is
what pages, API answers and CSV exports show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.chat.choices import AgeBand, Topic
from bovenwater.monitor.counts import CHAT_STATS, STATS_BY_NAME, TOTAL, CountStat, total_of
from bovenwater.monitor.models import ALL, UNKNOWN, CountRow, FillState
from bovenwater.monitor.suppression import display
from bovenwater.reference.models import (
    ExploitationForm,
    Municipality,
    Nationality,
    PoliceUnit,
    TraffickingMethod,
)
from bovenwater.registry.choices import Gender, MelderType

CHAT_BREAKDOWNS: tuple[str, ...] = tuple(s.name for s in CHAT_STATS[1:])


@dataclass(frozen=True)
class Cell:
    value: str
    label: str
    count: int | None
    display: str


@dataclass(frozen=True)
class Table:
    stat: CountStat
    year: int
    police_unit: str
    form: str
    total: Cell
    cells: list[Cell]


@dataclass(frozen=True)
class TrendPoint:
    year: int
    cell: Cell
    change: int | None  # year-on-year change; None when either year is suppressed
    change_display: str


def require_monitor(actor: Actor) -> None:
    if not actor.has(Permission.VIEW_MONITOR):
        raise PermissionDenied


def value_labels(stat: str) -> dict[str, str]:
    """Human-readable names of the values of one statistic (cached per language)."""
    return dict(_value_labels(stat, translation.get_language() or ""))


@lru_cache(maxsize=64)
def _value_labels(stat: str, language: str) -> dict[str, str]:
    labels: dict[str, str] = {UNKNOWN: _("Onbekend"), "": _("Totaal")}
    if stat == "form":
        labels.update({f.code: f.name for f in ExploitationForm.objects.all()})
    elif stat == "melder":
        labels.update({str(v): str(label) for v, label in MelderType.choices})
    elif stat == "minor":
        labels.update(
            {"minor": _("Minderjarig"), "adult": _("Meerderjarig"), "unknown": _("Onbekend")}
        )
    elif stat == "gender":
        labels.update({str(v): str(label) for v, label in Gender.choices})
    elif stat == "nationality_group":
        labels.update(
            {"dutch": _("Nederlands"), "non_dutch": _("Niet-Nederlands"), "unknown": _("Onbekend")}
        )
    elif stat == "nationality":
        labels.update({n.code: n.name for n in Nationality.objects.all()})
    elif stat == "method":
        labels.update({m.code: m.name for m in TraffickingMethod.objects.all()})
    elif stat == "municipality":
        labels.update({m.code: m.name for m in Municipality.objects.all()})
    elif stat in ("police_unit", "chat_region"):
        labels.update({p.code: p.name for p in PoliceUnit.objects.all()})
    elif stat == "chat_form":
        labels.update({f.code: f.name for f in ExploitationForm.objects.all()})
    elif stat == "chat_topic":
        labels.update({str(v): str(label) for v, label in Topic.choices if v})
    elif stat == "chat_age_band":
        labels.update({str(v): str(label) for v, label in AgeBand.choices if v})
        labels[UNKNOWN] = _("Niet opgegeven")
    elif stat == "chat_handoff":
        labels.update({"yes": _("Ja"), "no": _("Nee")})
    return labels


def _cell(value: str, label: str, count: int, suppressed: bool) -> Cell:
    shown = None if suppressed else count
    return Cell(value=value, label=label, count=shown, display=display(shown))


def monitor_years() -> list[int]:
    return sorted(
        CountRow.objects.filter(stat=TOTAL, police_unit=ALL, form=ALL)
        .values_list("year", flat=True)
        .distinct()
    )


def fill_state() -> FillState | None:
    return FillState.objects.filter(name="registrations").first()


def _stat(name: str) -> CountStat:
    stat = STATS_BY_NAME.get(name)
    if stat is None:
        raise Http404
    return stat


def tables_read(
    *, stats: list[str], year: int, police_unit: str = ALL, form: str = ALL
) -> dict[str, Table]:
    """Several breakdowns of one filtered view, in one query (no access check)."""
    declared = {name: _stat(name) for name in stats}
    wholes = {total_of(name) for name in stats}
    rows = CountRow.objects.filter(
        year=year, police_unit=police_unit, form=form, stat__in=[*wholes, *stats]
    ).values_list("stat", "value", "count", "suppressed")
    labels = {name: value_labels(name) for name in stats}
    total_label = str(_("Totaal"))
    totals = {whole: _cell("", total_label, 0, False) for whole in wholes}
    cells: dict[str, list[Cell]] = {name: [] for name in stats}
    for row_stat, value, count, suppressed in rows:
        if row_stat in totals:
            totals[row_stat] = _cell("", total_label, count, suppressed)
        if row_stat in cells and row_stat not in totals:
            names = labels[row_stat]
            cells[row_stat].append(_cell(value, names.get(value, value), count, suppressed))
    tables = {}
    for name in stats:
        ordered = sorted(cells[name], key=lambda c: (c.count is None, -(c.count or 0), c.label))
        tables[name] = Table(
            stat=declared[name],
            year=year,
            police_unit=police_unit,
            form=form,
            total=totals[total_of(name)],
            cells=ordered,
        )
    return tables


def table_read(*, stat: str, year: int, police_unit: str = ALL, form: str = ALL) -> Table:
    """One breakdown for one filtered view, from the count tables (no access check)."""
    return tables_read(stats=[stat], year=year, police_unit=police_unit, form=form)[stat]


def monitor_tables(
    *, actor: Actor, stats: list[str], year: int, police_unit: str = ALL, form: str = ALL
) -> dict[str, Table]:
    require_monitor(actor)
    return tables_read(stats=stats, year=year, police_unit=police_unit, form=form)


def monitor_table(
    *, actor: Actor, stat: str, year: int, police_unit: str = ALL, form: str = ALL
) -> Table:
    require_monitor(actor)
    return table_read(stat=stat, year=year, police_unit=police_unit, form=form)


def trend_read(*, police_unit: str = ALL, form: str = ALL) -> list[TrendPoint]:
    rows = {
        year: (count, suppressed)
        for year, count, suppressed in CountRow.objects.filter(
            stat=TOTAL, police_unit=police_unit, form=form
        ).values_list("year", "count", "suppressed")
    }
    years = monitor_years()
    points: list[TrendPoint] = []
    previous: Cell | None = None
    for year in years:
        count, suppressed = rows.get(year, (0, False))
        cell = _cell(str(year), str(year), count, suppressed)
        change = None
        if previous is not None and previous.count is not None and cell.count is not None:
            change = cell.count - previous.count
        points.append(
            TrendPoint(
                year=year,
                cell=cell,
                change=change,
                change_display="" if change is None else f"{change:+d}",
            )
        )
        previous = cell
    return points


def monitor_trend(*, actor: Actor, police_unit: str = ALL, form: str = ALL) -> list[TrendPoint]:
    require_monitor(actor)
    return trend_read(police_unit=police_unit, form=form)


def chat_years() -> list[int]:
    """The years with chat counts (the count table's national rows)."""
    return sorted(
        CountRow.objects.filter(stat=CHAT_STATS[0].name, police_unit=ALL, form=ALL)
        .values_list("year", flat=True)
        .distinct()
    )


def chat_tables_read(*, year: int, police_unit: str = ALL, form: str = ALL) -> dict[str, Table]:
    """The chat's breakdowns of one view (aggregates only, suppressed; no access check:
    the monitor and the chat supervisors' board call it after their own check)."""
    return tables_read(stats=list(CHAT_BREAKDOWNS), year=year, police_unit=police_unit, form=form)
