"""Require a verified (password + TOTP) login and attach the acting ``Actor``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership

SESSION_KEY = "bovenwater_acting_membership"
# When the session's expiry was last pushed forward (Unix seconds), and how often at most.
IDLE_REFRESH_KEY = "bovenwater_idle_refreshed_at"
IDLE_REFRESH_INTERVAL = 60
PUBLIC_PREFIXES = ("/static/", "/api/", "/i18n/")
F = TypeVar("F", bound=Callable[..., Any])


def public_view(view: F) -> F:
    """Mark a view as reachable without login (login page, public report, statement)."""
    view.bovenwater_public = True  # type: ignore[attr-defined]
    return view


def user_is_verified(request: HttpRequest) -> bool:
    """Logged in with password and a second factor (django-otp adds ``is_verified``)."""
    user = request.user
    return bool(user.is_authenticated and user.is_verified())  # type: ignore[attr-defined]


def request_actor(request: HttpRequest) -> Actor:
    """The acting user of a request; views behind ``ActorMiddleware`` always have one."""
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None:
        raise PermissionDenied
    return actor


def active_memberships(request: HttpRequest) -> list[Membership]:
    """The logged-in user's active memberships of active organisations, in the
    switcher's order (organisation name, role); read once per request.

    ``ActorMiddleware`` keeps the list on the request (for that user only), so the
    page shell's organisation switcher does not query it again. It is not cached across
    requests: a deactivated membership or organisation stops working at once.
    """
    user = request.user
    if not user.is_authenticated:
        return []
    cached: tuple[int, list[Membership]] | None = getattr(request, "_memberships_of", None)
    if cached is not None and cached[0] == user.pk:  # not after a login as someone else
        return cached[1]
    return list(
        Membership.objects.select_related("organisation", "organisation__municipality", "user")
        .filter(user=user, is_active=True, organisation__is_active=True)
        .order_by("organisation__name", "role")
    )


def acting_membership(request: HttpRequest) -> Membership | None:
    memberships = active_memberships(request)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        for membership in memberships:
            if membership.pk == chosen:
                return membership
    return memberships[0] if memberships else None


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        request._memberships_of = None  # type: ignore[attr-defined]
        if user_is_verified(request):
            memberships = active_memberships(request)
            request._memberships_of = (request.user.pk, memberships)  # type: ignore[attr-defined]
            membership = acting_membership(request)
            if membership is not None:
                request.actor = Actor(user=membership.user, membership=membership)  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if getattr(view_func, "bovenwater_public", False):
            return None
        if request.path.startswith(PUBLIC_PREFIXES):
            return None
        if request.actor is not None:  # type: ignore[attr-defined]
            return None
        if user_is_verified(request):
            # Verified but without an active membership: nothing to act as.
            return redirect(reverse("accounts:no_membership"))
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")


class IdleTimeoutSessionMiddleware(SessionMiddleware):
    """Django's session middleware with a throttled idle-timeout refresh.

    A session expires ``SESSION_COOKIE_AGE`` (= ``SESSION_IDLE_TIMEOUT``) seconds after
    it was last saved. Saving it on every request (``SESSION_SAVE_EVERY_REQUEST``) keeps
    that an exact idle timeout but writes the session row on every page view. Here an
    unchanged session is saved at most once per ``IDLE_REFRESH_INTERVAL`` seconds, so
    a user is logged out between ``SESSION_IDLE_TIMEOUT - IDLE_REFRESH_INTERVAL`` and
    ``SESSION_IDLE_TIMEOUT`` seconds after their last request: never later than the
    configured timeout, at most a minute earlier.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and (session.session_key is not None or session.modified):
            accessed = session.accessed
            refreshed = session.get(IDLE_REFRESH_KEY)
            now = int(time.time())
            stale = (
                not isinstance(refreshed, int) or not 0 <= now - refreshed < IDLE_REFRESH_INTERVAL
            )
            if (session.modified or stale) and not session.is_empty():
                session[IDLE_REFRESH_KEY] = now  # marks it modified: saved below
            session.accessed = accessed
        return super().process_response(request, response)
