from typing import Any

from django.urls import path

from bovenwater.chat.consumers import BoardConsumer, ChatConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/chat/", ChatConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/chat/bord/", BoardConsumer.as_asgi()),  # type: ignore[arg-type]
]
