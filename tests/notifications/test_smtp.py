"""E-mail through a real SMTP server: aiosmtpd on a free port of 127.0.0.1 receives what
Django's SMTP backend sends (issue #20, point 5).

- The platform's notice e-mail goes out through the task and arrives as sent: to the
  user's address, from the configured sender, with no personal data.
- A refused connection is not swallowed: the task fails and the notices stay unmailed,
  so the next run sends them.
- The settings come from the environment: a separate process with ``EMAIL_HOST`` and
  ``EMAIL_PORT`` set sends Django's test e-mail to the same server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from tests.cases import factories
from tests.launched import REPO, free_port

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.notifications.mail import mail_immediate
from bovenwater.notifications.models import Event, Notification
from bovenwater.notifications.services import notify_users

SENDER = "Bovenwater <noreply@bovenwater.invalid>"
SECRET = "S-2026-GEHEIM"


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


def _smtp_settings(settings: Any, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 30
    settings.DEFAULT_FROM_EMAIL = SENDER
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "audit", "notifications"],
        }
    }


def _notice(address: str) -> tuple[Any, list[int]]:
    organisation = factories.organisation(OrganisationKind.CARE_COORDINATION)
    actor = factories.actor(Role.CARE_COORDINATOR, organisation)
    actor.user.email = address
    actor.user.save()
    return actor, [
        n.pk
        for n in notify_users(
            users=[actor.user],
            organisation=organisation,
            event=Event.CASE_ASSIGNED,
            reference=SECRET,
            url="/casussen/",
        )
    ]


@pytest.mark.django_db
def test_a_notice_email_arrives_at_a_real_smtp_server(
    settings: Any, smtp_server: tuple[int, Mailbox], django_capture_on_commit_callbacks: Any
) -> None:
    port, mailbox = smtp_server
    _smtp_settings(settings, port)
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued on commit
        _actor, ids = _notice("coordinator@example.org")
    assert len(mailbox.received) == 1
    mail_from, recipients, message = mailbox.received[0]
    assert mail_from == "noreply@bovenwater.invalid"
    assert recipients == ["coordinator@example.org"]
    assert message["From"] == SENDER
    assert message["Subject"] == "Bovenwater: er staat nieuw werk voor u klaar"
    body = message.get_content()
    assert "Er staat nieuw werk voor u klaar in Bovenwater." in body
    assert "New work is waiting for you in Bovenwater." in body
    assert SECRET not in body and SECRET not in message.as_string()
    assert not Notification.objects.filter(pk__in=ids, mailed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_refused_connection_fails_the_task_and_the_notice_waits_for_the_next_run(
    settings: Any, smtp_server: tuple[int, Mailbox]
) -> None:
    port, mailbox = smtp_server
    _smtp_settings(settings, free_port())  # nothing listens there
    _actor, ids = _notice("wacht@example.org")
    with pytest.raises(ConnectionRefusedError):  # not swallowed
        mail_immediate(ids)
    assert Notification.objects.filter(pk__in=ids, mailed_at__isnull=True).count() == 1
    assert mailbox.received == []
    settings.EMAIL_PORT = port  # the server is back: the next run sends it
    assert mail_immediate(ids) == 1
    assert [recipients for _f, recipients, _m in mailbox.received] == [["wacht@example.org"]]
    assert mail_immediate(ids) == 0  # once


def test_the_smtp_settings_come_from_the_environment(smtp_server: tuple[int, Mailbox]) -> None:
    port, mailbox = smtp_server
    env = dict(
        os.environ,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="Keten <keten@bovenwater.invalid>",
    )
    subprocess.run(
        [sys.executable, "-m", "bovenwater.cli", "manage", "sendtestemail", "beheer@example.org"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert len(mailbox.received) == 1
    mail_from, recipients, message = mailbox.received[0]
    assert (mail_from, recipients) == ("keten@bovenwater.invalid", ["beheer@example.org"])
    assert message["From"] == "Keten <keten@bovenwater.invalid>"
