"""The acting staff member of a WebSocket or streaming request, from the session login.

Mirrors the web rules: a user logged in with password and second factor (the session's
django-otp device belongs to the user and is confirmed, or the identity provider
vouched for a second factor at single sign-on), acting in the membership the
session names, which must be active in an active organisation.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import SESSION_KEY, second_factor_at_provider
from bovenwater.accounts.selectors import acting_membership_of


def _user_of(session: SessionBase) -> Any:
    """The session's user, as Django's ``get_user`` checks it for a web request (the
    session's auth hash included). The WebSocket stack has no ``AuthMiddleware``:
    Channels' loads the user for every connection on the process's one sync thread, so
    a burst of reconnects queued behind it; here it is read in the caller's database
    call, and only when a socket asks for staff access."""
    request = HttpRequest()
    request.session = session
    return get_user(request)


def actor_from_scope(scope: dict[str, Any]) -> Actor | None:
    session = scope.get("session")
    if session is None:
        return None
    user = scope.get("user") or _user_of(session)
    if not user.is_authenticated or user.pk is None:
        return None
    if not second_factor_at_provider(session, user.pk):
        persistent_id = session.get(DEVICE_ID_SESSION_KEY)
        if not persistent_id:
            return None
        device = Device.from_persistent_id(persistent_id)
        if device is None or device.user_id != user.pk or not device.confirmed:
            return None
    membership = acting_membership_of(user_id=user.pk, chosen_id=session.get(SESSION_KEY))
    if membership is None:
        return None
    return Actor(user=membership.user, membership=membership)
