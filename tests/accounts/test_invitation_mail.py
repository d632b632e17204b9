"""The invitation e-mail when the mail server is down (issue #20, point 5): sent by a task
after the account is committed; a failure is logged for the operator (never the address),
fails the task and is tried again later, never swallowed and never a 500 for the
beheerder; an account without an address gets nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django_tasks import TaskResultStatus
from tests.launched import free_port

from bovenwater.accounts import mail as invitation_mail
from bovenwater.accounts.models import Membership, User
from bovenwater.accounts.tasks import send_invitation
from bovenwater.lib import mailretry

pytestmark = pytest.mark.django_db


def test_a_refused_connection_fails_the_task_and_is_logged_without_the_address(
    settings: Any, make_member: Callable[..., Membership], caplog: pytest.LogCaptureFixture
) -> None:
    member = make_member()
    User.objects.filter(pk=member.user_id).update(email="nieuw@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 30
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "audit", "notifications"],
        }
    }
    with caplog.at_level(logging.WARNING, logger="bovenwater.accounts.mail"):
        result = send_invitation.enqueue(member.user_id)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "builtins.ConnectionRefusedError"
    (record,) = [r for r in caplog.records if r.name == "bovenwater.accounts.mail"]
    # the immediate backend cannot queue a later attempt: an error for the operator
    assert record.levelno == logging.ERROR and str(member.user_id) in record.getMessage()
    assert "cannot queue a later attempt" in record.getMessage()
    assert "nieuw@example.org" not in record.getMessage()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.filter(pk=member.user_id).update(email="")
    assert invitation_mail.invitation_send(user_id=member.user_id) is False
    User.objects.filter(pk=member.user_id).update(email="weg@example.org", is_active=False)
    assert invitation_mail.invitation_send(user_id=member.user_id) is False
    assert mail.outbox == []


def test_a_failed_attempt_queues_the_next_until_none_are_left(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queued: list[tuple[int, int, timedelta]] = []

    def retry(user_id: int, attempt: int, delay: timedelta) -> None:
        queued.append((user_id, attempt, delay))

    last = len(mailretry.RETRY_AFTER)
    with caplog.at_level(logging.WARNING, logger="bovenwater.accounts.mail"):
        invitation_mail.after_failure(user_id=7, attempt=1, error=OSError("x"), retry=retry)
        invitation_mail.after_failure(user_id=7, attempt=last, error=OSError("x"), retry=retry)
        invitation_mail.after_failure(user_id=7, attempt=last + 1, error=OSError("x"), retry=retry)
    assert queued == [
        (7, 2, timedelta(seconds=mailretry.RETRY_AFTER[0])),
        (7, last + 1, timedelta(seconds=mailretry.RETRY_AFTER[-1])),
    ]
    levels = [r.levelno for r in caplog.records]
    assert levels == [logging.WARNING, logging.WARNING, logging.ERROR]
    assert "no attempts left" in caplog.records[2].getMessage()


def test_an_invitation_arrives_in_dutch_and_english(
    settings: Any, make_member: Callable[..., Membership]
) -> None:
    member = make_member()
    User.objects.filter(pk=member.user_id).update(email="nieuw@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert invitation_mail.invitation_send(user_id=member.user_id) is True
    (sent,) = mail.outbox
    assert sent.to == ["nieuw@example.org"]
    assert "U bent uitgenodigd voor Bovenwater." in sent.body
    assert "You have been invited to Bovenwater." in sent.body
