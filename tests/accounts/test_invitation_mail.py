"""The invitation e-mail when the mail server is down (issue #20, point 5): the failure
is logged for the operator, never swallowed silently and never a 500 for the beheerder;
an account without an address gets nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from tests.launched import free_port

from bovenwater.accounts.member_services import invitation_send
from bovenwater.accounts.models import Membership, User

pytestmark = pytest.mark.django_db


def test_a_refused_connection_is_logged_and_no_address_means_no_mail(
    settings: Any, make_member: Callable[..., Membership], caplog: pytest.LogCaptureFixture
) -> None:
    member = make_member()
    User.objects.filter(pk=member.user_id).update(email="nieuw@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 30
    with caplog.at_level(logging.WARNING, logger="bovenwater.accounts"):
        invitation_send(user_id=member.user_id)
    (record,) = [r for r in caplog.records if "invitation mail" in r.getMessage()]
    assert record.levelno == logging.WARNING and str(member.user_id) in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is ConnectionRefusedError
    assert "nieuw@example.org" not in record.getMessage()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.filter(pk=member.user_id).update(email="")
    invitation_send(user_id=member.user_id)
    User.objects.filter(pk=member.user_id).update(email="weg@example.org", is_active=False)
    invitation_send(user_id=member.user_id)
    assert mail.outbox == []
