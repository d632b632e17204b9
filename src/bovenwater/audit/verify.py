"""Check the processing log's hash chain from the first sealed entry to the head."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bovenwater.audit.models import GENESIS_HASH, ProcessingLogEntry, ProcessingLogHead


@dataclass(frozen=True)
class VerifyResult:
    intact: bool
    checked: int
    broken_id: int | None = None  # the entry's id, when the entry still exists
    reason: str = ""
    broken_seq: int | None = None  # its position in the chain
    pending: int = 0  # entries not sealed into the chain yet (see ``chain_pending``)


def verify_chain(
    batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    """Walk the sealed entries in chain order; report the first whose position, link or
    hash is wrong. Entries not sealed yet are counted as ``pending``, not verified.
    ``progress`` hears how many entries are verified after every batch."""
    pending = ProcessingLogEntry.objects.filter(seq__isnull=True).count()
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_id: int | None = None
    while True:
        batch = list(
            ProcessingLogEntry.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch_size]
        )
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return VerifyResult(
                    False,
                    checked,
                    None,
                    f"entry {expected_seq} is missing",
                    expected_seq,
                    pending,
                )
            if entry.prev_hash != expected_prev:
                return VerifyResult(
                    False,
                    checked,
                    entry.pk,
                    "link to the previous entry is broken",
                    entry.seq,
                    pending,
                )
            if entry.compute_hash() != entry.entry_hash:
                return VerifyResult(
                    False, checked, entry.pk, "content does not match its hash", entry.seq, pending
                )
            expected_prev = entry.entry_hash
            expected_seq += 1
            checked += 1
            last_id = entry.pk
        if progress is not None:
            progress(checked)
    head = ProcessingLogHead.objects.filter(pk=1).first()
    head_count = head.entry_count if head is not None else 0
    head_hash = head.last_hash if head is not None else GENESIS_HASH
    head_id = head.last_entry_id if head is not None else None
    if head_count != checked or head_hash != expected_prev or (head_id or None) != last_id:
        return VerifyResult(
            False,
            checked,
            None,
            "entries after the last intact one were removed",
            checked + 1,
            pending,
        )
    return VerifyResult(True, checked, pending=pending)
