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
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation, User
from bovenwater.audit.models import Action, ProcessingLogEntry, ProcessingLogHead
from bovenwater.audit.purposes import Purpose, legal_basis_for
from bovenwater.core.tracing import current_trace

CHAIN_BATCH = 5000
# On SQLite a sealing transaction holds the one write lock of the whole database, so it
# seals fewer entries at a time and lets the web workers' writes in between.
SQLITE_CHAIN_BATCH = 200
# Queue the background chaining at most this often per process (seconds).
CHAIN_QUEUE_INTERVAL = 1.0
_last_queued = 0.0


def _head_for_update() -> ProcessingLogHead:
    head = ProcessingLogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ProcessingLogHead.objects.get_or_create(pk=1)
        head = ProcessingLogHead.objects.select_for_update().get(pk=1)
    return head


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
    """Add one entry to the processing log, in the caller's transaction.

    ``actor`` is the acting user in an organisation. ``user``/``organisation`` cover
    the moments without an actor yet (a login, a system job). ``details`` must not
    contain personal data beyond references. The entry is sealed into the hash chain
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
    from bovenwater.audit.tasks import chain_processing_log

    if chain_processing_log.get_backend().supports_defer:
        run_after = timezone.now() + timedelta(seconds=CHAIN_QUEUE_INTERVAL)
        chain_processing_log.using(run_after=run_after).enqueue()
    else:  # the immediate backend of the tests
        chain_processing_log.enqueue()


def _seal_sql() -> str:
    table = ProcessingLogEntry._meta.db_table
    return (
        f"UPDATE {table} SET seq = %s, prev_hash = %s, entry_hash = %s "  # noqa: S608
        "WHERE id = %s AND seq IS NULL"
    )


def chain_pending(*, limit: int | None = None) -> int:
    """Seal the committed entries without a chain position, in id order; returns how many.

    Runs in its own transaction with the chain head locked, so two runs never fork the
    chain. An entry whose transaction has not committed yet is not visible here and is
    sealed by a later run.
    """
    sealed = 0
    size = SQLITE_CHAIN_BATCH if connection.vendor == "sqlite" else CHAIN_BATCH
    while limit is None or sealed < limit:
        batch = size if limit is None else min(size, limit - sealed)
        done = _chain_batch(batch)
        sealed += done
        if done < batch:
            break
    return sealed


@transaction.atomic
def _chain_batch(batch: int) -> int:
    if not ProcessingLogEntry.objects.filter(seq__isnull=True).exists():
        return 0  # nothing to do: do not take the lock
    head = _head_for_update()
    entries = list(ProcessingLogEntry.objects.filter(seq__isnull=True).order_by("pk")[:batch])
    if not entries:
        return 0
    seq = head.entry_count
    prev = head.last_hash
    rows: list[tuple[int, str, str, int]] = []
    for entry in entries:
        seq += 1
        entry.prev_hash = prev
        entry.entry_hash = prev = entry.compute_hash()
        rows.append((seq, entry.prev_hash, entry.entry_hash, entry.pk))
    with connection.cursor() as cursor:
        cursor.executemany(_seal_sql(), rows)
    ProcessingLogHead.objects.filter(pk=1).update(
        last_entry_id=entries[-1].pk, last_hash=prev, entry_count=seq
    )
    return len(entries)
