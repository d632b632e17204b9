"""The e-mail about a Kompas share: what it says, and how a failure is handled.

Sent by the task ``kompas.tasks.send_share_mail`` on the ``notifications`` queue, never
inside the request that made the share. A failure is never swallowed: it is logged,
the task fails (its result shows the error), and a new attempt is queued later, at most
``len(RETRY_AFTER)`` times; after the last one an error is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from bovenwater.kompas import targets
from bovenwater.kompas.models import Share
from bovenwater.lib import mailretry

logger = logging.getLogger("bovenwater.kompas.mail")

RETRY_AFTER = mailretry.RETRY_AFTER
MAIL_ERRORS = mailretry.MAIL_ERRORS


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
    """Log a failed attempt and queue the next one, or log that it was the last
    (``lib.mailretry``)."""
    mailretry.after_failure(
        logger=logger,
        what="Kompas share mail",
        object_id=share_id,
        attempt=attempt,
        error=error,
        retry=retry,
    )
