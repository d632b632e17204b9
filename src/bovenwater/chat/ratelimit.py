"""Abuse limits of the public chat, counted under a daily-rotated keyed hash of the
address in the shared cache (database or Redis in production); the address itself is
never stored or logged."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from bovenwater.chat import keys


def allow(address: str, scope: str, limit: int) -> bool:
    """Count one attempt of this address in this hour; False over the limit."""
    hour = timezone.now().strftime("%H")
    key = f"bovenwater:chat:rate:{scope}:{hour}:{keys.address_digest(address)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit
