"""The one write path of the processing log, and the step that seals it into the chain.

``log_processing`` inserts an entry in the caller's transaction and takes no lock, so
logged reads and writes in different requests do not wait for each other. The entry
is committed, or rolled back, together with the work it records: nothing is done
unlogged. ``chain_pending`` then seals the committed entries that have no chain
position yet, in id order, under the lock on ``ProcessingLogHead``: each gets the next
``seq``, the previous entry's hash and its own hash. It runs as a background task
(queued at most once a second per process after a commit that logged something) and
on demand before the chain is verified or the log is exported.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose, legal_basis_for
from bovenwater.audit.tasks import chain_processing_log
from bovenwater.lib.tracing import current_trace

if TYPE_CHECKING:  # audit sits beside accounts and needs its types only
    from bovenwater.accounts.actor import Actor
    from bovenwater.accounts.models import Organisation, User

# Queue the background chaining at most this often per process (seconds).
CHAIN_QUEUE_INTERVAL = 1.0
_last_queued = 0.0


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
    owner_organisation_id: int | None = None,
) -> ProcessingLogEntry:
    """Add one entry to the processing log, in the caller's transaction.

    ``actor`` is the acting user in an organisation. ``user``/``organisation`` cover
    the moments without an actor yet (a login, a system job). ``details`` must not
    contain personal data beyond references. ``owner_organisation_id`` names the
    organisation whose data it is when that is not the acting one (a read through a
    share, a refused attempt): its privacy officer then sees the entry too. The entry
    is sealed into the hash chain
    after its transaction commits (``chain_pending``); until then its ``seq``,
    ``prev_hash`` and ``entry_hash`` are empty.
    """
    if actor is not None:
        user = actor.user
        organisation = actor.organisation
    trace = current_trace()
    entry = ProcessingLogEntry(
        actor_user_id=user.pk if user is not None else None,
        actor_username=user.get_username() if user is not None else "",
        organisation_id=organisation.pk if organisation is not None else None,
        organisation_name=organisation.name if organisation is not None else "",
        owner_organisation_id=(
            owner_organisation_id
            if owner_organisation_id != (organisation.pk if organisation is not None else None)
            else None
        ),
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
    )
    entry.save(force_insert=True)
    transaction.on_commit(_queue_chaining, robust=True)  # a failed enqueue: a later run seals it
    return entry


def log_refusal(
    *,
    actor: Actor,
    object_type: str,
    object_id: object,
    purpose: Purpose,
    owner_organisation_id: int | None = None,
    action: Action = Action.VIEW,
    reason: str = "out_of_scope",
) -> ProcessingLogEntry:
    """Log a refused attempt on an object (or a list the actor may not read).

    The entry looks the same to the actor's side whether the object exists or not: only
    the requested type and id and the reason, no data subject. When the object exists
    and belongs to another organisation, pass its ``owner_organisation_id``: that
    organisation's privacy officer then sees the attempt; the actor's side never sees
    which organisation that is.
    """
    return log_processing(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        details={"refused": reason},
        owner_organisation_id=owner_organisation_id,
    )


def refuse(
    *,
    actor: Actor,
    object_type: str,
    object_id: object,
    purpose: Purpose,
    owner_organisation_id: int | None = None,
    action: Action = Action.VIEW,
    reason: str = "out_of_scope",
) -> Http404:
    """``log_refusal`` and return the ``Http404`` to raise: ``raise refuse(actor=..., ...)``."""
    log_refusal(
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        owner_organisation_id=owner_organisation_id,
        action=action,
        reason=reason,
    )
    return Http404()


def log_list_read(
    *, actor: Actor, object_type: str, purpose: Purpose, details: dict[str, Any] | None = None
) -> ProcessingLogEntry:
    """Log that the actor opened a list of personal data of its organisation's scope."""
    return log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type=object_type,
        object_id=f"list:organisation:{actor.organisation_id}",
        purpose=purpose,
        details=details,
    )


def _queue_chaining() -> None:
    """Queue a chaining run that starts ``CHAIN_QUEUE_INTERVAL`` from now, unless this
    process queued one less than that ago: that run starts after this commit, so it
    seals this entry too. Every committed entry is thus sealed within about a second
    plus the worker's delay, with at most one queued task per second per process."""
    global _last_queued
    now = time.monotonic()
    if now - _last_queued < CHAIN_QUEUE_INTERVAL:
        return
    _last_queued = now

    if chain_processing_log.get_backend().supports_defer:
        run_after = timezone.now() + timedelta(seconds=CHAIN_QUEUE_INTERVAL)
        chain_processing_log.using(run_after=run_after).enqueue()
    else:  # the immediate backend of the tests
        chain_processing_log.enqueue()
