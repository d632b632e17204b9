"""Views of case meetings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Permission
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.workflow import OPEN_STATES
from bovenwater.lib.refusals import REFUSALS, put_on_form


def _partner_organisations(actor: Actor) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        is_active=True, municipality__police_unit_id=actor.organisation.municipality.police_unit_id
    ).order_by("name")


def meeting_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    meetings = selectors.meetings_for_actor(actor=actor)
    form = None
    if actor.has(Permission.MANAGE_MEETINGS):
        cases = selectors.cases_visible_to(actor).filter(state__in=sorted(OPEN_STATES))
        form = case_forms.MeetingForm(
            request.POST or None, cases=cases, attendees=_partner_organisations(actor)
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    actor=actor,
                    title=data["title"],
                    held_on=data["held_on"],
                    attendees=list(data["attendees"]),
                    agenda=list(data["agenda"]),
                )
            except REFUSALS as error:
                put_on_form(form, error)
            else:
                messages.success(request, _("Het casusoverleg is gepland."))
                return redirect("cases:meeting", meeting_id=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "cases/meeting_list.html",
        {"meetings": meetings[:100], "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = request_actor(request)
    meeting = selectors.meeting_get_for_actor(actor=actor, meeting_id=meeting_id)
    visible = selectors.meeting_cases_visible(actor=actor, meeting=meeting)
    visible_ids = set(visible.values_list("pk", flat=True))
    decisions = selectors.meeting_decisions_visible(meeting=meeting, visible_ids=visible_ids)
    form = None
    can_decide = (
        actor.has(Permission.MANAGE_MEETINGS) and meeting.organiser_id == actor.organisation_id
    )
    if can_decide:
        form = case_forms.DecisionForm(
            request.POST or None, cases=visible, owners=meeting.attendees.order_by("name")
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_decision_add(actor=actor, meeting=meeting, **data)
            except REFUSALS as error:
                put_on_form(form, error)
            else:
                messages.success(request, _("Het besluit is vastgelegd."))
                return redirect("cases:meeting", meeting_id=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    hidden = selectors.meeting_hidden_count(meeting=meeting, visible_ids=visible_ids)
    return render(
        request,
        "cases/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": visible.order_by("number"),
            "hidden": hidden,
            "decisions": decisions,
            "attendees": meeting.attendees.order_by("name"),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )
