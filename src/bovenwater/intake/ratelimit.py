"""A per-hour limit on anonymous reports without storing addresses.

The client address is only used, in memory, as part of a keyed hash that names a
cache counter for the current hour; it is never written to the database or logs.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


def _bucket(request: HttpRequest, scope: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    hour = timezone.now().strftime("%Y%m%d%H")
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}|{address}|{hour}".encode(), hashlib.sha256
    ).hexdigest()
    return f"bovenwater:rate:{digest}"


def allow(request: HttpRequest, scope: str, limit: int | None = None) -> bool:
    """Count one attempt; False when this hour's limit for the address is reached."""
    key = _bucket(request, scope)
    maximum = settings.PUBLIC_REPORT_RATE_LIMIT if limit is None else limit
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= maximum
