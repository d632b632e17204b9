"""The one write path of the processing log."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation, User
from bovenwater.audit.models import Action, ProcessingLogEntry, ProcessingLogHead
from bovenwater.audit.purposes import Purpose, legal_basis_for
from bovenwater.core.tracing import current_trace


def _head_for_update() -> ProcessingLogHead:
    head = ProcessingLogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ProcessingLogHead.objects.get_or_create(pk=1)
        head = ProcessingLogHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def log_processing(
    *,
    actor: Actor | None,
    action: Action,
    object_type: str,
    object_id: object = "",
    purpose: Purpose,
    data_subject: str = "",
    details: dict[str, Any] | None = None,
    user: User | None = None,
    organisation: Organisation | None = None,
) -> ProcessingLogEntry:
    """Append one entry to the processing log, in the caller's transaction.

    ``actor`` is the acting user in an organisation. ``user``/``organisation`` cover
    the moments without an actor yet (a login, a system job). ``details`` must not
    contain personal data beyond references.
    """
    if actor is not None:
        user = actor.user
        organisation = actor.organisation
    head = _head_for_update()
    trace = current_trace()
    entry = ProcessingLogEntry(
        id=(head.last_entry_id or 0) + 1,
        actor_user_id=user.pk if user is not None else None,
        actor_username=user.get_username() if user is not None else "",
        organisation_id=organisation.pk if organisation is not None else None,
        organisation_name=organisation.name if organisation is not None else "",
        role=actor.membership.role if actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data_subject=data_subject,
        purpose=purpose,
        legal_basis=legal_basis_for(purpose).text,
        trace_id=trace.trace_id if trace is not None else "",
        span_id=trace.span_id if trace is not None else "",
        details=details or {},
        prev_hash=head.last_hash,
    )
    entry.entry_hash = entry.compute_hash()
    entry.save(force_insert=True)
    ProcessingLogHead.objects.filter(pk=1).update(
        last_entry_id=entry.pk, last_hash=entry.entry_hash, entry_count=head.entry_count + 1
    )
    return entry
