"""The e-mail about a Kompas share: what it says, and how a failure is handled.

Sent by the task ``kompas.tasks.send_share_mail`` on the ``notifications`` queue, never
inside the request that made the share. A failure is never swallowed: it is logged,
the task fails (its result shows the error), and a new attempt is queued later, at most
``len(RETRY_AFTER)`` times; after the last one an error is logged.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from bovenwater.kompas import targets
from bovenwater.kompas.models import Share

logger = logging.getLogger("bovenwater.kompas.mail")

# Seconds before the next attempt after the first, second, ... failure.
RETRY_AFTER = (60, 300, 1800, 7200)
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def share_mail_send(*, share_id: int) -> bool:
    """Send the e-mail about one share (``fail_silently=False``: an SMTP error is raised).
    False when there is nothing to send: the share is gone, the recipient has no
    address, or the shared part no longer exists."""
    share = Share.objects.select_related("sender", "recipient").filter(pk=share_id).first()
    if share is None:
        return False
    target = targets.resolve(share.kind, share.target)
    if not share.recipient.email or target is None:
        return False
    lines = [
        _("%(sender)s deelde een onderdeel van Kompas met u: %(title)s")
        % {"sender": share.sender.display_name, "title": target.title},
    ]
    if share.message:
        lines += ["", share.message]
    lines += ["", _("U vindt het in Bovenwater onder Kompas > Gedeeld met mij.")]
    send_mail(
        subject=_("Gedeeld in Kompas: %(title)s") % {"title": target.title},
        message="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[share.recipient.email],
        fail_silently=False,
    )
    return True


def after_failure(
    *,
    share_id: int,
    attempt: int,
    error: BaseException,
    retry: Callable[[int, int, timedelta], None] | None,
) -> None:
    """Log a failed attempt and queue the next one (``retry(share_id, attempt, delay)``),
    or log that it was the last. The log names the share and the kind of error, never
    the address (an SMTP refusal's text carries it)."""
    kind = type(error).__name__
    if attempt > len(RETRY_AFTER):
        logger.error(
            "Kompas share mail %s not sent: attempt %s failed (%s), no attempts left",
            share_id,
            attempt,
            kind,
        )
        return
    if retry is None:
        logger.error(
            "Kompas share mail %s not sent: attempt %s failed (%s), and the task backend "
            "cannot queue a later attempt",
            share_id,
            attempt,
            kind,
        )
        return
    delay = timedelta(seconds=RETRY_AFTER[attempt - 1])
    logger.warning(
        "Kompas share mail %s: attempt %s failed (%s); next attempt in %s s",
        share_id,
        attempt,
        kind,
        int(delay.total_seconds()),
    )
    retry(share_id, attempt + 1, delay)
