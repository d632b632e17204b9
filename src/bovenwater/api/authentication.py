"""API authentication: hashed tokens for system accounts, or a verified web session."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.services import api_token_check


class SystemTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <token>``, issued to a system account of one organisation."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Ongeldige Authorization-header: gebruik 'Token <token>'.")
            )
        token = api_token_check(parts[1].decode("ascii", errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Onbekend, verlopen of ingetrokken token."))
        request._request.actor = Actor(user=token.user, membership=token.membership)  # type: ignore[attr-defined]
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts only after password + TOTP (the web middleware built the actor)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        if getattr(request._request, "actor", None) is None:
            return None
        return result
