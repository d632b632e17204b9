"""The one ASGI application of Bovenwater: HTTP (Django) and WebSocket (Channels).

Run it with uvicorn (one process, the embedded default) or with gunicorn and uvicorn
workers (several processes, which need the Redis channel layer: see settings and
docs/deployment.md).
"""

import gc
import os

from django.core.asgi import get_asgi_application

# A server process holds many long-lived objects (thousands of open sockets with their
# consumers); Python's default thresholds ran a full collection often enough that each
# stalled every socket of the process for 0.5-0.8 s: the 2,000-conversation chat profile
# (bench/chat_bench.py, bench/README.md) had p99 685 ms with p50 11 ms. With these the
# young generation is collected after 100,000 allocations instead of 700 and the old one
# rarely: p99 148 ms (p95 444 -> 39 ms) and a tenth less CPU per message.
GC_THRESHOLDS = (100_000, 50, 1_000)
gc.set_threshold(*GC_THRESHOLDS)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bovenwater.settings")
django_application = get_asgi_application()  # sets Django up before the imports below

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from bovenwater.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # Sessions only: the chat's consumers read the user from the session when a
        # socket asks for staff access (chat/auth.py), not on every connection.
        "websocket": AllowedHostsOriginValidator(
            SessionMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
