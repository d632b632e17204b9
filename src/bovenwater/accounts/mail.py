"""The invitation e-mail of a new account: its one-time link, in Dutch then English.

Sent by the task ``accounts.tasks.send_invitation`` on the ``notifications`` queue after
the account is committed. A failure is never swallowed (``lib.mailretry``): it is
logged without the address, the task fails with the error and a new attempt is queued
later; after the last one an error is logged for the operator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from bovenwater.accounts.models import User
from bovenwater.lib import mailretry

logger = logging.getLogger("bovenwater.accounts.mail")


def invitation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:invitation", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL.rstrip("/") + path


def invitation_send(*, user_id: int) -> bool:
    """E-mail a new account its one-time link to choose a password (Dutch, then English);
    an SMTP error is raised. False when there is nothing to send (no active account, or
    no address)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    url = invitation_url(user)

    def body() -> list[str]:
        return [
            _("U bent uitgenodigd voor Bovenwater."),
            _("Kies via deze link een wachtwoord (de link werkt één keer): %(url)s") % {"url": url},
            _("Daarna koppelt u een authenticator-app voor de tweede stap van het inloggen."),
        ]

    with translation.override("nl"):
        lines_nl = body()
        subject = _("Uitnodiging voor Bovenwater")
    with translation.override("en"):
        lines_en = body()
    send_mail(
        subject=subject,
        message="\n".join([*lines_nl, "", "—", "", *lines_en]),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=False,
    )
    return True


def after_failure(
    *,
    user_id: int,
    attempt: int,
    error: BaseException,
    retry: Callable[[int, int, timedelta], None] | None,
) -> None:
    """Log a failed attempt (user id and kind of error, no address) and queue the next."""
    mailretry.after_failure(
        logger=logger,
        what="Invitation mail for user",
        object_id=user_id,
        attempt=attempt,
        error=error,
        retry=retry,
    )
