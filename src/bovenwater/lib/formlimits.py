"""Public forms that give back oversized input instead of losing it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict

# A public form whose body is over DATA_UPLOAD_MAX_MEMORY_SIZE but at most this size is
# still read, so the form can say which field is too long and give back what was typed.
OVERSIZED_FORM_LIMIT = 10 * 1024 * 1024


def keeps_oversized_input(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a form view (urlencoded POST) whose oversized input is read and shown again."""
    view.keeps_oversized_input = True  # type: ignore[attr-defined]
    return view


class OversizedFormMiddleware:
    """Read an oversized urlencoded body of a marked view before CSRF does.

    Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` the moment anything reads
    ``request.POST`` (the CSRF check is first), and the text is lost. For a view marked
    with :func:`keeps_oversized_input` a body up to ``OVERSIZED_FORM_LIMIT`` is parsed
    here instead and ``request.oversized_input`` is set; the form's own field limits then
    reject it with a Dutch message beside the field, and the page shows the text again.
    Anything larger still gets the Dutch 413 page (``core.views.error_400``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if request.method != "POST" or not getattr(view, "keeps_oversized_input", False):
            return None
        if request.content_type != "application/x-www-form-urlencoded":
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if limit is None or length <= limit or length > OVERSIZED_FORM_LIMIT:
            return None
        raw = request.read(length)
        request._post = QueryDict(raw, encoding=request.encoding)  # type: ignore[attr-defined]
        request._files = MultiValueDict()  # type: ignore[attr-defined]
        request.oversized_input = True  # type: ignore[attr-defined]
        return None
