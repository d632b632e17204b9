"""Background tasks of notifications, on the ``notifications`` queue."""

from __future__ import annotations

from django_tasks import task

from bovenwater.notifications.mail import digest_send, mail_immediate


@task(queue_name="notifications")
def mail_notices(ids: list[int]) -> int:
    """E-mail the users of these notices who want an e-mail at once."""
    return mail_immediate(ids)


@task(queue_name="notifications")
def send_daily_digest() -> int:
    """The daily overview for users who chose it (``manage.py send_notification_digest``)."""
    return digest_send()
