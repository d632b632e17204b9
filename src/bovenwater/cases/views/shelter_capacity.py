"""The beheerder's page for its own shelters' capacity."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from bovenwater.accounts.middleware import request_actor
from bovenwater.cases.selectors.shelter_capacity import own_shelter_capacities, own_shelter_capacity
from bovenwater.cases.services.shelter_capacity import MAX_PLACES, shelter_capacity_set
from bovenwater.lib.refusals import REFUSALS, put_on_form


class CapacityForm(forms.Form):
    places = forms.IntegerField(
        label=gettext_lazy("Plaatsen"),
        min_value=0,
        max_value=MAX_PLACES,
        error_messages={
            "required": gettext_lazy("Vul het aantal plaatsen in."),
            "invalid": gettext_lazy("Vul een heel getal in."),
            "min_value": gettext_lazy("Het aantal plaatsen kan niet negatief zijn."),
            "max_value": gettext_lazy("Vul hoogstens %(limit_value)s plaatsen in."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reden"),
        max_length=500,
        help_text=gettext_lazy("Komt in het verwerkingslogboek; noem geen gegevens van cliënten."),
        error_messages={"required": gettext_lazy("Geef een reden op.")},
    )


@require_http_methods(["GET", "POST"])
def shelter_capacity_view(request: HttpRequest) -> HttpResponse:
    """All categories of the organisation's shelters; one form per row (POST names it)."""
    actor = request_actor(request)
    rows = own_shelter_capacities(actor=actor)
    posted = request.POST.get("capacity", "") if request.method == "POST" else ""
    forms_by_id: dict[int, CapacityForm] = {}
    status = 200
    if posted:
        capacity = own_shelter_capacity(
            actor=actor, capacity_id=int(posted) if posted.isdigit() else 0
        )
        form = CapacityForm(request.POST, prefix=f"c{capacity.pk}")
        if form.is_valid():
            try:
                shelter_capacity_set(actor=actor, capacity=capacity, **form.cleaned_data)
            except REFUSALS as error:
                put_on_form(form, error, field="places")
            else:
                messages.success(request, _("De capaciteit is opgeslagen."))
                return redirect("cases:shelter_capacity")
        forms_by_id[capacity.pk] = form
        status = 400
    elif request.method == "POST":
        status = 400
    entries = [
        (
            row,
            forms_by_id.get(row.capacity_id)
            or CapacityForm(initial={"places": row.places}, prefix=f"c{row.capacity_id}"),
        )
        for row in rows
    ]
    return render(
        request,
        "cases/shelter_capacity.html",
        {"entries": entries, "invalid": bool(forms_by_id)},
        status=status,
    )
