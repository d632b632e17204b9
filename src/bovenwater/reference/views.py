"""Public-sector reference data for logged-in users: indicator lists and regions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from bovenwater.reference.constants import DOMAIN_LABELS
from bovenwater.reference.models import ExploitationForm, Indicator, Municipality, PoliceUnit

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    forms: list[ExploitationForm]
    domains: list[Promise]

    @property
    def source_label(self) -> str:
        """The source without its URL ("label — https://..." in the data files)."""
        label, _sep, url = self.indicator.source.rpartition(" — ")
        return label if label and url.startswith(("https://", "http://")) else ""

    @property
    def source_url(self) -> str:
        url = self.indicator.source.rpartition(" — ")[2]
        return url if url.startswith(("https://", "http://")) else ""


@dataclass(frozen=True)
class CatalogueSection:
    label: str
    slug: str
    rows: list[IndicatorRow]


def _query(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()[:MAX_QUERY_LENGTH]


def indicators_view(request: HttpRequest) -> HttpResponse:
    catalogue = _query(request, "catalogus")
    form_code = _query(request, "vorm")
    domain = _query(request, "werkveld")
    text = _query(request, "zoek")

    indicators = Indicator.objects.current().prefetch_related(
        Prefetch("forms", queryset=ExploitationForm.objects.current().order_by("position"))
    )
    if catalogue in Indicator.Catalogue.values:
        indicators = indicators.filter(catalogue=catalogue)
    if form_code:
        indicators = indicators.filter(forms__code=form_code)
    if text:
        indicators = indicators.filter(
            Q(code__icontains=text)
            | Q(name_nl__icontains=text)
            | Q(name_en__icontains=text)
            | Q(group_nl__icontains=text)
            | Q(citizen_question_nl__icontains=text)
        )

    labels = dict(Indicator.Catalogue.choices)
    sections: dict[str, list[IndicatorRow]] = {}
    count = 0
    for indicator in indicators.distinct().order_by("catalogue", "position", "code"):
        # JSON "contains" is not portable to SQLite; the list is short, so filter here.
        if domain in DOMAIN_LABELS and domain not in indicator.domains:
            continue
        row = IndicatorRow(
            indicator=indicator,
            forms=list(indicator.forms.all()),
            domains=[DOMAIN_LABELS[d] for d in indicator.domains if d in DOMAIN_LABELS],
        )
        sections.setdefault(indicator.catalogue, []).append(row)
        count += 1
    # Catalogues in the order of their declaration, not alphabetically.
    ordered = [
        CatalogueSection(label=str(labels[value]), slug=value, rows=sections[value])
        for value in Indicator.Catalogue.values
        if value in sections
    ]
    context = {
        "sections": ordered,
        "count": count,
        "catalogues": Indicator.Catalogue.choices,
        "forms": ExploitationForm.objects.current().order_by("position"),
        "domains": list(DOMAIN_LABELS.items()),
        "selected_catalogue": catalogue,
        "selected_form": form_code,
        "selected_domain": domain,
        "search": text,
        "filtered": bool(catalogue or form_code or domain or text),
    }
    return render(request, "reference/indicators.html", context)


def municipalities_view(request: HttpRequest) -> HttpResponse:
    unit_code = _query(request, "eenheid")
    text = _query(request, "zoek")

    units = list(PoliceUnit.objects.current().order_by("name"))
    municipalities = Municipality.objects.current().select_related(
        "safety_region", "province", "police_unit"
    )
    if unit_code:
        municipalities = municipalities.filter(police_unit__code=unit_code)
    if text:
        municipalities = municipalities.filter(
            Q(name__icontains=text) | Q(code__iexact=text) | Q(safety_region__name__icontains=text)
        )
    by_unit: dict[int, list[Municipality]] = {}
    total = 0
    for municipality in municipalities.order_by("name"):
        by_unit.setdefault(municipality.police_unit_id, []).append(municipality)
        total += 1
    rows = [(unit, by_unit[unit.pk]) for unit in units if unit.pk in by_unit]
    context = {
        "rows": rows,
        "total": total,
        "units": units,
        "selected_unit": unit_code,
        "search": text,
        "filtered": bool(unit_code or text),
    }
    return render(request, "reference/municipalities.html", context)
