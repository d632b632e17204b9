"""Finding 10: the hash chain is anchored outside the database, so removing the newest
entries and moving the head back is found."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from tests.audit.factories import LOG_TABLE, drop_guards, log_entries

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.audit.anchor import anchor_now, anchor_path, read_anchors, timestamp_request
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.models import ProcessingLogEntry, ProcessingLogHead
from bovenwater.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchor_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(PROCESSING_LOG_ANCHOR_DIR=tmp_path):
        yield tmp_path


def _actor(make_member: Callable[..., Membership]) -> Actor:
    membership = make_member()
    return Actor(user=membership.user, membership=membership)


def test_a_truncated_tail_with_the_head_moved_back_is_reported(
    make_member: Callable[..., Membership], capsys: pytest.CaptureFixture[str]
) -> None:
    entries = log_entries(_actor(make_member), 5)
    call_command("anchor_processing_log")
    anchored = read_anchors()[-1]
    assert anchored.seq == ProcessingLogHead.objects.get(pk=1).entry_count
    call_command("verify_processing_log")
    assert "matches 1 anchors" in capsys.readouterr().out

    # The attacker: triggers off, the two newest entries gone, the head moved back.
    drop_guards()
    for entry in entries:
        entry.refresh_from_db()
    keep = entries[-3]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOG_TABLE} WHERE seq > %s", [keep.seq])
    ProcessingLogHead.objects.filter(pk=1).update(
        last_entry_id=keep.pk, last_hash=keep.entry_hash, entry_count=keep.seq
    )
    assert verify_chain().intact  # the chain alone cannot see it ...
    with pytest.raises(CommandError, match=f"entries after position {keep.seq} were removed"):
        call_command("verify_processing_log")  # ... the anchor does


def test_a_rewritten_chain_and_a_forged_anchor_are_reported(
    make_member: Callable[..., Membership],
) -> None:
    log_entries(_actor(make_member), 3)
    anchor_now()
    drop_guards()
    last = ProcessingLogEntry.objects.order_by("-seq").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LOG_TABLE} SET entry_hash = %s WHERE id = %s",
            ["f" * 64, last.pk],
        )
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_processing_log")

    text = anchor_path().read_text()
    anchor_path().write_text(text.replace('"seq": ', '"seq": 1'))
    with pytest.raises(CommandError, match="not signed by this key"):
        call_command("verify_processing_log", "--no-chain")


def test_anchors_accumulate_and_the_public_key_is_printed(
    make_member: Callable[..., Membership], capsys: pytest.CaptureFixture[str]
) -> None:
    actor = _actor(make_member)
    log_entries(actor, 2)
    anchor_now()
    log_entries(actor, 2)
    chain_pending()
    anchor_now()
    assert [a.seq for a in read_anchors()] == sorted(a.seq for a in read_anchors())
    assert len(read_anchors()) == 2
    call_command("anchor_processing_log", "--public-key")
    assert len(capsys.readouterr().out.strip()) == 44  # 32 bytes in base64


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_the_time_stamp_request_is_valid_rfc_3161(tmp_path: Path) -> None:
    digest = bytes(range(32))
    query = tmp_path / "query.tsq"
    query.write_bytes(timestamp_request(digest, nonce=12345))
    shown = subprocess.run(
        ["openssl", "ts", "-query", "-in", str(query), "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "sha256" in shown
    assert "Nonce: 0x3039" in shown
    assert "00 01 02 03 04 05" in shown
    assert "Certificate required: yes" in shown
