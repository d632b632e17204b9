"""What every case service shares: the row lock, the count table and the record of a change."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.models import (
    Case,
    CaseCount,
    CaseEvent,
    EventKind,
)
from bovenwater.cases.selectors import (
    data_subject,
)
from bovenwater.lib.errors import NotFound


def timeline_event(
    *,
    actor: Actor | None,
    case: Case,
    kind: EventKind,
    text: str = "",
    from_state: str = "",
    to_state: str = "",
) -> CaseEvent:
    """One line on the case's timeline (without a processing-log row: see ``record``)."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        text=text,
        from_state=from_state,
        to_state=to_state,
        actor_user=actor.user if actor is not None else None,
        actor_organisation=actor.organisation if actor is not None else None,
    )


def record(
    *,
    actor: Actor,
    case: Case,
    action: Action,
    event: EventKind | None = None,
    text: str = "",
    from_state: str = "",
    to_state: str = "",
    object_type: str = "cases.case",
    object_id: object = None,
    purpose: Purpose = Purpose.CARE_COORDINATION,
    details: dict[str, object] | Callable[[CaseEvent | None], dict[str, object]] | None = None,
    owner_organisation_id: int | None = None,
) -> CaseEvent | None:
    """Record one change of a case, in the caller's transaction: the timeline event
    (when ``event`` is given) and the processing-log row, with the case as data subject.

    ``details`` may be computed from the new event (a note logs the event's id).
    ``owner_organisation_id`` names the other data owner when there are two (a transfer):
    the entry then shows in both organisations' processing logs.
    """
    written = (
        timeline_event(
            actor=actor, case=case, kind=event, text=text, from_state=from_state, to_state=to_state
        )
        if event is not None
        else None
    )
    log_processing(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=case.pk if object_id is None else object_id,
        data_subject=data_subject(case),
        purpose=purpose,
        details=details(written) if callable(details) else details,
        owner_organisation_id=owner_organisation_id,
    )
    return written


def count_case(*, owner_id: int, state: str, delta: int) -> None:
    """Keep the count table in step with a case entering (+1) or leaving (-1) a state.

    Runs inside the caller's transaction; the row is created on first use (a concurrent
    first use is caught by the unique constraint and retried as an update).
    """
    counts = CaseCount.objects.filter(owner_id=owner_id, state=state)
    if counts.update(count=F("count") + delta):
        return
    CaseCount.objects.get_or_create(owner_id=owner_id, state=state)
    counts.update(count=F("count") + delta)


def managed_case_for_update(
    *, actor: Actor, case: Case, permission: Permission = Permission.MANAGE_CASES
) -> Case:
    """Lock the case row; only the owner's case workers may change it (else 404)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.owner_id != actor.organisation_id or not actor.has(permission):
        raise NotFound
    return locked
