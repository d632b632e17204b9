"""Single sign-on with OpenID Connect: the relying party's rules on top of
mozilla-django-oidc (which does the code flow, the token exchange and the signature
check against the provider's JWKS).

What Bovenwater adds: the ID token's audience and issuer are checked; the UserInfo
``sub`` must be the ID token's; an account is found by its linked subject, or the
first time by the provider's *verified* e-mail address, never created; the configured
group → membership map is applied; and whether the provider checked a second factor
is read from the ``amr``/``acr`` claims (``second_factor_at_provider``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from bovenwater.accounts.models import User
from bovenwater.accounts.roles import Role


@dataclass(frozen=True)
class MappedMembership:
    organisation: str  # the organisation's name (unique)
    role: Role


def membership_map() -> dict[str, MappedMembership]:
    """``OIDC_MEMBERSHIP_MAP`` parsed: group → (organisation name, role)."""
    raw = settings.OIDC_MEMBERSHIP_MAP.strip()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
        return {
            str(group): MappedMembership(
                organisation=str(entry["organisation"]), role=Role(entry["role"])
            )
            for group, entry in data.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ImproperlyConfigured(f"OIDC_MEMBERSHIP_MAP is not valid: {error}") from None


def second_factor_at_provider(claims: dict[str, Any]) -> str:
    """The ``amr``/``acr`` value that shows a second factor at the provider, or ""."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    for value in amr:
        if str(value) in settings.OIDC_MFA_AMR:
            return f"amr:{value}"
    acr = claims.get("acr")
    if acr and str(acr) in settings.OIDC_MFA_ACR:
        return f"acr:{acr}"
    return ""


class SsoRefused(Exception):
    """Signing in through the provider did not lead to an account (the reason is shown)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BovenwaterOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Called directly by the callback view, not listed in AUTHENTICATION_BACKENDS:
    a provider login is only half a login until the second factor is settled."""

    id_claims: dict[str, Any]
    userinfo: dict[str, Any]

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client.")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token issuer is not the configured provider.")
        if "exp" not in payload:
            raise SuspiciousOperation("ID token without expiry.")
        return payload

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        self.id_claims = payload
        return super().get_or_create_user(access_token, id_token, payload)  # type: ignore[no-any-return]

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        self.userinfo = claims
        if not claims.get("sub") or claims.get("sub") != self.id_claims.get("sub"):
            raise SsoRefused("subject_mismatch")
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        people = User.objects.filter(is_system_account=False)
        linked = people.filter(oidc_subject=claims["sub"])
        if linked.exists():
            return linked
        email = claims.get("email")
        if not email or claims.get("email_verified") is not True:
            raise SsoRefused("no_account")
        found = people.filter(email__iexact=email, oidc_subject__isnull=True)
        if not found.exists():
            raise SsoRefused("no_account")
        return found

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return user

    def groups(self) -> list[str]:
        claim = settings.OIDC_MEMBERSHIP_CLAIM
        value = self.userinfo.get(claim, self.id_claims.get(claim, []))
        if isinstance(value, str):
            value = [value]
        return [str(group) for group in value] if isinstance(value, list) else []
