"""The per-address ceiling on failed logins, above django-axes' per-account lockout.

django-axes locks one account from one address (``AXES_LOCKOUT_PARAMETERS``) after
``AXES_FAILURE_LIMIT`` failures. Someone who tries many accounts from one address is
stopped here, after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures over all accounts, for
``AXES_COOLOFF_MINUTES``: high enough that the colleagues of one office behind one NAT
do not lock each other out. The counter sits in the shared cache under a keyed hash of
the address (``lib.clientaddress``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from bovenwater.lib.clientaddress import address_key


def _key(request: HttpRequest) -> str:
    return f"login-address:{address_key(request, 'login-address')}"


def _cooloff_seconds() -> int:
    return max(60, round(float(settings.AXES_COOLOFF_TIME) * 3600))


def address_blocked(request: HttpRequest) -> bool:
    return int(cache.get(_key(request), 0)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def count_failure(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    """``user_login_failed`` receiver: one more failure for the request's address."""
    if request is None or not hasattr(request, "META"):
        return
    key = _key(request)
    if not cache.add(key, 1, timeout=_cooloff_seconds()):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=_cooloff_seconds())
