"""The REST framework's side of the kernel: the acting user and organisation of a request,
the 409 and 412 answers, and a service's ``ValidationError`` as the API's validation error.

``api.problems`` turns ``ValidationError``, ``TransitionNotAllowed`` (409) and not-found
into RFC 7807 problems, so API views let a service's errors through instead of catching
them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import exceptions, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


def request_actor(request: Request) -> Any:
    return getattr(request._request, "actor", None)


class HasActor(BasePermission):
    """Authenticated, acting in an organisation (token of a system account, or verified session)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.user is not None and request_actor(request) is not None


class ProblemWithExtensions(exceptions.APIException):
    """An API error whose problem details carry extension members (RFC 7807, 3.2):
    ``extensions`` is added to the body by ``api.problems``."""

    def __init__(
        self, detail: Any = None, code: Any = None, extensions: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail, code)
        self.extensions = dict(extensions or {})


class Conflict(ProblemWithExtensions):
    """The request conflicts with the object's state (a workflow step, a full shelter, a
    stale ``version`` in the body)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionFailed(ProblemWithExtensions):
    """The ``If-Match`` header names a version the object no longer has (RFC 9110, 13.1.1)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def api_validation_error(error: ValidationError) -> exceptions.ValidationError:
    """A service's (Django) ``ValidationError`` as the API's, field by field."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {
                field: [str(m) for e in errors for m in e.messages]
                for field, errors in error.error_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": error.messages})
