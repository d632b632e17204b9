"""The one write path of notifications: create notices, mark them read, preferences, mail.

Other apps call ``notify_users`` or ``notify_organisation`` inside their own
transaction; the notice rows commit with the work that caused them, and the e-mail is
queued with ``transaction.on_commit`` on the ``notifications`` queue, never sent inside
the request. E-mails carry no personal data and no case content: only that new work is
waiting, with a link to the notification centre.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation, User
from bovenwater.accounts.roles import ROLE_PERMISSIONS, Permission
from bovenwater.notifications.models import EmailMode, Event, Notification, Preference


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
    users = User.objects.filter(
        memberships__organisation=organisation,
        memberships__is_active=True,
        memberships__role__in=_roles_with(permission),
        is_active=True,
    ).distinct()
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
    from bovenwater.notifications.tasks import mail_notices

    mail_notices.enqueue(ids)


def preference_of(user: User) -> str:
    pref = Preference.objects.filter(user=user).values_list("email", flat=True).first()
    return pref or EmailMode.IMMEDIATE


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


def _centre_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("notifications:list")


def _mail(user: User, *, digest_count: int = 0) -> None:
    """The only e-mail text: new work is waiting, and where to look. No name, alias,
    case number or content; the language is Dutch with the English below it."""

    def body() -> list[str]:
        lines = [
            _("Er staat nieuw werk voor u klaar in Bovenwater."),
            _("Log in om het te bekijken: %(url)s") % {"url": _centre_url()},
        ]
        if digest_count:
            lines.insert(1, _("Aantal nieuwe meldingen: %(n)s") % {"n": digest_count})
        return lines

    with translation.override("nl"):
        lines_nl = body()
        subject = _("Bovenwater: er staat nieuw werk voor u klaar")
    with translation.override("en"):
        lines_en = body()
    send_mail(
        subject=subject,
        message="\n".join([*lines_nl, "", "—", "", *lines_en]),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=False,
    )


def mail_immediate(ids: Iterable[int]) -> int:
    """Send one e-mail per user with new notices among ``ids`` whose preference is
    *immediate*; returns how many e-mails went out. Run by the task queue."""
    sent = 0
    pending = Notification.objects.filter(pk__in=list(ids), mailed_at__isnull=True).select_related(
        "user"
    )
    by_user: dict[int, list[Notification]] = {}
    for notice in pending:
        by_user.setdefault(notice.user_id, []).append(notice)
    for notices in by_user.values():
        user = notices[0].user
        if not user.email or preference_of(user) != EmailMode.IMMEDIATE:
            continue
        _mail(user)
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(mailed_at=timezone.now())
        sent += 1
    return sent


def digest_send(*, now: datetime.datetime | None = None) -> int:
    """The daily overview: one e-mail per user with a *daily* preference and notices not
    mailed yet; returns how many e-mails went out."""
    now = now or timezone.now()
    sent = 0
    for pref in Preference.objects.filter(email=EmailMode.DAILY).select_related("user"):
        notices = Notification.objects.filter(user=pref.user, mailed_at__isnull=True)
        count = notices.count()
        if not count or not pref.user.email:
            continue
        _mail(pref.user, digest_count=count)
        notices.update(mailed_at=now)
        Preference.objects.filter(pk=pref.pk).update(last_digest_at=now)
        sent += 1
    return sent
