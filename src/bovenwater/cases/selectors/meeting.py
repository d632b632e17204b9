"""Reads of case meetings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_list_read, log_processing, refuse
from bovenwater.cases.models import (
    Case,
    CaseMeeting,
    MeetingDecision,
)
from bovenwater.cases.selectors.access import cases_visible_to


def meetings_for_actor(*, actor: Actor) -> QuerySet[CaseMeeting]:
    """The meetings the actor's organisation organises or attends (logged as a list read)."""
    meetings = _meetings(actor)
    log_list_read(actor=actor, object_type="cases.casemeeting", purpose=Purpose.CARE_COORDINATION)
    return meetings


def _meetings(actor: Actor) -> QuerySet[CaseMeeting]:
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
    """A meeting the actor's organisation organises or attends; its agenda and decisions
    are read with it (logged), anything else is refused (logged for the organiser)."""
    meeting = _meetings(actor).filter(pk=meeting_id).first()
    if meeting is None:
        raise refuse(
            actor=actor,
            object_type="cases.casemeeting",
            object_id=meeting_id,
            purpose=Purpose.CARE_COORDINATION,
            owner_organisation_id=CaseMeeting.objects.filter(pk=meeting_id)
            .values_list("organiser_id", flat=True)
            .first(),
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.casemeeting",
        object_id=meeting.pk,
        purpose=Purpose.CARE_COORDINATION,
        owner_organisation_id=meeting.organiser_id,
    )
    return meeting


def meeting_cases_visible(*, actor: Actor, meeting: CaseMeeting) -> QuerySet[Case]:
    """Agenda cases of a meeting the actor may see; the others stay hidden."""
    return cases_visible_to(actor).filter(meetings=meeting)


def meeting_decisions_visible(
    *, meeting: CaseMeeting, visible_ids: set[int]
) -> list[MeetingDecision]:
    """Decisions of a meeting about the agenda cases the actor may see."""
    return [
        d
        for d in meeting.decisions.select_related("case", "owner_organisation")
        if d.case_id in visible_ids
    ]


def meeting_hidden_count(*, meeting: CaseMeeting, visible_ids: set[int]) -> int:
    """How many agenda cases of a meeting the actor may not see (a number only)."""
    return meeting.agenda.count() - len(visible_ids)
