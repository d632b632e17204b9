"""The one write path of notifications: create notices, mark them read, preferences, mail.

Other apps call ``notify_users`` or ``notify_organisation`` inside their own
transaction; the notice rows commit with the work that caused them, and the e-mail is
queued with ``transaction.on_commit`` on the ``notifications`` queue, never sent inside
the request. E-mails carry no personal data and no case content: only that new work is
waiting, with a link to the notification centre.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation, User
from bovenwater.accounts.roles import ROLE_PERMISSIONS, Permission
from bovenwater.accounts.selectors import users_in_roles
from bovenwater.notifications.models import EmailMode, Event, Notification, Preference
from bovenwater.notifications.tasks import mail_notices


def _roles_with(permission: Permission) -> list[str]:
    return [role.value for role, granted in ROLE_PERMISSIONS.items() if permission in granted]


def notify_users(
    *,
    users: Iterable[User],
    organisation: Organisation,
    event: str,
    url_name: str = "",
    url_kwargs: Mapping[str, object] | None = None,
    reference: str = "",
    url: str = "",
) -> list[Notification]:
    """One notice per user (active accounts only), in the caller's transaction."""
    if url_name:
        url = reverse(url_name, kwargs=dict(url_kwargs or {}))
    rows = [
        Notification(
            user=user,
            organisation=organisation,
            event=Event(event),
            reference=reference[:40],
            url=url,
        )
        for user in {u.pk: u for u in users if u.is_active and not u.is_system_account}.values()
    ]
    created = Notification.objects.bulk_create(rows)
    if created:
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # backends that do not return ids from a bulk insert
            ids = list(
                Notification.objects.filter(
                    user__in=[r.user for r in rows], event=event, reference=reference[:40]
                ).values_list("pk", flat=True)
            )
        transaction.on_commit(lambda: _queue_mail(ids), robust=True)
    return created


def notify_organisation(
    *,
    organisation: Organisation,
    permission: Permission,
    event: str,
    url_name: str = "",
    url_kwargs: Mapping[str, object] | None = None,
    reference: str = "",
    exclude: User | None = None,
) -> list[Notification]:
    """A notice for every active member of ``organisation`` whose role holds
    ``permission`` (the people who must act on it), never for other organisations."""
    users = users_in_roles(organisation_id=organisation.pk, roles=_roles_with(permission))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return notify_users(
        users=list(users),
        organisation=organisation,
        event=event,
        url_name=url_name,
        url_kwargs=url_kwargs,
        reference=reference,
    )


def _queue_mail(ids: list[int]) -> None:
    mail_notices.enqueue(ids)


@transaction.atomic
def preference_set(*, actor: Actor, email: str) -> Preference:
    pref, _created = Preference.objects.update_or_create(
        user=actor.user, defaults={"email": EmailMode(email)}
    )
    return pref


@transaction.atomic
def mark_read(*, actor: Actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notices read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(user=actor.user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
