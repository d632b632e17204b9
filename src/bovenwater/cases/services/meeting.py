"""Case meetings (casusoverleg) and their decisions."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.cases.models import (
    Case,
    CaseMeeting,
    EventKind,
    MeetingDecision,
)
from bovenwater.cases.selectors import (
    case_access,
)
from bovenwater.cases.services.common import record
from bovenwater.lib import formatting
from bovenwater.notifications.models import Event
from bovenwater.notifications.services import notify_organisation


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    title: str,
    held_on: datetime.date,
    attendees: Sequence[Organisation],
    agenda: Sequence[Case],
) -> CaseMeeting:
    """A case meeting in the actor's region; agenda cases must be visible to the actor."""
    if not actor.has(Permission.MANAGE_MEETINGS):
        raise PermissionDenied
    for case in agenda:
        if case_access(actor=actor, case=case) is None:
            raise ValidationError({"agenda": _("U kunt alleen casussen agenderen die u mag zien.")})
    meeting = CaseMeeting.objects.create(
        region_id=actor.organisation.municipality.police_unit_id,
        organiser=actor.organisation,
        title=title,
        held_on=held_on,
        created_by=actor.user,
    )
    meeting.attendees.set({*attendees, actor.organisation})
    meeting.agenda.set(agenda)
    for case in agenda:
        record(
            actor=actor,
            case=case,
            action=Action.SHARE,
            event=EventKind.MEETING,
            text=_("Geagendeerd voor casusoverleg ‘%(title)s’ op %(date)s.")
            % {"title": title, "date": formatting.date_in("nl", held_on)},
            object_type="cases.casemeeting",
            object_id=meeting.pk,
        )

    for organisation in {*attendees, actor.organisation}:  # the agenda, to every attendee
        notify_organisation(
            organisation=organisation,
            permission=Permission.VIEW_CASES,
            event=Event.MEETING_AGENDA,
            url_name="cases:meeting",
            url_kwargs={"meeting_id": meeting.pk},
            reference=held_on.strftime("%d-%m-%Y"),
            exclude=actor.user,
        )
    return meeting


@transaction.atomic
def meeting_decision_add(
    *,
    actor: Actor,
    meeting: CaseMeeting,
    case: Case,
    text: str,
    owner_organisation: Organisation,
    deadline: datetime.date | None,
) -> MeetingDecision:
    if not actor.has(Permission.MANAGE_MEETINGS) or meeting.organiser_id != actor.organisation_id:
        raise PermissionDenied
    if not meeting.agenda.filter(pk=case.pk).exists():
        raise ValidationError({"case": _("Deze casus staat niet op de agenda.")})
    if not text.strip():
        raise ValidationError({"text": _("Beschrijf het besluit of de actie.")})
    decision = MeetingDecision.objects.create(
        meeting=meeting,
        case=case,
        text=text.strip(),
        owner_organisation=owner_organisation,
        deadline=deadline,
        created_by=actor.user,
    )
    record(
        actor=actor,
        case=case,
        action=Action.CREATE,
        event=EventKind.MEETING,
        text=_("Besluit casusoverleg: %(text)s (eigenaar %(owner)s).")
        % {"text": decision.text, "owner": owner_organisation.name},
        object_type="cases.meetingdecision",
        object_id=decision.pk,
    )
    return decision
