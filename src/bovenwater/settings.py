"""Django settings for Bovenwater: one base module, every value from the environment.

Each value is read with :func:`bovenwater.envconf.env`, which records a safe default
and a one-line meaning; ``make envdoc`` writes them to ``docs/configuration.md``.
Safe means: production-safe. ``DEBUG`` is off unless switched on, and with ``DEBUG``
off the application refuses to start without ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
``DATABASE_URL``. ``make run`` sets the few values a local demo over http needs.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bovenwater.envconf import env, is_set

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

# --- Core -------------------------------------------------------------------------
DEBUG = env(
    "DEBUG",
    default=False,
    help="Development mode with detailed error pages. Never in production.",
    group="Core",
)
DEMO_MODE = env(
    "DEMO_MODE",
    default=False,
    help="Demo mode: fictitious data banner, demo accounts and the shared demo 2FA secret on the login page.",
    group="Core",
)
SECRET_KEY = env(
    "SECRET_KEY",
    default="",
    help="Django secret key (at least 50 random characters). Required when DEBUG is off.",
    group="Core",
)
ALLOWED_HOSTS = env(
    "ALLOWED_HOSTS",
    default=[],
    help="Host names this instance serves. Required when DEBUG is off.",
    group="Core",
)
CSRF_TRUSTED_ORIGINS = env(
    "CSRF_TRUSTED_ORIGINS",
    default=[],
    help="Extra trusted origins for CSRF checks, e.g. https://bovenwater.example.nl.",
    group="Core",
)
_database_url = env(
    "DATABASE_URL",
    default="",
    help="Database URL: postgres://user:password@host:5432/name in production; sqlite:///path for the embedded demo.",
    group="Core",
)

_missing = [
    name
    for name, present in (
        ("SECRET_KEY", bool(SECRET_KEY)),
        ("ALLOWED_HOSTS", bool(ALLOWED_HOSTS)),
        ("DATABASE_URL", is_set("DATABASE_URL")),
    )
    if not present
]
if not DEBUG and _missing:
    raise ImproperlyConfigured(
        "Bovenwater refuses to start: DEBUG is off and "
        + ", ".join(_missing)
        + " not set. Set them in the environment (see docs/configuration.md), "
        "or use `make run` for a local demo."
    )
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "insecure-development-only-key-do-not-use-in-production-0123456789"  # noqa: S105
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

DATABASES = {
    "default": dj_database_url.parse(
        _database_url or f"sqlite:///{PROJECT_DIR / 'var' / 'bovenwater.sqlite3'}",
        conn_max_age=env(
            "DATABASE_CONN_MAX_AGE",
            default=60,
            help="Seconds to keep database connections open.",
            group="Core",
        ),
    )
}
_prepared_statements = env(
    "DATABASE_PREPARED_STATEMENTS",
    default=True,
    help="PostgreSQL: bind query parameters on the server, so psycopg prepares a "
    "statement after five runs on a connection and PostgreSQL skips parsing and "
    "planning it again. Switch off behind a pooler in transaction mode "
    "(PgBouncer without prepared-statement support).",
    group="Core",
)
_sqlite_busy_timeout = env(
    "SQLITE_BUSY_TIMEOUT",
    default=30,
    help="SQLite: seconds a write waits for the write lock before it gives up.",
    group="Core",
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database under concurrent use (two web workers and two task workers):
    # WAL lets readers go on while one connection writes; a write transaction takes the
    # write lock when it begins (IMMEDIATE), so it waits in the busy timeout instead of
    # failing with "database is locked" when a read inside it turns into a write.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=_sqlite_busy_timeout,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
elif _prepared_statements:
    # Django turns psycopg's prepared statements off unless a threshold is given.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "bovenwater.core.adminconfig.PlatformAdminConfig",  # django.contrib.admin, own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "bovenwater.core",
    "bovenwater.lib",
    "bovenwater.reference",
    "bovenwater.accounts",
    "bovenwater.audit",
    "bovenwater.intake",
    "bovenwater.cases",
    "bovenwater.registry",
    "bovenwater.monitor",
    "bovenwater.estimation",
    "bovenwater.linkage",
    "bovenwater.kompas",
    "bovenwater.notifications",
    "bovenwater.webscan",
    "bovenwater.chat",
    "bovenwater.api",
]

# --- Background tasks ---------------------------------------------------------------
# django-tasks (the backport of Django 6's tasks framework); the embedded default keeps
# the queue in the database and `manage.py db_worker` runs it (`make run` starts one).
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            default="django_tasks_db.DatabaseBackend",
            help="Task backend: django_tasks_db.DatabaseBackend (queue in the database, run by `manage.py db_worker`) or django_tasks.backends.immediate.ImmediateBackend (runs at once, for tests).",
            group="Core",
        ),
        # default: long work (estimates, scans, count tables); audit: sealing the
        # processing log; notifications: mail. `make run` runs the short queues in a
        # worker of their own, so a long estimate never holds them up.
        "QUEUES": ["default", "audit", "notifications"],
    }
}

TASK_WORKER_HEARTBEAT = env(
    "TASK_WORKER_HEARTBEAT",
    default=5,
    help="Seconds between the heartbeats of a task worker (manage.py run_worker).",
    group="Core",
)
TASK_WORKER_STALE_AFTER = env(
    "TASK_WORKER_STALE_AFTER",
    default=60,
    help="A running task whose worker sent no heartbeat for this many seconds is ended as abandoned.",
    group="Core",
)

MIDDLEWARE = [
    "bovenwater.core.middleware.TraceContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "bovenwater.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bovenwater.accounts.middleware.IdleTimeoutSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "bovenwater.lib.formlimits.OversizedFormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bovenwater.accounts.middleware.ActorMiddleware",
    "bovenwater.audit.middleware.RefusalLogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bovenwater.urls"
WSGI_APPLICATION = "bovenwater.wsgi.application"
ASGI_APPLICATION = "bovenwater.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Numbers and dates in the interface language on every page (``|num``, ``|day``,
            # ``|moment``): one format, never a locale-less ``{{ count }}``.
            "builtins": ["bovenwater.core.templatetags.bw_format"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bovenwater.core.context_processors.shell",
                "bovenwater.notifications.context_processors.notices",
            ],
        },
    }
]

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

# --- Transport security -----------------------------------------------------------
_secure = env(
    "SECURE_COOKIES",
    default=True,
    help="Send session and CSRF cookies over HTTPS only. Switch off only for a local demo over http.",
    group="Accounts and security",
)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env(
    "SECURE_SSL_REDIRECT",
    default=True,
    help="Redirect plain http requests to https.",
    group="Accounts and security",
)
SECURE_HSTS_SECONDS = env(
    "SECURE_HSTS_SECONDS",
    default=31536000,
    help="HTTP Strict Transport Security max-age in seconds (0 switches HSTS off).",
    group="Accounts and security",
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env(
        "BEHIND_TLS_PROXY",
        default=False,
        help="Trust X-Forwarded-Proto from a TLS-terminating proxy.",
        group="Accounts and security",
    )
    else None
)
TRUSTED_PROXIES = env(
    "TRUSTED_PROXIES",
    default=[],
    help="Addresses or networks (e.g. 10.0.0.5,10.1.0.0/16) of the reverse proxies in front of Bovenwater. Only a request that arrives from one of them has its X-Forwarded-For believed, and only the part those proxies wrote; the client address found is used by every rate limit (never stored). Empty: X-Forwarded-For is ignored.",
    group="Accounts and security",
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp) and Permissions-Policy --------------------
# Strict: scripts, styles, images, fonts and connections from this origin only; no
# inline script or style, no eval, no plugins, no framing, forms post here only. Pages
# keep their JavaScript and CSS in static files (see docs/security.md).
_SELF, _NONE = "'self'", "'none'"
_csp_report_uri = env(
    "CSP_REPORT_URI",
    default="",
    help=(
        "Where browsers report Content-Security-Policy violations (a URL of a report "
        "collector). Empty: no reports."
    ),
    group="Security",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_NONE],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "manifest-src": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        "base-uri": [_NONE],
        "object-src": [_NONE],
        **({"report-uri": [_csp_report_uri]} if _csp_report_uri else {}),
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
X_FRAME_OPTIONS = "DENY"

# --- Shared cache ------------------------------------------------------------------------
# Rate limits and the login lockout count in this cache, so every process (gunicorn
# workers, several servers) shares one counter and a restart does not reset it.
REDIS_URL = env(
    "REDIS_URL",
    default="",
    help="Redis for the shared cache (rate limits, login lockout), e.g. redis://127.0.0.1:6379/0. Empty: a table in the database (created by `manage.py createcachetable`, which `make migrate` runs).",
    group="Core",
)
CACHES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env(
            "CACHE_KEY_PREFIX",
            default="bovenwater",
            help="Prefix of every key in the shared cache (lets several instances share one Redis).",
            group="Core",
        ),
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "bovenwater_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env(
    "TIME_ZONE",
    default="Europe/Amsterdam",
    help="Time zone for display and working-day deadlines.",
    group="General",
)
USE_I18N = True
USE_TZ = True

# --- Static and private files -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(
    env(
        "STATIC_ROOT",
        default=str(PROJECT_DIR / "staticfiles"),
        help="Directory collectstatic writes to.",
        group="Files",
    )
)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
PRIVATE_MEDIA_ROOT = Path(
    env(
        "PRIVATE_MEDIA_ROOT",
        default=str(PROJECT_DIR / "var" / "private"),
        help="Directory for uploaded attachments, outside the web root; served only after an access check.",
        group="Files",
    )
)

PROCESSING_LOG_ANCHOR_DIR = Path(
    env(
        "PROCESSING_LOG_ANCHOR_DIR",
        default=str(PROJECT_DIR / "var" / "anchors"),
        help=(
            "Directory of the processing log's anchor file (anchors.jsonl): signed records "
            "of the hash chain's head, outside the database. Put it on storage the database "
            "owner cannot write (another host, a write-once mount) and back it up apart."
        ),
        group="Processing log",
    )
)
PROCESSING_LOG_ANCHOR_KEY = env(
    "PROCESSING_LOG_ANCHOR_KEY",
    default="",
    help=(
        "Ed25519 private key that signs the anchors: 32 bytes in base64. Empty: derived "
        "from SECRET_KEY. Give the public key (manage anchor_processing_log --public-key) "
        "to whoever checks the anchors."
    ),
    group="Processing log",
)
PROCESSING_LOG_ANCHOR_MINUTES = env(
    "PROCESSING_LOG_ANCHOR_MINUTES",
    default=60,
    help="How often the privacy-job scheduler seals and anchors the processing log, in minutes.",
    group="Processing log",
)
CASE_RETENTION_YEARS = env(
    "CASE_RETENTION_YEARS",
    default=5,
    help="Years after a case was closed (or dropped out) after which the retention job deletes it with everything attached. No source in the domain facts sets this term: decide it with your privacy officer (docs/security.md, retention table).",
    group="Privacy",
)
SIGNAL_RETENTION_DAYS = env(
    "SIGNAL_RETENTION_DAYS",
    default=365,
    help="Days after the decision on a signal (closed without follow-up, forwarded, made into or linked to a case) after which the retention job deletes it; a signal of a case is kept while the case exists. No source in the domain facts sets this term: decide it with your privacy officer.",
    group="Privacy",
)
PROCESSING_LOG_TSA_URL = env(
    "PROCESSING_LOG_TSA_URL",
    default="",
    help=(
        "URL of an RFC 3161 time-stamping authority. When set, every anchor also carries "
        "the authority's time-stamp token over the head hash. Empty: no time-stamp."
    ),
    group="Processing log",
)
ATTACHMENT_MAX_MB = env(
    "ATTACHMENT_MAX_MB",
    default=10,
    help="Largest allowed attachment of a signal, in megabytes.",
    group="Files",
)
PUBLIC_REPORT_RATE_LIMIT = env(
    "PUBLIC_REPORT_RATE_LIMIT",
    default=5,
    help="Anonymous reports accepted per hour from one network address (counted in the shared cache under a keyed hash; the address is never stored).",
    group="Privacy",
)
WEBSCAN_RETENTION_DAYS = env(
    "WEBSCAN_RETENTION_DAYS",
    default=30,
    help="Default retention of raw webscan advertisement texts, in days (per source adjustable; promoted networks are kept).",
    group="Privacy",
)

# --- API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bovenwater.api.authentication.SystemTokenAuthentication",
        "bovenwater.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["bovenwater.lib.drf.HasActor"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "bovenwater.api.problems.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "bovenwater.api.pagination.BoundedLimitOffsetPagination",
    # JSON only: a form encoding cannot say null, nested objects or lists the way the
    # schema does (schemathesis found valid requests rejected that way); 415 otherwise.
    "DEFAULT_PARSER_CLASSES": ["bovenwater.api.parsers.BoundedJSONParser"],
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "public_report": env(
            "PUBLIC_REPORT_API_RATE",
            default="20/hour",
            help="Anonymous API reports and additions accepted per network address, e.g. 20/hour.",
            group="Privacy",
        )
    },
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bovenwater API",
    "DESCRIPTION": "API of Bovenwater, the platform for the chain approach against human trafficking.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bovenwater.api.schema.document_problem_responses",
    ],
    # One name per choice set, so the schema has no generated enum names.
    "ENUM_NAME_OVERRIDES": {
        "SignalStateEnum": "bovenwater.intake.models.SignalState",
        "SignalKindEnum": "bovenwater.intake.models.SignalKind",
        "CaseStateEnum": "bovenwater.cases.models.CaseState",
        "ReferralKindEnum": "bovenwater.cases.models.ReferralKind",
        "EstimateStatusEnum": "bovenwater.estimation.models.Status",
    },
}

# --- Processing log and privacy -----------------------------------------------------
PSEUDONYM_KEY = env(
    "PSEUDONYM_KEY",
    default="",
    help="Secret key for keyed hashes (HMAC) that pseudonymise persons in the registry. Keep it apart from SECRET_KEY.",
    group="Privacy",
)
SMALL_NUMBER_THRESHOLD = env(
    "SMALL_NUMBER_THRESHOLD",
    default=10,
    help="Monitor figures below this number are shown as '<N' (with secondary suppression); also the k of the open-data release.",
    group="Privacy",
)
OPEN_DATA_PRIVACY = env(
    "OPEN_DATA_PRIVACY",
    default="k_anonymity",
    help="Method of the open-data release: k_anonymity (exact counts, small cells suppressed) or differential_privacy (OpenDP noise, then small cells suppressed).",
    group="Privacy",
)
if OPEN_DATA_PRIVACY not in ("k_anonymity", "differential_privacy"):
    raise ImproperlyConfigured("OPEN_DATA_PRIVACY must be k_anonymity or differential_privacy.")
_open_data_epsilon = env(
    "OPEN_DATA_EPSILON",
    default="1.0",
    help="Privacy budget (total epsilon, a decimal number above 0) of one differentially private open-data release, split equally over its tables.",
    group="Privacy",
)
try:
    OPEN_DATA_EPSILON = float(_open_data_epsilon)
except ValueError:
    raise ImproperlyConfigured("OPEN_DATA_EPSILON must be a number.") from None
if not 0 < OPEN_DATA_EPSILON < float("inf"):
    raise ImproperlyConfigured("OPEN_DATA_EPSILON must be a positive number.")

# --- E-mail -------------------------------------------------------------------------
# Notices about new work go out by e-mail through the task queue, without personal data.
# Without EMAIL_HOST (the embedded default) mail is written to files in EMAIL_FILE_PATH,
# and in demo mode the "demo mailbox" page shows them; with EMAIL_HOST it goes by SMTP.
SITE_URL = env(
    "SITE_URL",
    default="http://127.0.0.1:8000",
    help="The address users open Bovenwater on; used for the link in e-mails.",
    group="E-mail",
)
EMAIL_HOST = env(
    "EMAIL_HOST",
    default="",
    help="SMTP server for e-mail. Empty: e-mail is written to files in EMAIL_FILE_PATH.",
    group="E-mail",
)
EMAIL_PORT = env("EMAIL_PORT", default=587, help="SMTP port.", group="E-mail")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="", help="SMTP user name.", group="E-mail")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="", help="SMTP password.", group="E-mail")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", default=True, help="SMTP with STARTTLS.", group="E-mail")
EMAIL_FILE_PATH = env(
    "EMAIL_FILE_PATH",
    default=str(PROJECT_DIR / "var" / "mail"),
    help="Directory for e-mail written to files (when EMAIL_HOST is empty).",
    group="E-mail",
)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL",
    default="Bovenwater <noreply@bovenwater.invalid>",
    help="Sender address of e-mail from Bovenwater.",
    group="E-mail",
)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)

# --- Chat and real-time delivery ------------------------------------------------------
# One ASGI application serves HTTP and WebSocket. The embedded default keeps Channels'
# in-memory channel layer, which only reaches sockets of its own process: exactly one
# ASGI process. With CHANNEL_LAYER_URL (Redis) any number of processes share the layer.
CHANNEL_LAYER_URL = env(
    "CHANNEL_LAYER_URL",
    default="",
    help="Redis URL of the channel layer for real-time chat, e.g. redis://redis:6379/1. Empty: Channels' in-memory layer, which allows exactly one ASGI process.",
    group="Chat",
)
CHANNEL_LAYER_PREFIX = env(
    "CHANNEL_LAYER_PREFIX",
    default="bovenwater",
    help="Key prefix of the channel layer in Redis (several installations can share one Redis).",
    group="Chat",
)
_channel_layer_keys = env(
    "CHANNEL_LAYER_KEYS",
    default=[],
    help="Symmetric encryption keys of the Redis channel layer, comma-separated, newest first (rotate by adding a new key in front). Empty: one key derived from SECRET_KEY.",
    group="Chat",
)
WEB_CONCURRENCY = env(
    "WEB_CONCURRENCY",
    default=1,
    help="Number of ASGI worker processes (gunicorn reads it too). More than 1 needs CHANNEL_LAYER_URL: the in-memory channel layer does not reach other processes.",
    group="Chat",
)
if CHANNEL_LAYER_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "bovenwater.chat.layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [CHANNEL_LAYER_URL],
                "prefix": CHANNEL_LAYER_PREFIX,
                "symmetric_encryption_keys": _channel_layer_keys or [f"{SECRET_KEY}-channel-layer"],
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    if WEB_CONCURRENCY != 1:
        raise ImproperlyConfigured(
            f"Bovenwater refuses to start {WEB_CONCURRENCY} ASGI processes on the in-memory "
            "channel layer: a chat message posted in one process would never reach a socket "
            "in another. Set WEB_CONCURRENCY=1, or set CHANNEL_LAYER_URL=redis://… so the "
            "processes share a Redis channel layer (docs/deployment.md)."
        )
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CHAT_RETENTION_DAYS = env(
    "CHAT_RETENTION_DAYS",
    default=90,
    help="Days after the end of a chat after which its transcript is deleted (handed-off chats are kept with the signal they fed).",
    group="Chat",
)
CHAT_PICKUP_RETENTION_DAYS = env(
    "CHAT_PICKUP_RETENTION_DAYS",
    default=30,
    help="Days a message left while the chat was closed (and its answer) stays readable with its pick-up code.",
    group="Chat",
)
CHAT_POW_DIFFICULTY = env(
    "CHAT_POW_DIFFICULTY",
    default=16,
    help="Leading zero bits of the proof-of-work a browser computes before starting a chat (16 takes well under a second).",
    group="Chat",
)
CHAT_START_RATE_LIMIT = env(
    "CHAT_START_RATE_LIMIT",
    default=10,
    help="Chats one network address may start per hour (counted under a daily-rotated keyed hash, never stored).",
    group="Chat",
)

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env(
            "LOG_LEVEL",
            default="INFO",
            help="Log level: DEBUG, INFO, WARNING or ERROR.",
            group="General",
        ),
    },
}
