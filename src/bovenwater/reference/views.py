"""Public-sector reference data for logged-in users: indicator lists and regions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bovenwater.reference.models import ExploitationForm, Indicator, Municipality, PoliceUnit


def indicators_view(request: HttpRequest) -> HttpResponse:
    catalogue = request.GET.get("catalogus", "")
    form_code = request.GET.get("vorm", "")
    indicators = Indicator.objects.current().prefetch_related("forms")
    if catalogue in Indicator.Catalogue.values:
        indicators = indicators.filter(catalogue=catalogue)
    if form_code:
        indicators = indicators.filter(forms__code=form_code)
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators.distinct():
        groups.setdefault(indicator.get_catalogue_display(), []).append(indicator)
    context = {
        "groups": groups,
        "catalogues": Indicator.Catalogue.choices,
        "forms": ExploitationForm.objects.current(),
        "selected_catalogue": catalogue,
        "selected_form": form_code,
    }
    return render(request, "reference/indicators.html", context)


def municipalities_view(request: HttpRequest) -> HttpResponse:
    units = PoliceUnit.objects.current().order_by("name")
    municipalities = Municipality.objects.current().select_related(
        "safety_region", "province", "police_unit"
    )
    by_unit: dict[int, list[Municipality]] = {}
    for municipality in municipalities:
        by_unit.setdefault(municipality.police_unit_id, []).append(municipality)
    rows = [(unit, by_unit.get(unit.pk, [])) for unit in units]
    return render(
        request, "reference/municipalities.html", {"rows": rows, "total": len(municipalities)}
    )
