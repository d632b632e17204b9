"""What the chat's pages share: no-store responses and the JSON helpers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from django.http import (
    HttpRequest,
    JsonResponse,
)
from django.utils.cache import add_never_cache_headers

from bovenwater.lib.clientaddress import client_address

POLL_SECONDS = 20
LIVE_SECONDS = 55


def no_store(view: Callable[..., Any]) -> Callable[..., Any]:
    """Responses of the chat are never stored by the browser or a proxy."""
    if asyncio.iscoroutinefunction(view):

        async def async_wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = await view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        async_wrapped.__name__ = view.__name__
        return async_wrapped

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    wrapped.__name__ = view.__name__
    return wrapped


def address_of(request: HttpRequest) -> str:
    """The client address (behind TRUSTED_PROXIES), used in memory only: for the keyed,
    daily-rotated hash of a block; never stored or logged."""
    return client_address(request)


def json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"type": "error", "message": message}, status=status)
