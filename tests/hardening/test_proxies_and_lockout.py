"""Findings 2 and 8: rate limits see through forged X-Forwarded-For only as far as trusted
proxies vouch for it; the login lockout is per (account, address) with a per-address ceiling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from tests.support import TEST_PASSWORD

from bovenwater.accounts.models import Membership
from bovenwater.lib.clientaddress import client_address
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db

REPORT = {"description": "Verdachte situatie bij de haven.", "municipality": "GM0599"}


def _report(client: Client, **headers: str) -> int:
    return client.post(
        reverse("api:public-reports"), REPORT, content_type="application/json", headers=headers
    ).status_code


def test_forged_forwarded_for_does_not_reset_the_api_limit(client: Client, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_report": "3/hour"},
    }
    statuses = [_report(client, x_forwarded_for=f"198.51.100.{i}") for i in range(8)]
    assert statuses == [201, 201, 201, 429, 429, 429, 429, 429]


def test_forged_forwarded_for_does_not_reset_the_form_limit(client: Client, settings: Any) -> None:
    settings.PUBLIC_REPORT_RATE_LIMIT = 1
    municipality = Municipality.objects.get(code="GM0599").pk
    form = {"description": "Iets gezien", "municipality": str(municipality), "minor": "unknown"}
    statuses = [
        client.post(
            reverse("report:new"),
            {**form, "form_token": f"t{i}"},
            headers={"x_forwarded_for": f"198.51.100.{i}"},
        ).status_code
        for i in range(3)
    ]
    assert statuses == [200, 429, 429]


def test_a_trusted_proxy_is_believed_for_its_own_hop_only(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    factory = RequestFactory()
    through_proxy = factory.get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.7"
    )
    # the client forged 6.6.6.6; the proxies saw 203.0.113.9
    assert client_address(through_proxy) == "203.0.113.9"
    direct = factory.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(direct) == "192.0.2.1"
    settings.TRUSTED_PROXIES = []
    assert client_address(through_proxy) == "10.0.0.5"


def test_trusted_proxy_gives_each_client_its_own_limit(client: Client, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_report": "1/hour"},
    }
    assert _report(client, x_forwarded_for="203.0.113.1") == 201
    assert _report(client, x_forwarded_for="203.0.113.1") == 429
    assert _report(client, x_forwarded_for="203.0.113.2") == 201


def _password(client: Client, username: str, password: str, address: str) -> int:
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    ).status_code


def test_failures_lock_one_account_at_one_address_not_the_office(
    make_member: Callable[..., Membership],
) -> None:
    office = "192.0.2.10"
    victim = make_member()
    colleague = make_member(organisation=victim.organisation)
    for _ in range(4):
        assert _password(Client(), victim.user.username, "fout-fout-fout", office) == 400
    assert _password(Client(), victim.user.username, "fout-fout-fout", office) == 429
    assert _password(Client(), victim.user.username, TEST_PASSWORD, office) == 429
    # a colleague behind the same NAT still signs in
    assert _password(Client(), colleague.user.username, TEST_PASSWORD, office) == 302
    # the same account from elsewhere is not locked by failures at the office
    assert _password(Client(), victim.user.username, TEST_PASSWORD, "198.51.100.20") == 302


def test_an_address_trying_many_accounts_hits_the_ceiling(
    make_member: Callable[..., Membership], settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    address = "192.0.2.66"
    members = [make_member() for _ in range(4)]
    for member in members[:3]:
        for _ in range(2):
            assert _password(Client(), member.user.username, "fout-fout-fout", address) == 400
    assert _password(Client(), members[3].user.username, TEST_PASSWORD, address) == 429
    assert _password(Client(), members[3].user.username, TEST_PASSWORD, "192.0.2.67") == 302
