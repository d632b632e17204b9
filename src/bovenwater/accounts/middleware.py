"""Require a verified (password + TOTP) login and attach the acting ``Actor``."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.lib.compiled import CompiledQuery
from bovenwater.reference.models import Municipality

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


# Set by the single sign-on callback (to the user's id) when the identity provider's
# ``amr``/``acr`` claims show it checked a second factor; see accounts.views.
PROVIDER_SECOND_FACTOR_KEY = "bovenwater_provider_second_factor"


def second_factor_at_provider(session: Any, user_id: object) -> bool:
    return user_id is not None and session.get(PROVIDER_SECOND_FACTOR_KEY) == user_id


def user_is_verified(request: HttpRequest) -> bool:
    """Logged in with a second factor: a TOTP code here (django-otp adds
    ``is_verified``) or one the identity provider vouched for at single sign-on."""
    user = request.user
    if not user.is_authenticated:
        return False
    return bool(
        user.is_verified()  # type: ignore[attr-defined]
        or second_factor_at_provider(request.session, user.pk)
    )


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
    return [_membership_from_row(row) for row in _ACTIVE_MEMBERSHIPS.rows(user=user.pk)]


def _related_models() -> tuple[tuple[str, type[Model]], ...]:
    """The rows of a membership read with it: (lookup path, model), membership first."""
    return (
        ("", Membership),
        ("user__", User),
        ("organisation__", Organisation),
        ("organisation__municipality__", Municipality),
    )


@functools.cache
def _field_names() -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(field.attname for field in model._meta.concrete_fields)
        for _, model in _related_models()
    )


def _active_memberships_query(user: int) -> QuerySet[Any, Any]:
    paths = [
        prefix + name
        for (prefix, _), names in zip(_related_models(), _field_names(), strict=True)
        for name in names
    ]
    return (
        Membership.objects.filter(user_id=user, is_active=True, organisation__is_active=True)
        .order_by("organisation__name", "role")
        .values_list(*paths)
    )


# Read on every request: compiled to SQL once (see ``lib.compiled``).
_ACTIVE_MEMBERSHIPS = CompiledQuery(
    "accounts.active_memberships", _active_memberships_query, {"user": int}
)


def _membership_from_row(row: tuple[Any, ...]) -> Membership:
    """A membership with its user, organisation and the organisation's municipality,
    as ``select_related`` would build them."""
    membership_names, user_names, organisation_names, municipality_names = _field_names()
    user_at = len(membership_names)
    organisation_at = user_at + len(user_names)
    municipality_at = organisation_at + len(organisation_names)
    membership = Membership.from_db(DEFAULT_DB_ALIAS, membership_names, row[:user_at])
    membership.user = User.from_db(DEFAULT_DB_ALIAS, user_names, row[user_at:organisation_at])
    organisation = Organisation.from_db(
        DEFAULT_DB_ALIAS, organisation_names, row[organisation_at:municipality_at]
    )
    organisation.municipality = Municipality.from_db(
        DEFAULT_DB_ALIAS, municipality_names, row[municipality_at:]
    )
    membership.organisation = organisation
    return membership


def acting_membership(request: HttpRequest) -> Membership | None:
    memberships = active_memberships(request)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        for membership in memberships:
            if membership.pk == chosen:
                return membership
    # Until the user switches, they act for the organisation they joined first: for most
    # people their employer, whatever other memberships they were given later.
    return min(memberships, key=lambda membership: membership.pk) if memberships else None


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
