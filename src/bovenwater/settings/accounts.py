"""Accounts, two-factor sign-in, sessions, the login lockout and single sign-on
(OpenID Connect).

Part of ``bovenwater.settings`` (see its docstring); read in the order listed there.
"""

from __future__ import annotations

from bovenwater.envconf import env

# --- Accounts, 2FA, sessions ------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "bovenwater.accounts.backends.PlatformPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_IDLE_TIMEOUT = env(
    "SESSION_IDLE_TIMEOUT",
    default=900,
    help="Seconds of inactivity after which a user is logged out.",
    group="Accounts and security",
)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
# The session's expiry restarts on activity (an idle timeout); IdleTimeoutSessionMiddleware
# refreshes it at most once a minute instead of writing the session on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
AXES_FAILURE_LIMIT = env(
    "AXES_FAILURE_LIMIT",
    default=5,
    help="Failed login attempts (password or 2FA code) before an account is locked.",
    group="Accounts and security",
)
AXES_COOLOFF_TIME = (
    env(
        "AXES_COOLOFF_MINUTES",
        default=15,
        help="Minutes an account stays locked after too many failures.",
        group="Accounts and security",
    )
    / 60
)
# One account from one address is locked after AXES_FAILURE_LIMIT failures; colleagues
# behind the same address (an office behind one NAT) are not. An address as a whole is
# stopped only at the much higher LOGIN_ADDRESS_FAILURE_LIMIT (bovenwater.accounts.lockout).
# Counters live in the shared cache under a keyed hash of the address (no address is
# stored: no access-attempt tables, no address in axes' log lines).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CLIENT_IP_CALLABLE = "bovenwater.lib.clientaddress.axes_client_address"
AXES_LOCKOUT_CALLABLE = "bovenwater.accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Single sign-on with OpenID Connect (mozilla-django-oidc), beside password + TOTP.
# Off while OIDC_PROVIDER_NAME is empty. Accounts are never created by signing in: the
# provider's verified e-mail address (the first time) or subject identifier (after
# that) must belong to an existing account. See docs/security.md.
_sso = "Single sign-on (OpenID Connect)"
OIDC_PROVIDER_NAME = env(
    "OIDC_PROVIDER_NAME",
    default="",
    help="Name of the identity provider on the login button (e.g. 'Gemeente Amsterdam-account'); empty turns single sign-on off.",
    group=_sso,
)
OIDC_OP_ISSUER = env(
    "OIDC_OP_ISSUER",
    default="",
    help="The provider's issuer identifier; the ID token's `iss` must equal it.",
    group=_sso,
)
OIDC_OP_AUTHORIZATION_ENDPOINT = env(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", default="", help="Authorization endpoint URL.", group=_sso
)
OIDC_OP_TOKEN_ENDPOINT = env(
    "OIDC_OP_TOKEN_ENDPOINT", default="", help="Token endpoint URL.", group=_sso
)
OIDC_OP_USER_ENDPOINT = env(
    "OIDC_OP_USER_ENDPOINT", default="", help="UserInfo endpoint URL.", group=_sso
)
OIDC_OP_JWKS_ENDPOINT = env(
    "OIDC_OP_JWKS_ENDPOINT",
    default="",
    help="JWKS URL with the provider's signing keys (ID tokens are checked against it).",
    group=_sso,
)
OIDC_RP_CLIENT_ID = env(
    "OIDC_RP_CLIENT_ID", default="", help="Client id of Bovenwater at the provider.", group=_sso
)
OIDC_RP_CLIENT_SECRET = env(
    "OIDC_RP_CLIENT_SECRET", default="", help="Client secret of Bovenwater.", group=_sso
)
OIDC_RP_SIGN_ALGO = env(
    "OIDC_RP_SIGN_ALGO", default="RS256", help="Signing algorithm of ID tokens.", group=_sso
)
OIDC_RP_SCOPES = env(
    "OIDC_RP_SCOPES",
    default="openid email profile",
    help="Scopes asked for; `openid` and `email` are needed.",
    group=_sso,
)
OIDC_MFA_AMR = env(
    "OIDC_MFA_AMR",
    default=["mfa", "otp", "hwk", "swk", "sc"],
    help="`amr` values (RFC 8176) that show the provider checked a second factor; with none of them (and no OIDC_MFA_ACR match) Bovenwater asks for its own TOTP code.",
    group=_sso,
)
OIDC_MFA_ACR = env(
    "OIDC_MFA_ACR",
    default=[],
    help="`acr` values that count as a second factor at the provider (e.g. an eHerkenning/DigiD level agreed with it).",
    group=_sso,
)
OIDC_MEMBERSHIP_CLAIM = env(
    "OIDC_MEMBERSHIP_CLAIM",
    default="groups",
    help="Claim (ID token or UserInfo) with the user's groups, read with OIDC_MEMBERSHIP_MAP.",
    group=_sso,
)
OIDC_MEMBERSHIP_MAP = env(
    "OIDC_MEMBERSHIP_MAP",
    default="",
    help='JSON: group → membership, e.g. `{"mh-af": {"organisation": "Gemeente Amsterdam", "role": "contact_officer"}}`. At each sign-in the mapped memberships follow the groups (added, re-activated or ended, logged); memberships outside the map are left alone.',
    group=_sso,
)
OIDC_TIMEOUT = 10  # seconds for each call to the provider
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
SSO_ENABLED = bool(OIDC_PROVIDER_NAME and OIDC_RP_CLIENT_ID)

LOGIN_ADDRESS_FAILURE_LIMIT = env(
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    default=100,
    help="Failed login attempts from one network address (all accounts together) before that address is stopped for AXES_COOLOFF_MINUTES; one account is locked much earlier, per address, after AXES_FAILURE_LIMIT.",
    group="Accounts and security",
)
OTP_TOTP_ISSUER = env(
    "OTP_TOTP_ISSUER",
    default="Bovenwater",
    help="Issuer name shown in authenticator apps.",
    group="Accounts and security",
)
DEMO_TOTP_SECRET = env(
    "DEMO_TOTP_SECRET",
    default="JBSWY3DPEHPK3PXPBOVENWATERDEMO22",
    help="Base32 TOTP secret shared by all demo accounts. Used and shown only in demo mode.",
    group="Accounts and security",
)
DEMO_PASSWORD = env(
    "DEMO_PASSWORD",
    default="Bovenwater-demo-2026",
    help="Password of the demo accounts created by seed_demo (demo mode only).",
    group="Accounts and security",
)
