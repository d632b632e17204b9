"""The e-mail about new work: what it says (no personal data) and when it goes out.

Run by the task queue (``notifications.tasks``), never inside a request.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bovenwater.accounts.models import User
from bovenwater.notifications.models import EmailMode, Notification, Preference
from bovenwater.notifications.selectors import preference_of


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
