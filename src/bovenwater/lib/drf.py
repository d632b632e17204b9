"""The REST framework's side of the kernel: the acting user and organisation of a request,
the 409 and 412 answers, and a service's ``ValidationError`` as the API's validation error.

``api.problems`` turns ``ValidationError``, ``TransitionNotAllowed`` (409) and not-found
into RFC 7807 problems, so API views let a service's errors through instead of catching
them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, fields, relations, serializers, status
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


@contextmanager
def refusals_as_conflict() -> Iterator[None]:
    """Inside, a service's ``ValidationError`` answers 409 Conflict instead of 400: for a
    request that is well-formed but does not fit the object's state (a referral already
    answered, a departure before the arrival)."""
    try:
        yield
    except ValidationError as error:
        raise Conflict(" ".join(error.messages)) from error


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


def _json_type_error(field: Any, value: Any) -> str | None:
    """Whether a JSON value has the type the field's schema promises (the REST framework
    would otherwise turn 0 into "0" or False, and "5" into 5)."""

    if value is None:
        return None  # allow_null is the field's own business
    if isinstance(field, serializers.BaseSerializer) and not isinstance(
        field, serializers.ListSerializer
    ):
        return None if isinstance(value, dict) else "object"
    if isinstance(
        field, fields.ListField | relations.ManyRelatedField | serializers.ListSerializer
    ):
        return None if isinstance(value, list) else "array"
    if isinstance(field, fields.BooleanField):
        return None if isinstance(value, bool) else "boolean"
    if isinstance(field, fields.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "integer"
    if isinstance(
        field,
        fields.CharField | fields.ChoiceField | fields.DateField | relations.SlugRelatedField,
    ):
        return None if isinstance(value, str) else "string"
    return None


_TYPE_MESSAGES = {
    "object": _("Verwacht een object."),
    "array": _("Verwacht een lijst."),
    "boolean": _("Verwacht true of false."),
    "integer": _("Verwacht een geheel getal."),
    "string": _("Verwacht tekst (tussen aanhalingstekens)."),
}


class StrictTypesMixin:
    """Refuse JSON values of the wrong type before the fields coerce them, so a request
    the OpenAPI schema calls invalid is never accepted (schemathesis checks this)."""

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            wrong = {
                name: _TYPE_MESSAGES[expected]
                for name, field in self.fields.items()
                if not field.read_only
                and field.source != "*"
                and name in data
                and (expected := _json_type_error(field, data[name])) is not None
            }
            if wrong:
                raise exceptions.ValidationError(wrong)
        return super().to_internal_value(data)  # type: ignore[misc]
