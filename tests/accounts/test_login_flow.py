from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.support import TEST_PASSWORD, token_for

from bovenwater.accounts import services
from bovenwater.accounts.middleware import IDLE_REFRESH_KEY, SESSION_KEY
from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.audit.models import Action, ProcessingLogEntry

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


def _password_step(
    client: Client, username: str, password: str = TEST_PASSWORD
) -> _MonkeyPatchedWSGIResponse:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_password_and_totp_log_the_user_in(
    client: Client, make_member: Callable[..., Membership]
) -> None:
    membership = make_member(role=Role.CARE_COORDINATOR)
    response = _password_step(client, membership.user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    # Half-way (password only) the user is not logged in.
    assert client.get(reverse("core:home")).status_code == 302

    device = TOTPDevice.objects.get(user=membership.user)
    response = client.post(reverse("accounts:verify"), {"token": token_for(device)})
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert membership.organisation.name in home.content.decode()
    entry = ProcessingLogEntry.objects.filter(
        action=Action.LOGIN, actor_user_id=membership.user_id
    ).get()
    assert entry.organisation_id == membership.organisation_id
    assert entry.details == {"result": "success"}


def test_wrong_password_gives_dutch_error_and_keeps_username(
    client: Client, make_member: Callable[..., Membership]
) -> None:
    membership = make_member()
    response = _password_step(client, membership.user.username, "verkeerd-wachtwoord")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Gebruikersnaam of wachtwoord is onjuist." in body
    assert f'value="{membership.user.username}"' in body
    assert 'value="verkeerd-wachtwoord"' not in body


def test_wrong_totp_gives_dutch_error_and_is_logged(
    client: Client, make_member: Callable[..., Membership]
) -> None:
    membership = make_member()
    _password_step(client, membership.user.username)
    response = client.post(reverse("accounts:verify"), {"token": "000000"})
    assert response.status_code == 400
    assert "De code is onjuist of verlopen." in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    entry = ProcessingLogEntry.objects.filter(
        action=Action.LOGIN, actor_user_id=membership.user_id
    ).get()
    assert entry.details == {"result": "failed_second_factor"}


def test_malformed_totp_is_explained_next_to_the_field(
    client: Client, make_member: Callable[..., Membership]
) -> None:
    membership = make_member()
    _password_step(client, membership.user.username)
    response = client.post(reverse("accounts:verify"), {"token": "12ab"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vul de zescijferige code uit uw authenticator-app in." in body
    assert 'value="12ab"' in body


def test_repeated_failures_lock_the_account(
    client: Client, make_member: Callable[..., Membership]
) -> None:
    membership = make_member()
    for _attempt in range(5):
        response = _password_step(client, membership.user.username, "nog-steeds-fout")
    response = _password_step(client, membership.user.username)  # even the right password
    assert response.status_code == 429
    assert "Account tijdelijk geblokkeerd" in response.content.decode()


def test_repeated_wrong_codes_lock_the_account(
    client: Client, make_member: Callable[..., Membership]
) -> None:
    membership = make_member()
    _password_step(client, membership.user.username)
    statuses = [
        client.post(reverse("accounts:verify"), {"token": "000000"}).status_code for _ in range(5)
    ]
    assert statuses[-1] == 429
    assert statuses[0] == 400


def test_first_login_enrols_an_authenticator_with_qr_code(
    client: Client, make_member: Callable[..., Membership]
) -> None:
    membership = make_member(with_device=False)
    response = _password_step(client, membership.user.username)
    assert response["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    wrong = client.post(reverse("accounts:enrol"), {"token": "000000"})
    assert wrong.status_code == 400
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False
    time.sleep(1.1)  # django-otp throttles a device for a second after a wrong code
    ok = client.post(reverse("accounts:enrol"), {"token": token_for(device)})
    assert ok.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True
    assert client.get(reverse("core:home")).status_code == 200


def test_session_times_out_when_idle(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    membership = make_member()
    login_as(membership)
    client.get(reverse("core:home"))
    # Activity refreshes the expiry (throttled, see the tests below), not every save.
    assert "bovenwater.accounts.middleware.IdleTimeoutSessionMiddleware" in settings.MIDDLEWARE
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_TIMEOUT == 900
    # A session idle for longer than the timeout is gone: back to the login page.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _expiry(client: Client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _set_session(client: Client, *, refreshed_ago: int, expires_in: int) -> datetime:
    """Pretend the expiry was last refreshed ``refreshed_ago`` seconds ago."""
    session = client.session
    session[IDLE_REFRESH_KEY] = int(time.time()) - refreshed_ago
    session.save()
    expire = timezone.now() + timedelta(seconds=expires_in)
    Session.objects.filter(session_key=session.session_key).update(expire_date=expire)
    return Session.objects.get(session_key=session.session_key).expire_date


def test_idle_timeout_is_refreshed_at_most_once_a_minute(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    login_as(make_member())
    # Refreshed 10 s ago: requests within the minute do not write the session.
    expire = _set_session(client, refreshed_ago=10, expires_in=890)
    for _ in range(3):
        response = client.get(reverse("core:home"))
        assert response.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert _expiry(client) == expire
    # Refreshed 61 s ago: the next request pushes the expiry to a full timeout from now.
    _set_session(client, refreshed_ago=61, expires_in=839)
    before, before_stamp = timezone.now(), int(time.time())
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    refreshed = _expiry(client)
    # Bracketed by the clock before and after the request: no wall-clock window.
    assert before + timedelta(seconds=900) <= refreshed <= timezone.now() + timedelta(seconds=900)
    assert before_stamp <= client.session[IDLE_REFRESH_KEY] <= int(time.time())
    # ... and the following request within the minute leaves it alone again.
    client.get(reverse("core:home"))
    assert _expiry(client) == refreshed


def test_a_changed_session_is_saved_at_once(
    client: Client,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., object],
    login_as: Callable[[Membership], Client],
) -> None:
    """The throttle only skips saves of an unchanged session (here: switching organisation)."""

    first = make_member(role=Role.CONTACT_OFFICER)
    second = services.membership_add(
        user=first.user,
        organisation=make_organisation(name="Tweede organisatie"),  # type: ignore[arg-type]
        role=Role.ANALYST,
    )
    login_as(first)
    _set_session(client, refreshed_ago=5, expires_in=100)
    response = client.post(reverse("accounts:switch"), {"membership": second.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == second.pk
    assert _expiry(client) > timezone.now() + timedelta(seconds=850)


def test_anonymous_requests_get_no_session(client: Client) -> None:
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


def test_acting_organisation_can_be_switched_only_to_own_memberships(
    client: Client,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., object],
    login_as: Callable[[Membership], Client],
) -> None:
    first = make_member(role=Role.CONTACT_OFFICER)
    second_org = make_organisation(name="Tweede organisatie")
    second = services.membership_add(user=first.user, organisation=second_org, role=Role.ANALYST)  # type: ignore[arg-type]
    stranger = make_member(role=Role.ADMINISTRATOR)
    login_as(first)
    assert first.organisation.name in client.get(reverse("core:home")).content.decode()
    client.post(reverse("accounts:switch"), {"membership": second.pk})
    page = client.get(reverse("core:home")).content.decode()
    assert 'class="bw-acting__org">Tweede organisatie<' in page
    client.post(reverse("accounts:switch"), {"membership": stranger.pk})
    page = client.get(reverse("core:home")).content.decode()
    assert stranger.organisation.name not in page
    assert 'class="bw-acting__org">Tweede organisatie<' in page


def test_logout_is_logged_and_ends_the_session(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    membership = make_member()
    login_as(membership)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302
    assert (
        ProcessingLogEntry.objects.filter(
            action=Action.LOGOUT, actor_user_id=membership.user_id
        ).count()
        == 1
    )


def test_demo_accounts_and_secret_are_never_shown_outside_demo_mode(
    client: Client, settings: object
) -> None:
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Demo-accounts" not in body
    assert "JBSWY3DPEHPK3PXP" not in body
