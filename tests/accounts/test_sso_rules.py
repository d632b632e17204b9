"""The relying party's own rules for single sign-on, beside the browser walk against a
real provider (tests/browser/test_sso_browser.py): ID tokens signed here with an RSA
key the backend is configured with, checked by the same code path (signature, then
audience, issuer, expiry); which account a provider identity may reach; which ``amr``/
``acr`` count as a second factor; and how group claims move mapped memberships."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.support import TEST_PASSWORD, token_for

from bovenwater.accounts import member_services
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.oidc import BovenwaterOIDCBackend, SsoRefused, second_factor_at_provider
from bovenwater.accounts.roles import Role
from bovenwater.accounts.views import PENDING_SSO
from bovenwater.audit.models import Action, ProcessingLogEntry

pytestmark = pytest.mark.django_db

ISSUER = "https://idp.gemeente.invalid"
CLIENT = "bovenwater"


@pytest.fixture
def key(settings: Any) -> Any:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OIDC_RP_CLIENT_ID = CLIENT
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_IDP_SIGN_KEY = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private


def _token(key: Any, **claims: Any) -> str:
    body = {"iss": ISSUER, "aud": CLIENT, "sub": "42", "exp": int(time.time()) + 60, "nonce": "n"}
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="RS256")


def test_id_token_checks(key: Any) -> None:
    backend = BovenwaterOIDCBackend()
    assert backend.verify_token(_token(key), nonce="n")["sub"] == "42"
    for bad in (
        _token(key, aud="someone-else"),
        _token(key, iss="https://other.invalid"),
        _token(key, exp=None),
        _token(key, exp=int(time.time()) - 10),
        _token(key, nonce="other"),
        _token(rsa.generate_private_key(public_exponent=65537, key_size=2048)),  # wrong key
    ):
        with pytest.raises((SuspiciousOperation, jwt.PyJWTError)):
            backend.verify_token(bad, nonce="n")


def test_which_account_a_provider_identity_reaches(make_member: Callable[..., Membership]) -> None:
    member = make_member()
    member.user.email = "Femke@Gemeente.invalid"
    member.user.save()
    backend = BovenwaterOIDCBackend()
    backend.id_claims = {"sub": "s-1"}
    with pytest.raises(SsoRefused):  # UserInfo for another subject
        backend.verify_claims({"sub": "s-2"})
    claims = {"sub": "s-1", "email": "femke@gemeente.invalid"}
    with pytest.raises(SsoRefused):  # e-mail not verified by the provider
        backend.filter_users_by_claims({**claims, "email_verified": False})
    with pytest.raises(SsoRefused):  # no account with this address: none is created
        backend.filter_users_by_claims(
            {"sub": "s-1", "email": "x@gemeente.invalid", "email_verified": True}
        )
    found = backend.filter_users_by_claims({**claims, "email_verified": True})
    assert list(found) == [member.user]
    member.user.oidc_subject = "s-9"  # linked to another subject: the address is not enough
    member.user.save()
    with pytest.raises(SsoRefused):
        backend.filter_users_by_claims({**claims, "email_verified": True})
    assert list(backend.filter_users_by_claims({"sub": "s-9"})) == [member.user]


def test_second_factor_claims(settings: Any) -> None:
    settings.OIDC_MFA_AMR = ["mfa", "otp"]
    settings.OIDC_MFA_ACR = ["urn:etoegang:core:assurance-class:loa3"]
    assert second_factor_at_provider({"amr": ["pwd", "otp"]}) == "amr:otp"
    assert second_factor_at_provider({"amr": ["pwd"]}) == ""
    assert second_factor_at_provider({"amr": "mfa"}) == "amr:mfa"
    assert second_factor_at_provider({}) == ""
    acr = "urn:etoegang:core:assurance-class:loa3"
    assert second_factor_at_provider({"acr": acr}) == f"acr:{acr}"
    assert second_factor_at_provider({"acr": "urn:etoegang:core:assurance-class:loa2"}) == ""


def test_group_claims_move_only_mapped_memberships(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> None:
    member = make_member(role=Role.SIGNALLER)  # added by a beheerder, outside the map
    other = make_organisation(name="Gemeente Kaart (test)")
    mapping = {
        "af": (other.name, Role.CONTACT_OFFICER),
        "beleid": (other.name, Role.POLICY_OFFICER),
    }
    sync = member_services.sso_link_and_sync
    sync(user=member.user, subject="s-1", groups=["af", "onbekend"], mapping=mapping)
    mapped = Membership.objects.get(user=member.user, organisation=other)
    assert mapped.role == Role.CONTACT_OFFICER and mapped.is_active
    assert Membership.objects.filter(user=member.user).count() == 2
    sync(user=member.user, subject="s-1", groups=["beleid"], mapping=mapping)
    mapped.refresh_from_db()
    assert not mapped.is_active  # the group is gone: the membership ended
    assert Membership.objects.get(user=member.user, role=Role.POLICY_OFFICER).is_active
    member.refresh_from_db()
    assert member.is_active  # outside the map: left alone
    sources = ProcessingLogEntry.objects.filter(
        object_type="accounts.membership", details__source="oidc"
    )
    assert sources.count() == 3  # created, ended, created
    member.user.refresh_from_db()
    assert member.user.oidc_subject == "s-1"


def test_a_password_login_after_an_abandoned_sso_step_is_logged_as_a_password_login(
    client: Any, make_member: Callable[..., Membership]
) -> None:
    member = make_member()
    session = client.session
    session[PENDING_SSO] = True  # a provider round trip that was left at the code step
    session.save()
    client.post(
        reverse("accounts:login"), {"username": member.user.username, "password": TEST_PASSWORD}
    )
    device = TOTPDevice.objects.get(user=member.user)
    assert client.post(reverse("accounts:verify"), {"token": token_for(device)}).status_code == 302
    entry = ProcessingLogEntry.objects.get(action=Action.LOGIN, actor_user_id=member.user_id)
    assert entry.details == {"result": "success"}
