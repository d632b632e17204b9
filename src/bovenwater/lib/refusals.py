"""What a service refuses, as the web views answer it: one place for every view.

Services raise domain exceptions and never build responses: ``ValidationError`` for bad
or conflicting input (``StaleCase`` and ``ClosureBlocked`` in cases are ones),
``TransitionNotAllowed`` for a workflow step the table does not allow, ``NotFound`` (an
``Http404``, see ``lib.errors``) for what is absent or out of the actor's scope, and
``PermissionDenied``. The API turns them into RFC 7807 problems (``api.problems``); a
view uses these helpers:

- ``refusal_text(error)``: the user's text of a refusal (the services' texts are Dutch
  with their English translations);
- ``put_on_form(form, error)``: a refusal next to the fields it names, the user's input
  kept (for a page rendered again with status 400 or 409);
- ``attempt(request, action, success=...)``: run one service call for a view that
  redirects: on a refusal an error message, otherwise the success message; returns
  whether it succeeded. ``PermissionDenied`` becomes the message ``denied`` when one is
  given and is raised on (a 403 page) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest

from bovenwater.lib.workflow import TransitionNotAllowed

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

Refusal = ValidationError | TransitionNotAllowed


def refusal_text(error: Refusal) -> str:
    """The text the user reads for a refusal (several messages in one line)."""
    if isinstance(error, TransitionNotAllowed):
        return error.message
    return " ".join(error.messages)


def put_on_form(form: Form, error: Refusal) -> None:
    """Put a refusal next to the fields it names (the form's own errors otherwise)."""
    if isinstance(error, TransitionNotAllowed):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def attempt(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    success: str | _StrPromise | None = None,
    denied: str | _StrPromise | None = None,
) -> bool:
    """Run ``action`` (one service call); a refusal becomes an error message."""
    try:
        action()
    except (ValidationError, TransitionNotAllowed) as error:
        messages.error(request, refusal_text(error))
        return False
    except PermissionDenied:
        if denied is None:
            raise
        messages.error(request, denied)
        return False
    if success is not None:
        messages.success(request, success)
    return True
