"""Background tasks of accounts, on the ``notifications`` queue."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from bovenwater.accounts.mail import after_failure, invitation_send
from bovenwater.lib.mailretry import MAIL_ERRORS


def _retry(user_id: int, attempt: int, delay: timedelta) -> None:
    send_invitation.using(run_after=timezone.now() + delay).enqueue(user_id, attempt)


@task(queue_name="notifications")
def send_invitation(user_id: int, attempt: int = 1) -> bool:
    """E-mail a new account its invitation. A failed attempt is logged, queues the next
    one (``lib.mailretry.RETRY_AFTER``) and fails this task with the error."""
    try:
        return invitation_send(user_id=user_id)
    except MAIL_ERRORS as error:
        deferrable = send_invitation.get_backend().supports_defer
        after_failure(
            user_id=user_id, attempt=attempt, error=error, retry=_retry if deferrable else None
        )
        raise
