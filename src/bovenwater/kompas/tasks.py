"""Background tasks of Kompas, on the ``notifications`` queue."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from bovenwater.kompas.mail import MAIL_ERRORS, after_failure, share_mail_send


def _retry(share_id: int, attempt: int, delay: timedelta) -> None:
    send_share_mail.using(run_after=timezone.now() + delay).enqueue(share_id, attempt)


@task(queue_name="notifications")
def send_share_mail(share_id: int, attempt: int = 1) -> bool:
    """E-mail the recipient of a share. A failed attempt is logged, queues the next one
    (``kompas.mail.RETRY_AFTER``) and fails this task with the error."""
    try:
        return share_mail_send(share_id=share_id)
    except MAIL_ERRORS as error:
        deferrable = send_share_mail.get_backend().supports_defer
        after_failure(
            share_id=share_id, attempt=attempt, error=error, retry=_retry if deferrable else None
        )
        raise
