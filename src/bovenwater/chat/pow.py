"""A self-hosted proof-of-work check against bots (no third-party captcha).

The server hands out a signed, timestamped challenge; the browser searches a nonce so
that SHA-256 of ``challenge:nonce`` starts with ``bits`` zero bits (about 2**bits
hashes: a fraction of a second in a browser, costly for a bot starting thousands of
chats). A solved challenge is accepted once, within ten minutes.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "bovenwater.chat.pow"
MAX_AGE = 600


def new_challenge() -> str:
    return signing.TimestampSigner(salt=SALT).sign(secrets.token_hex(12))


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str, bits: int) -> str:
    """Find a nonce (used by tests and the benchmark; browsers run static/chat/pow.js)."""
    nonce = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) >= bits:
            return str(nonce)
        nonce += 1


def verify(challenge: str, nonce: str) -> bool:
    try:
        signing.TimestampSigner(salt=SALT).unsign(challenge, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce[:32]}".encode()).digest()
    if leading_zero_bits(digest) < settings.CHAT_POW_DIFFICULTY:
        return False
    # Once only: the cache remembers used challenges for their lifetime.
    used_key = "bovenwater:chat:pow:" + hashlib.sha256(challenge.encode()).hexdigest()
    return bool(cache.add(used_key, 1, timeout=MAX_AGE))
