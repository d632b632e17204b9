"""The Kompas share e-mail through a real SMTP server and the real database task queue
(issue #20, point 5): a failure is logged and tried again later, never swallowed.

- The e-mail goes out from the ``notifications`` queue after the commit and arrives at
  an aiosmtpd server on a free port of 127.0.0.1 as sent.
- A server that refuses the message: the task fails with the SMTP error, a warning names
  the share and the kind of error (not the address), and a next attempt is queued for
  later; when the server accepts again, that attempt delivers the e-mail once.
- After the last attempt, or on a backend that cannot queue a later attempt (the
  immediate backend with a refused connection), an error is logged and the task fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from tests.launched import free_port

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.kompas import mail, services
from bovenwater.kompas.models import Share, TargetKind
from bovenwater.kompas.tasks import send_share_mail

pytestmark = pytest.mark.django_db

ADDRESS = "collega@example.org"
TASK_PATH = "bovenwater.kompas.tasks.send_share_mail"


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts; while ``refuse`` is set it answers
    every message with a temporary failure (451)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Mailbox temporarily unavailable"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), message))
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


def _smtp(settings: Any, port: int, backend: str) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 30
    settings.DEFAULT_FROM_EMAIL = "Bovenwater <noreply@bovenwater.invalid>"
    settings.TASKS = {
        "default": {"BACKEND": backend, "QUEUES": ["default", "audit", "notifications"]}
    }


def _share(
    make_member: Callable[..., Membership],
    organisation: Organisation,
    capture: Callable[..., AbstractContextManager[object]],
) -> Share:
    sender = make_member(organisation=organisation)
    recipient = make_member(organisation=organisation)
    recipient.user.email = ADDRESS
    recipient.user.save()
    with capture(execute=True):  # the task is queued on commit
        return services.share_create(
            actor=Actor(user=sender.user, membership=sender),
            kind=TargetKind.CARD,
            target="vorm-labour",
            recipient=recipient.user,
            message="Handig voor de controle",
        )


def _worker() -> None:
    """One pass of the real database worker over the notifications queue."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "notifications", verbosity=0
    )


def _results() -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("enqueued_at", "pk"))


@pytest.fixture
def db_queue(settings: Any, monkeypatch: Any) -> None:
    # the worker closes "obsolete" connections, and inside the test's transaction
    # PostgreSQL's connection looks obsolete (autocommit off): keep it open
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def test_the_share_mail_goes_through_the_queue_to_a_real_smtp_server(
    settings: Any,
    db_queue: None,
    monkeypatch: Any,
    smtp_server: tuple[int, Mailbox],
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    port, mailbox = smtp_server
    _smtp(settings, port, "django_tasks_db.DatabaseBackend")
    share = _share(make_member, make_organisation(), django_capture_on_commit_callbacks)
    assert mailbox.received == []  # queued, not sent inside the request
    _worker()
    (result,) = _results()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.args_kwargs["args"] == [share.pk]
    ((recipients, message),) = mailbox.received
    assert recipients == [ADDRESS]
    assert str(message["Subject"]).startswith("Gedeeld in Kompas: ")
    assert "Handig voor de controle" in message.get_content()


def test_a_refusing_server_fails_the_task_logs_it_and_a_later_attempt_delivers(
    settings: Any,
    db_queue: None,
    monkeypatch: Any,
    smtp_server: tuple[int, Mailbox],
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    port, mailbox = smtp_server
    _smtp(settings, port, "django_tasks_db.DatabaseBackend")
    mailbox.refuse = True
    share = _share(make_member, make_organisation(), django_capture_on_commit_callbacks)
    before = timezone.now()
    with caplog.at_level(logging.WARNING, logger="bovenwater.kompas.mail"):
        _worker()
    failed, queued = _results()
    assert failed.status == TaskResultStatus.FAILED  # not swallowed
    assert failed.exception_class_path == "smtplib.SMTPDataError"
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs["args"] == [share.pk, 2]
    assert queued.run_after >= before + timedelta(seconds=mail.RETRY_AFTER[0])
    (record,) = [r for r in caplog.records if r.name == "bovenwater.kompas.mail"]
    assert record.levelno == logging.WARNING
    assert str(share.pk) in record.getMessage() and "SMTPDataError" in record.getMessage()
    assert ADDRESS not in record.getMessage()
    assert mailbox.received == []

    # a later attempt waits for its time (pushed well ahead, so a slow machine cannot
    # reach it during the next pass)
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now() + timedelta(hours=1))
    _worker()
    assert [r.status for r in _results()] == [TaskResultStatus.FAILED, TaskResultStatus.READY]

    mailbox.refuse = False  # the server accepts again, and the time has come
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now())
    _worker()
    assert [r.status for r in _results()] == [
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    ]
    assert [recipients for recipients, _m in mailbox.received] == [[ADDRESS]]  # once


def test_after_the_last_attempt_an_error_is_logged_and_nothing_is_queued(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queued: list[tuple[int, int, timedelta]] = []

    def retry(share_id: int, attempt: int, delay: timedelta) -> None:
        queued.append((share_id, attempt, delay))

    last = len(mail.RETRY_AFTER)
    with caplog.at_level(logging.WARNING, logger="bovenwater.kompas.mail"):
        mail.after_failure(share_id=7, attempt=last, error=OSError("x"), retry=retry)
        mail.after_failure(share_id=7, attempt=last + 1, error=OSError("x"), retry=retry)
    assert queued == [(7, last + 1, timedelta(seconds=mail.RETRY_AFTER[-1]))]
    assert [r.levelno for r in caplog.records] == [logging.WARNING, logging.ERROR]
    assert "no attempts left" in caplog.records[1].getMessage()


def test_a_refused_connection_on_the_immediate_backend_is_logged_and_fails_the_task(
    settings: Any,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _smtp(settings, free_port(), "django_tasks.backends.immediate.ImmediateBackend")
    share = _share(make_member, make_organisation(), django_capture_on_commit_callbacks)
    with caplog.at_level(logging.WARNING, logger="bovenwater.kompas.mail"):
        result = send_share_mail.enqueue(share.pk)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "builtins.ConnectionRefusedError"
    errors = [r for r in caplog.records if r.name == "bovenwater.kompas.mail"]
    assert [r.levelno for r in errors] == [logging.ERROR, logging.ERROR]  # on commit, and now
    assert all("cannot queue a later attempt" in r.getMessage() for r in errors)
