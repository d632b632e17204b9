"""What a service refuses, as the web views answer it: one place for every view.

Services raise domain exceptions and never build responses: ``ValidationError`` for bad
or conflicting input (``StaleCase`` and ``ClosureBlocked`` in cases are ones),
``TransitionNotAllowed`` for a workflow step the table does not allow, ``NotFound`` (an
``Http404``, see ``lib.errors``) for what is absent or out of the actor's scope, and
``PermissionDenied``. The API turns them into RFC 7807 problems (``api.problems``); a
view uses these helpers:

- ``except REFUSALS as error``: how a view catches a refusal (``ValidationError`` and
  ``TransitionNotAllowed``); never ``except ValidationError`` by hand (a test in
  ``tests/test_architecture.py`` fails on one in a view module);
- ``refusal_text(error)`` / ``refusal_messages(error)``: the user's text of a refusal, in
  one line or as a list (the services' texts are Dutch with their English translations);
- ``put_on_form(form, error, field=None)``: a refusal next to the fields it names, the
  user's input kept (for a page rendered again with status 400 or 409); one that names
  no field goes to ``field`` (the form's own errors by default);
- ``field_texts(error)``: the texts per named field, for a page without a Django form;
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
REFUSALS = (ValidationError, TransitionNotAllowed)


def refusal_messages(error: Refusal) -> list[str]:
    """The texts the user reads for a refusal."""
    if isinstance(error, TransitionNotAllowed):
        return [error.message]
    return list(error.messages)


def refusal_text(error: Refusal) -> str:
    """The text the user reads for a refusal (several messages in one line)."""
    return " ".join(refusal_messages(error))


def put_on_form(form: Form, error: Refusal, field: str | None = None) -> None:
    """Put a refusal next to the fields it names; one that names none goes to ``field``
    (the form's own errors when None), as does a name the form has no field for."""
    if isinstance(error, TransitionNotAllowed):
        form.add_error(field, error.message)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error.messages)


def field_texts(error: Refusal) -> dict[str, str] | None:
    """Per field it names, a refusal's texts in one line; None for one naming no field."""
    if isinstance(error, TransitionNotAllowed) or not hasattr(error, "error_dict"):
        return None
    return {
        name: " ".join(message for item in errors for message in item.messages)
        for name, errors in error.error_dict.items()
    }


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
    except REFUSALS as error:
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
