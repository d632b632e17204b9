from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from bovenwater.accounts.selectors import memberships_of_actor_user
from bovenwater.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell (header, navigation, banners) needs on every page."""
    actor = getattr(request, "actor", None)
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {"url": reverse(item.url_name), "label": item.label, "current": item.url_name == current}
        for item in navigation_for(actor)
    ]
    return {
        "demo_mode": settings.DEMO_MODE,
        "actor": actor,
        "nav_items": items,
        "actor_memberships": list(memberships_of_actor_user(actor=actor))
        if actor is not None
        else [],
    }
