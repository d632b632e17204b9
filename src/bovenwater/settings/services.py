"""E-mail, the chat and its real-time delivery, and logging.

Part of ``bovenwater.settings`` (see its docstring); read in the order listed there.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from bovenwater.envconf import env
from bovenwater.settings.base import PROJECT_DIR, SECRET_KEY

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
