"""Single sign-on through a real OpenID Connect provider, in the browser.

The provider is django-oauth-toolkit's, in a small Django project of its own
(``tests/oidc_provider``) started in a separate process on a free port, with its own
database, users, cookies and an RSA signing key generated here. Bovenwater's live
server exchanges the code with it over HTTP, fetches its JWKS and checks the ID token's
signature: nothing of the token exchange is mocked.

Why not mounted in Bovenwater's own test server: the provider's models would have to
be installed in Bovenwater's settings for every test database, and provider and relying
party would share one user table and one session, so "signed in at the provider"
could not be told apart from "signed in at Bovenwater" — the thing under test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.support import TEST_SECRET, token_for

from bovenwater.accounts import services
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.reference.models import Municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "bovenwater-test"
CLIENT_SECRET = "test-only-client-secret"
IDP_PASSWORD = "idp-Wachtwoord-2026"
ORGANISATION = "Gemeente Eenlogin (test)"
LOGIN_PAGE = re.compile(r".*/account/inloggen/\?next=.*")


@pytest.fixture
def provider(
    live_server: Any, live_database: None, tmp_path: Path, monkeypatch: Any, settings: Any
) -> Iterator[str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    setup = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/account/inloggen/sso/terug/",
        "users": [
            {  # the provider checked a second factor
                "username": "idp.femke",
                "email": "femke@eenlogin.invalid",
                "password": IDP_PASSWORD,
                "groups": ["amr:mfa", "group:mh-aandachtsfunctionaris"],
            },
            {"username": "idp.joost", "email": "joost@eenlogin.invalid", "password": IDP_PASSWORD},
            {
                "username": "idp.niemand",
                "email": "niemand@eenlogin.invalid",
                "password": IDP_PASSWORD,
            },
        ],
    }
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "OIDC_TEST_PROVIDER_DB": str(tmp_path / "provider.sqlite3"),
        "OIDC_TEST_PROVIDER_KEY": pem,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(setup))
        process.stdin.close()
        line = process.stdout.readline()
        assert line.startswith("PORT "), f"provider did not start: {line!r}"
        base = f"http://127.0.0.1:{int(line.split()[1])}"
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        discovery = requests.get(f"{base}/o/.well-known/openid-configuration/", timeout=10).json()
        settings.OIDC_PROVIDER_NAME = "Eenlogin"
        settings.SSO_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_ISSUER = discovery["issuer"]
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
        settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
        settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
        settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
        settings.OIDC_MEMBERSHIP_MAP = json.dumps(
            {"mh-aandachtsfunctionaris": {"organisation": ORGANISATION, "role": "contact_officer"}}
        )
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def organisation(live_database: None) -> Organisation:
    return services.organisation_create(
        name=ORGANISATION,
        kind=OrganisationKind.MUNICIPALITY,
        municipality=Municipality.objects.get(code="GM0363"),
    )


def _member(organisation: Organisation, username: str, email: str) -> Membership:
    user = services.user_create(
        username=username, password=None, first_name="Test", last_name=username, email=email
    )
    return services.membership_add(user=user, organisation=organisation, role=Role.SIGNALLER)


def _sign_in_at_provider(page: Any, base: str, idp_username: str) -> None:
    page.goto(f"{base}/account/inloggen/")
    page.get_by_role("link", name="Inloggen met Eenlogin").click()
    page.wait_for_url("**/login/**")
    page.get_by_label("IdP user name").fill(idp_username)
    page.get_by_label("IdP password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_second_factor_at_the_provider_signs_in_and_maps_the_membership(
    live_server: Any, provider: str, organisation: Organisation, page: Any
) -> None:
    femke = _member(organisation, "femke", "femke@eenlogin.invalid")
    _sign_in_at_provider(page, live_server.url, "idp.femke")
    page.wait_for_url(f"{live_server.url}/")
    assert ORGANISATION in page.get_by_test_id("acting").inner_text()
    femke.user.refresh_from_db()
    assert femke.user.oidc_subject  # linked to the provider's subject
    mapped = Membership.objects.get(user=femke.user, role=Role.CONTACT_OFFICER)
    assert mapped.organisation == organisation and mapped.is_active
    login = ProcessingLogEntry.objects.get(action=Action.LOGIN, actor_user_id=femke.user_id)
    assert login.details == {"result": "success", "method": "oidc", "second_factor": "amr:mfa"}
    # a page behind login works; the session is a verified one
    page.goto(f"{live_server.url}/signalen/nieuw/")
    assert page.url == f"{live_server.url}/signalen/nieuw/"


def test_without_a_second_factor_at_the_provider_bovenwater_asks_for_its_totp_code(
    live_server: Any, provider: str, organisation: Organisation, page: Any
) -> None:
    joost = _member(organisation, "joost", "joost@eenlogin.invalid")
    services.totp_device_set_known_secret(user=joost.user, secret_base32=TEST_SECRET)
    _sign_in_at_provider(page, live_server.url, "idp.joost")
    page.wait_for_url("**/inloggen/code/")
    page.goto(f"{live_server.url}/account/leden/")  # not logged in yet
    page.wait_for_url(LOGIN_PAGE)
    page.goto(f"{live_server.url}/account/inloggen/code/")
    device = TOTPDevice.objects.get(user=joost.user)
    page.get_by_label("Code uit uw authenticator-app").fill(token_for(device))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    assert ORGANISATION in page.get_by_test_id("acting").inner_text()
    login = ProcessingLogEntry.objects.get(action=Action.LOGIN, actor_user_id=joost.user_id)
    assert login.details == {"result": "success", "method": "oidc", "second_factor": "totp"}


def test_a_provider_identity_without_an_account_is_refused(
    live_server: Any, provider: str, organisation: Organisation, page: Any
) -> None:
    _sign_in_at_provider(page, live_server.url, "idp.niemand")
    page.wait_for_url(re.compile(r".*/inloggen/sso/terug/.*"))
    refused = page.get_by_test_id("sso-refused").inner_text()
    assert "Er is geen Bovenwater-account" in refused
    page.goto(f"{live_server.url}/account/leden/")
    page.wait_for_url(LOGIN_PAGE)
    assert not ProcessingLogEntry.objects.filter(action=Action.LOGIN).exists()
