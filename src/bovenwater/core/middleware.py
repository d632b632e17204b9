from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from bovenwater.lib.tracing import new_span, reset_current, set_current


class TraceContextMiddleware:
    """Give every request a W3C trace context and echo it in the ``traceparent`` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = new_span(request.headers.get("traceparent"))
        request.trace = context  # type: ignore[attr-defined]
        token = set_current(context)
        try:
            response = self.get_response(request)
        finally:
            reset_current(token)
        response["traceparent"] = context.traceparent
        return response


class PermissionsPolicyMiddleware:
    """Switch off browser features no page uses (camera, microphone, location, …)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
