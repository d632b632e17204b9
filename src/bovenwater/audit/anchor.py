"""Anchors of the processing log's hash chain, kept outside the database.

Whoever can disable the database triggers could remove the newest entries and move the
chain head back: the shorter chain is still internally consistent. An anchor records
the head (its chain position and hash) at a moment, signed with an Ed25519 key the
database does not hold, in an append-only file on storage the operator chooses
(``PROCESSING_LOG_ANCHOR_DIR``), optionally with an RFC 3161 time-stamp token from a
time-stamping authority (``PROCESSING_LOG_TSA_URL``). ``verify_processing_log`` checks
the chain against every anchor: a chain shorter than an anchor, or a different hash at
an anchored position, is reported as broken.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.models import ProcessingLogEntry, ProcessingLogHead

ANCHOR_FILE = "anchors.jsonl"
SHA256_OID = bytes.fromhex("0609608648016503040201")  # DER of 2.16.840.1.101.3.4.2.1


class AnchorError(RuntimeError):
    pass


@dataclass(frozen=True)
class Anchor:
    seq: int
    entry_id: int | None
    hash: str
    anchored_at: str
    timestamp_token: str = ""  # base64 DER of the RFC 3161 response, when configured

    def payload(self) -> bytes:
        record = {
            "seq": self.seq,
            "entry_id": self.entry_id,
            "hash": self.hash,
            "anchored_at": self.anchored_at,
        }
        return json.dumps(record, sort_keys=True, separators=(",", ":")).encode()


def _private_key() -> Ed25519PrivateKey:
    configured = settings.PROCESSING_LOG_ANCHOR_KEY
    if configured:
        seed = base64.b64decode(configured)
    else:
        seed = hashlib.sha256(b"bovenwater-anchor:" + settings.SECRET_KEY.encode()).digest()
    if len(seed) != 32:
        raise AnchorError("PROCESSING_LOG_ANCHOR_KEY must be 32 bytes in base64")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_base64() -> str:
    public = _private_key().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def anchor_path() -> Path:
    return Path(settings.PROCESSING_LOG_ANCHOR_DIR) / ANCHOR_FILE


# -- RFC 3161 -------------------------------------------------------------------------


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _der_int(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big", signed=False)
    return _der(0x02, raw)


def timestamp_request(digest: bytes, nonce: int) -> bytes:
    """A DER ``TimeStampReq`` (RFC 3161 §2.4.1) for a SHA-256 digest, asking for the
    authority's certificate in the answer."""
    algorithm = _der(0x30, SHA256_OID + b"\x05\x00")
    imprint = _der(0x30, algorithm + _der(0x04, digest))
    return _der(0x30, _der_int(1) + imprint + _der_int(nonce) + b"\x01\x01\xff")


def _timestamp(digest: bytes) -> str:
    """Ask the configured authority to time-stamp ``digest``; returns the response (base64).

    The response is kept whole; ``openssl ts -verify`` checks it against the authority's
    certificate. Here it is checked for a granted status and for the digest asked for.
    """
    request = urllib.request.Request(  # noqa: S310 - the operator configures the URL
        settings.PROCESSING_LOG_TSA_URL,
        data=timestamp_request(digest, secrets.randbits(63)),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        body: bytes = response.read()
    # TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ... }; status 0/1
    # is granted. The status INTEGER is the first bytes after the two SEQUENCE headers.
    granted = body[:16].find(b"\x02\x01\x00") >= 0 or body[:16].find(b"\x02\x01\x01") >= 0
    if not granted or digest not in body:
        raise AnchorError("the time-stamping authority did not grant a token for the head")
    return base64.b64encode(body).decode()


# -- writing and reading anchors --------------------------------------------------------


def anchor_now() -> Anchor:
    """Seal pending entries, then append a signed anchor of the head to the anchor file."""
    chain_pending()
    head = ProcessingLogHead.objects.filter(pk=1).first()
    seq = head.entry_count if head is not None else 0
    entry_id = head.last_entry_id if head is not None else None
    head_hash = head.last_hash if head is not None else "0" * 64
    anchor = Anchor(
        seq=seq,
        entry_id=entry_id,
        hash=head_hash,
        anchored_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if settings.PROCESSING_LOG_TSA_URL:
        token = _timestamp(hashlib.sha256(anchor.payload()).digest())
        anchor = Anchor(**{**anchor.__dict__, "timestamp_token": token})
    signature = base64.b64encode(_private_key().sign(anchor.payload())).decode()
    record = {**json.loads(anchor.payload()), "signature": signature}
    if anchor.timestamp_token:
        record["timestamp_token"] = anchor.timestamp_token
    line = json.dumps(record, sort_keys=True)
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


def read_anchors() -> list[Anchor]:
    """The anchors in the file, oldest first; a line whose signature fails is an error."""
    path = anchor_path()
    if not path.exists():
        return []
    public: Ed25519PublicKey = _private_key().public_key()
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record: dict[str, Any] = json.loads(line)
            anchor = Anchor(
                seq=int(record["seq"]),
                entry_id=record["entry_id"],
                hash=str(record["hash"]),
                anchored_at=str(record["anchored_at"]),
                timestamp_token=str(record.get("timestamp_token", "")),
            )
            public.verify(base64.b64decode(record["signature"]), anchor.payload())
        except (ValueError, KeyError, TypeError, InvalidSignature) as error:
            raise AnchorError(
                f"anchor line {number} is damaged or not signed by this key"
            ) from error
        anchors.append(anchor)
    return anchors


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    anchors: int
    reason: str = ""
    last: Anchor | None = None


def check_anchors(chain_length: int) -> AnchorCheck:
    """Compare the chain with every anchor: each anchored position must still exist with
    the anchored hash. ``chain_length`` is the number of intact entries from the start."""
    try:
        anchors = read_anchors()
    except AnchorError as error:
        return AnchorCheck(False, 0, str(error))
    if not anchors:
        return AnchorCheck(True, 0)
    hashes = dict(
        ProcessingLogEntry.objects.filter(seq__in=[a.seq for a in anchors if a.seq]).values_list(
            "seq", "entry_hash"
        )
    )
    for anchor in reversed(anchors):
        if anchor.seq > chain_length:
            return AnchorCheck(
                False,
                len(anchors),
                f"the chain has {chain_length} entries, but {anchor.seq} were anchored at "
                f"{anchor.anchored_at}: entries after position {chain_length} were removed",
                anchor,
            )
        if anchor.seq and hashes.get(anchor.seq) != anchor.hash:
            return AnchorCheck(
                False,
                len(anchors),
                f"the entry at position {anchor.seq} no longer has the hash anchored at "
                f"{anchor.anchored_at}: the chain was rewritten",
                anchor,
            )
    return AnchorCheck(True, len(anchors), last=anchors[-1])
