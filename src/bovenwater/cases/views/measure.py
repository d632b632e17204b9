"""Views of administrative measures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.lib.refusals import REFUSALS, put_on_form


def measure_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    measures = selectors.measures_for_actor(actor=actor)
    form = None
    if actor.has(Permission.MANAGE_MEASURES):
        form = case_forms.MeasureForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            case = None
            if data["case_number"]:
                access = selectors.case_access_by_number(actor=actor, number=data["case_number"])
                if access is None:
                    form.add_error("case_number", _("Deze casus is niet gevonden."))
                else:
                    case = access.case
            if not form.errors:
                try:
                    measure = services.measure_create(
                        actor=actor,
                        kind=data["kind"],
                        target=data["target"],
                        legal_ground=data["legal_ground"],
                        started_on=data["started_on"],
                        case=case,
                        signal_reference=data["signal_reference"],
                    )
                except REFUSALS as error:
                    put_on_form(form, error)
                else:
                    messages.success(request, _("De maatregel is vastgelegd."))
                    return redirect("cases:measure", measure_id=measure.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "cases/measure_list.html",
        {"measures": measures[:200], "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def measure_detail(request: HttpRequest, measure_id: int) -> HttpResponse:
    actor = request_actor(request)
    measure = selectors.measure_get_for_actor(actor=actor, measure_id=measure_id)
    can_edit = measure.owner_id == actor.organisation_id and actor.has(Permission.MANAGE_MEASURES)
    form = None
    if can_edit:
        form = case_forms.MeasureStatusForm(
            request.POST or None, initial={"status": measure.status, "ended_on": measure.ended_on}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.measure_set_status(actor=actor, measure=measure, **form.cleaned_data)
            except REFUSALS as error:
                put_on_form(form, error)
            else:
                messages.success(request, _("De maatregel is bijgewerkt."))
                return redirect("cases:measure", measure_id=measure.pk)
    elif request.method == "POST":
        raise PermissionDenied
    case_visible = measure.case is not None and (
        selectors.case_access(actor=actor, case=measure.case) is not None
    )
    return render(
        request,
        "cases/measure_detail.html",
        {"measure": measure, "form": form, "case_visible": case_visible},
        status=400 if form is not None and form.errors else 200,
    )
