"""Every refusal an acting user meets is in the processing log.

Selectors log the refusals they make themselves (``audit.services.refuse``), naming the
organisation that owns the object when it exists. This middleware is the net under
them: a 403 or 404 answered to an actor for which nothing in the same request was
logged as refused gets a generic entry (the page asked for and why), so a new page
without its own refusal entry is still covered.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.lib.tracing import current_trace

REFUSALS = {403: "forbidden", 404: "not_found"}


def refusal_logged_in_request() -> bool:
    trace = current_trace()
    if trace is None:
        return False
    return ProcessingLogEntry.objects.filter(
        trace_id=trace.trace_id, span_id=trace.span_id, details__has_key="refused"
    ).exists()


class RefusalLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        reason = REFUSALS.get(response.status_code)
        actor = getattr(request, "actor", None)
        if reason is None or actor is None or refusal_logged_in_request():
            return response
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="page",
            object_id=request.path[:100],
            purpose=Purpose.ACCOUNT_SECURITY,
            details={"refused": reason, "method": request.method or ""},
        )
        return response
