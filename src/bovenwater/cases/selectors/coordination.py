"""Reads for daily case work: the work queue, the history of corrections, the
registration hand-off, and what a receiver whose access ended may still be told."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.corrections import CaseFieldChange, FieldPart
from bovenwater.cases.fields import field_label
from bovenwater.cases.models import (
    Case,
    CaseEvent,
    CaseState,
    EventKind,
    Referral,
    ReferralStatus,
    SharedPart,
)
from bovenwater.cases.selectors.access import AccessPath, CaseAccess, data_subject
from bovenwater.lib.compiled import CompiledQuery

CLOSED = (CaseState.CLOSED, CaseState.DROPPED_OUT)


@dataclass(frozen=True)
class QueueRow:
    """An open case without a coordinator, as the work queue lists it."""

    pk: int
    number: str
    state: str
    opened_at: datetime.datetime


WORK_QUEUE_SHOWN = 10  # on the case list; the rest on the work-queue page
WORK_QUEUE_PAGE = 200  # on the work-queue page

_WORK_QUEUES: dict[int, CompiledQuery] = {}


def _work_queue(limit: int) -> CompiledQuery:
    query = _WORK_QUEUES.get(limit)
    if query is None:
        query = _WORK_QUEUES[limit] = CompiledQuery(
            f"cases.work_queue.{limit}",
            lambda organisation: (
                Case.objects.filter(owner_id=organisation, coordinator__isnull=True)
                .exclude(state__in=CLOSED)
                .order_by("opened_at", "pk")
                .values_list("pk", "number", "state", "opened_at")[:limit]
            ),
            {"organisation": int},
        )
    return query


def work_queue_for_actor(*, actor: Actor, limit: int = WORK_QUEUE_SHOWN) -> list[QueueRow]:
    """Open cases of the actor's organisation without a coordinator, oldest first, at
    most ``limit`` (the query reads the partial index ``case_work_queue`` in order).

    Case numbers, states and dates only (pseudonyms, no personal details): not logged.
    """
    if not actor.has(Permission.VIEW_CASES):
        return []
    rows = _work_queue(limit).rows(organisation=actor.organisation_id)
    return [QueueRow(*row) for row in rows]


def work_queue_page_for_actor(*, actor: Actor, limit: int) -> tuple[list[QueueRow], bool]:
    """The oldest ``limit`` rows of the work queue as its own page shows them, and whether
    there are more. Like the case list, one log entry per page (who, which organisation):
    the page is a read of its own."""
    rows = work_queue_for_actor(actor=actor, limit=limit + 1)
    more, rows = len(rows) > limit, rows[:limit]
    if actor.has(Permission.VIEW_CASES):
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="cases.case",
            object_id=f"list:organisation:{actor.organisation_id}",
            purpose=Purpose.CARE_COORDINATION,
            details={"list": "work_queue", "shown": len(rows)},
        )
    return rows, more


def field_history_for_access(*, actor: Actor, access: CaseAccess) -> list[CaseFieldChange]:
    """Corrections of the case with old and new values, newest first: case fields for
    whoever sees the summary, victim fields only for those who may see the victim. The
    read is logged when it shows victim fields."""
    if not access.shows(SharedPart.SUMMARY):
        return []
    rows = CaseFieldChange.objects.filter(case=access.case).select_related(
        "actor_user", "actor_organisation"
    )
    if not access.can_see_victim:
        rows = rows.exclude(part=FieldPart.VICTIM)
    if access.via == AccessPath.REFERRAL:
        rows = rows.filter(part__in=[FieldPart.CASE, FieldPart.VICTIM]).exclude(
            field__in=["coordinator"]
        )
    result = list(rows[:200])
    for row in result:  # the field's label, in the reader's language
        setattr(row, "label", field_label(row.part, row.field))  # noqa: B010
    if any(r.part == FieldPart.VICTIM for r in result):
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="cases.casefieldchange",
            object_id=access.case.pk,
            data_subject=data_subject(access.case),
            purpose=Purpose.EMERGENCY_ACCESS
            if access.via == AccessPath.EMERGENCY
            else Purpose.CARE_COORDINATION,
            details={"history": "victim"},
        )
    return result


@dataclass(frozen=True)
class RegistrationDone:
    at: datetime.datetime
    by_user: str
    by_organisation: str


def registration_of(*, actor: Actor, case: Case) -> RegistrationDone | None:
    """The actor's organisation's hand-off of this case to the national registration,
    if it happened (from the timeline; the registry itself keeps only a pseudonym)."""
    event = (
        CaseEvent.objects.filter(
            case=case, kind=EventKind.REGISTRATION, actor_organisation_id=actor.organisation_id
        )
        .select_related("actor_user", "actor_organisation")
        .order_by("created_at", "pk")
        .first()
    )
    if event is None:
        return None
    return RegistrationDone(
        at=event.created_at,
        by_user=event.actor_user.display_name if event.actor_user else "—",
        by_organisation=event.actor_organisation.name if event.actor_organisation else "—",
    )


def ended_share_for_actor(*, actor: Actor, case_id: int) -> Referral | None:
    """A referral of this case to the actor's organisation that was accepted and whose
    consent was withdrawn since: the receiver is told that, and nothing more. Logged as
    a refused read."""
    referral = (
        Referral.objects.filter(
            case_id=case_id,
            to_organisation_id=actor.organisation_id,
            status=ReferralStatus.ACCEPTED,
            consent__withdrawn_at__isnull=False,
        )
        .select_related("consent")
        .order_by("-consent__withdrawn_at")
        .first()
    )
    return referral
