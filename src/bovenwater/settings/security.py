"""Transport security, the Content-Security-Policy and Permissions-Policy, and the
shared cache.

Part of ``bovenwater.settings`` (see its docstring); read in the order listed there.
"""

from __future__ import annotations

from bovenwater.envconf import env

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
