"""The job body of sealing the processing log into its hash chain.

``audit.tasks.chain_processing_log`` runs it in the background (queued by
``services.log_processing`` after a commit); the verify command, the export and the
API's log read run it on demand. It imports neither the services nor the tasks, so data
flows one way: services -> tasks -> jobs.
"""

from __future__ import annotations

from django.db import connection, transaction

from bovenwater.audit.models import ProcessingLogEntry, ProcessingLogHead

CHAIN_BATCH = 5000
# On SQLite a sealing transaction holds the one write lock of the whole database, so it
# seals fewer entries at a time and lets the web workers' writes in between.
SQLITE_CHAIN_BATCH = 200


def _head_for_update() -> ProcessingLogHead:
    head = ProcessingLogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ProcessingLogHead.objects.get_or_create(pk=1)
        head = ProcessingLogHead.objects.select_for_update().get(pk=1)
    return head


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
