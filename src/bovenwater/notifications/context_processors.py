from __future__ import annotations

from django.http import HttpRequest

from bovenwater.notifications.selectors import unread_count


def notices(request: HttpRequest) -> dict[str, int]:
    """The number of unread notices for the header (one indexed count per page)."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    return {"unread_notices": unread_count(actor=actor)}
