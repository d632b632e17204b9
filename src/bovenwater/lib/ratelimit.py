"""Rate limits per client address, counted in the shared cache, without storing addresses.

A counter is named by a keyed hash of the client address (``lib.clientaddress``, which
honours ``TRUSTED_PROXIES``) and of a fixed time window, and lives in the shared cache
(the database cache table, or Redis with ``REDIS_URL``): every process of every server
counts on the same number, and a restart does not reset it. The web forms call
:func:`allow`; the API uses :class:`AddressRateThrottle`.
"""

from __future__ import annotations

import time
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

from bovenwater.lib.clientaddress import address_key

HOUR = 3600
_PERIODS = {"s": 1, "m": 60, "h": HOUR, "d": 86400}


def hit(request: HttpRequest, scope: str, *, limit: int, window: int = HOUR) -> tuple[bool, int]:
    """Count one attempt in the current window; (allowed, seconds until the window ends)."""
    now = int(time.time())
    start = now - now % window
    key = f"rate:{scope}:{start}:{address_key(request, scope)}"
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
    return count <= limit, start + window - now


def allow(request: HttpRequest, scope: str, limit: int | None = None) -> bool:
    """Count one anonymous attempt; False when this hour's limit for the address is reached."""
    maximum = settings.PUBLIC_REPORT_RATE_LIMIT if limit is None else limit
    return hit(request, scope, limit=maximum)[0]


def parse_rate(rate: str) -> tuple[int, int]:
    """'20/hour' -> (20, 3600), as DRF's throttle rates are written."""
    number, period = rate.split("/")
    return int(number), _PERIODS[period.strip()[0]]


class AddressRateThrottle(BaseThrottle):
    """A DRF throttle on the shared per-address counter; the rate from DEFAULT_THROTTLE_RATES."""

    scope = ""

    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        rates = cast(dict[str, str], settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
        limit, window = parse_rate(rates[self.scope])
        allowed, wait = hit(request._request, f"api-{self.scope}", limit=limit, window=window)
        self._wait = None if allowed else wait
        return allowed

    def wait(self) -> float | None:
        return self._wait
