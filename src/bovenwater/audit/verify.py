"""Check the processing log's hash chain from the first entry to the head."""

from __future__ import annotations

from dataclasses import dataclass

from bovenwater.audit.models import GENESIS_HASH, ProcessingLogEntry, ProcessingLogHead


@dataclass(frozen=True)
class VerifyResult:
    intact: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in id order; report the first entry whose hash or link is wrong."""
    expected_prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    last_id = 0
    while True:
        batch = list(ProcessingLogEntry.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.pk != expected_id:
                return VerifyResult(False, checked, expected_id, f"entry {expected_id} is missing")
            if entry.prev_hash != expected_prev:
                return VerifyResult(
                    False, checked, entry.pk, "link to the previous entry is broken"
                )
            if entry.compute_hash() != entry.entry_hash:
                return VerifyResult(False, checked, entry.pk, "content does not match its hash")
            expected_prev = entry.entry_hash
            expected_id += 1
            checked += 1
        last_id = batch[-1].pk
    head = ProcessingLogHead.objects.filter(pk=1).first()
    head_id = head.last_entry_id if head is not None else None
    head_hash = head.last_hash if head is not None else GENESIS_HASH
    if (head_id or 0) != checked or head_hash != expected_prev:
        return VerifyResult(
            False, checked, checked + 1, "entries after the last intact one were removed"
        )
    return VerifyResult(True, checked)
