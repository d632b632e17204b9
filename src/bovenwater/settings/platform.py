"""Language and time zone, static and private files, the processing log, retention,
the API and privacy.

Part of ``bovenwater.settings`` (see its docstring); read in the order listed there.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bovenwater.envconf import env
from bovenwater.settings.base import BASE_DIR, PROJECT_DIR

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
