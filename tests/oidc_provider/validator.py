"""Claims of the test provider: e-mail (verified), how the user authenticated (``amr``,
from the IdP user's Django groups named ``amr:<value>``) and group claims (groups named
``group:<name>``)."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):  # type: ignore[misc]
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "amr": "openid",
        "groups": "profile",
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        names = list(user.groups.values_list("name", flat=True))
        return {
            "email": user.email,
            "email_verified": True,
            "name": user.get_full_name(),
            "amr": ["pwd", *[n.split(":", 1)[1] for n in names if n.startswith("amr:")]],
            "groups": [n.split(":", 1)[1] for n in names if n.startswith("group:")],
        }
