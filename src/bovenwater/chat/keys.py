"""Keyed hashes of the chat: bearer tokens, pick-up codes and network addresses.

The young person's conversation token and pick-up code are kept only as HMACs (like
the receipt code of the public report), so they can be checked but never read back.
A network address is only ever hashed together with the day: the digest changes every
day, and neither the address nor a stable pseudonym of it is stored or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

PICKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _mac(scope: str, value: str) -> str:
    key = f"{settings.SECRET_KEY}|chat|{scope}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return _mac("token", token.strip())


def new_pickup_code() -> str:
    raw = "".join(secrets.choice(PICKUP_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def pickup_digest(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return _mac("pickup", normalised)


def address_digest(address: str, day: date | None = None) -> str:
    """The keyed hash of a network address for one day (rotates at midnight)."""
    day = day or timezone.localdate()
    return _mac("address", f"{day.isoformat()}|{address}")


def address_digests(address: str) -> tuple[str, str]:
    """Today's and yesterday's digests: a block lasts at most a day, so both are checked."""
    today = timezone.localdate()
    return address_digest(address, today), address_digest(address, today - timedelta(days=1))
