"""Reads of case meetings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.cases.models import (
    Case,
    CaseMeeting,
)
from bovenwater.cases.selectors.access import cases_visible_to


def meetings_for_actor(*, actor: Actor) -> QuerySet[CaseMeeting]:
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    return (
        CaseMeeting.objects.filter(
            Q(organiser_id=actor.organisation_id) | Q(attendees=actor.organisation_id)
        )
        .distinct()
        .select_related("region", "organiser")
    )


def meeting_get_for_actor(*, actor: Actor, meeting_id: int) -> CaseMeeting:
    meeting = meetings_for_actor(actor=actor).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_cases_visible(*, actor: Actor, meeting: CaseMeeting) -> QuerySet[Case]:
    """Agenda cases of a meeting the actor may see; the others stay hidden."""
    return cases_visible_to(actor).filter(meetings=meeting)
