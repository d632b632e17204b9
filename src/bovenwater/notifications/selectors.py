"""Reads of notices: only the acting user's own.

A notice holds no personal data (the kind of work and a pseudonymous reference such as
a case or signal number), so these reads are not written to the processing log.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import User
from bovenwater.lib.compiled import CompiledQuery
from bovenwater.notifications.models import EmailMode, Notification, Preference


def notices_for_actor(*, actor: Actor) -> QuerySet[Notification]:
    return Notification.objects.filter(user=actor.user).select_related("organisation")


_UNREAD = CompiledQuery(
    "notifications.unread",
    lambda user: (
        Notification.objects.filter(user_id=user, read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    ),
    {"user": int},
)


def unread_count(*, actor: Actor) -> int:
    """The actor's unread notices (compiled once: it runs on every page)."""
    rows = _UNREAD.rows(user=actor.user.pk)
    return int(rows[0][0]) if rows else 0


def preference_of(user: User) -> str:
    """The user's e-mail preference (immediate when never chosen)."""
    pref = Preference.objects.filter(user=user).values_list("email", flat=True).first()
    return pref or EmailMode.IMMEDIATE
