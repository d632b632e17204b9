"""Views of placement requests, the capacity board and placements."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.views.common import managed_case, simple_post, to_tab
from bovenwater.lib.refusals import attempt
from bovenwater.reference.models import PoliceUnit


@require_POST
def placement_request_create(request: HttpRequest, case_id: int) -> HttpResponse:
    return simple_post(
        request,
        case_id,
        case_forms.PlacementRequestForm,
        "placement_form",
        lambda actor, case, data: services.placement_request_create(actor=actor, case=case, **data),
        _("De plaatsing is aangevraagd en staat op de wachtlijst."),
    )


@require_POST
def placement_depart(request: HttpRequest, placement_id: int) -> HttpResponse:
    actor = request_actor(request)
    placement = selectors.placement_get_for_actor(actor=actor, placement_id=placement_id)
    managed_case(actor, placement.case_id)
    form = case_forms.DepartForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.placement_depart(
                actor=actor,
                placement=placement,
                departed_on=form.cleaned_data["departed_on"],
                reason=form.cleaned_data["reason"],
            ),
            success=_("Het vertrek is vastgelegd."),
        )
    else:
        messages.error(request, _("Vul de datum en de reden van vertrek in."))
    return to_tab(placement.case_id, "opvang")


def _region(request: HttpRequest, actor: Actor) -> PoliceUnit | None:
    value = request.GET.get("regio", "")
    if value == "alle":
        return None
    if value.isdigit():
        return PoliceUnit.objects.filter(pk=int(value)).first()
    return PoliceUnit.objects.filter(pk=actor.organisation.municipality.police_unit_id).first()


def capacity_board(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    region = _region(request, actor)
    region_id = region.pk if region is not None else None
    rows = selectors.capacity_board(actor=actor, region_id=region_id)
    placeable = [
        {
            "request": row.request,
            "own": row.own,
            "can_place": row.can_place,
            "form": case_forms.PlaceForm(
                shelters=selectors.shelters_for(
                    category=row.request.category, region_id=row.request.region_id
                ),
                shelter_choices=row.shelters,
                prefix=f"r{row.request.pk}",
            )
            if row.can_place
            else None,
        }
        for row in selectors.waiting_rows(actor=actor, region_id=region_id)
    ]
    registrar = selectors.is_national_registrar(actor)
    context = {
        "rows": rows,
        "waiting": placeable,
        "region": region,
        "regions": PoliceUnit.objects.order_by("name"),
        "registrar": registrar,
    }
    template = (
        "cases/_capacity.html" if request.headers.get("HX-Request") else "cases/capacity.html"
    )
    return render(request, template, context)


@require_POST
def placement_create(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = request_actor(request)
    placement_request = selectors.placement_request_get_for_actor(
        actor=actor, request_id=request_id
    )
    shelters = selectors.shelters_for(category=placement_request.category)
    form = case_forms.PlaceForm(request.POST, shelters=shelters, prefix=f"r{request_id}")
    if form.is_valid():
        try:
            attempt(
                request,
                lambda: services.placement_create(
                    actor=actor, request=placement_request, shelter=form.cleaned_data["shelter"]
                ),
                success=_("De plaatsing is vastgelegd."),
            )
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Geen toegang."))
    else:
        messages.error(request, _("Kies een opvanglocatie."))
    return redirect(f"{_capacity_url()}?regio={placement_request.region_id}")


def _capacity_url() -> str:
    return reverse("cases:capacity")
