"""Core settings: debug and demo mode, hosts, the database, the apps, the task queue,
middleware and templates.

Part of ``bovenwater.settings`` (see its docstring); read in the order listed there.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bovenwater.envconf import env, is_set

BASE_DIR = Path(__file__).resolve().parent.parent  # src/bovenwater
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
