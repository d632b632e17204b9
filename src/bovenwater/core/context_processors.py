from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.accounts.selectors import memberships_of_actor_user
from bovenwater.core.navigation import navigation_for


def _switcher_memberships(request: HttpRequest, actor: Actor) -> list[Membership]:
    """The actor's memberships; ``ActorMiddleware`` already read them (same filter and
    order) when it chose the acting one in this request."""
    cached: tuple[int, list[Membership]] | None = getattr(request, "_memberships_of", None)
    if cached is not None and cached[0] == actor.user.pk:
        return cached[1]
    return list(memberships_of_actor_user(actor=actor))


@functools.lru_cache(maxsize=128)
def _nav_url(script_prefix: str, url_name: str) -> str:
    """A navigation item's URL, reversed once per deployment prefix (the URLs of the
    navigation take no arguments and no language prefix)."""
    return reverse(url_name)


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell (header, navigation, banners) needs on every page."""
    actor = getattr(request, "actor", None)
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {
            "url": _nav_url(get_script_prefix(), item.url_name),
            "label": item.label,
            "current": item.url_name == current,
        }
        for item in navigation_for(actor)
    ]
    return {
        "demo_mode": settings.DEMO_MODE,
        "actor": actor,
        "nav_items": items,
        "actor_memberships": _switcher_memberships(request, actor) if actor is not None else [],
    }
