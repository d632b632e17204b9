"""Errors as RFC 7807 problem details (``application/problem+json``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from bovenwater.api.parsers import RequestTooLarge
from bovenwater.lib.drf import Conflict, api_validation_error
from bovenwater.lib.workflow import TransitionNotAllowed

PROBLEM_TYPE_BASE = "https://bovenwater.nl/problemen/"


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        exc = api_validation_error(exc)
    elif isinstance(exc, TransitionNotAllowed):
        exc = Conflict(exc.message)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    code = getattr(exc, "default_code", "error")
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + str(code),
        "title": _problem_title(response.status_code),
        "status": response.status_code,
        "instance": request.get_full_path() if request is not None else "",
    }
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = _("De invoer is niet geldig.")
        body["invalid_params"] = _flatten(exc.detail)
    else:
        detail = getattr(exc, "detail", "")
        body["detail"] = str(detail)
        for key, value in getattr(exc, "extensions", {}).items():
            body.setdefault(key, value)
    response.data = body
    response.content_type = "application/problem+json"
    return response


def _problem_title(status_code: int) -> str:
    titles = {
        status.HTTP_400_BAD_REQUEST: _("Ongeldige invoer"),
        status.HTTP_401_UNAUTHORIZED: _("Niet ingelogd"),
        status.HTTP_403_FORBIDDEN: _("Geen toegang"),
        status.HTTP_404_NOT_FOUND: _("Niet gevonden"),
        status.HTTP_405_METHOD_NOT_ALLOWED: _("Methode niet toegestaan"),
        status.HTTP_409_CONFLICT: _("Conflict met de huidige toestand"),
        status.HTTP_412_PRECONDITION_FAILED: _("Versie komt niet overeen"),
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: _("Verzoek te groot"),
        status.HTTP_429_TOO_MANY_REQUESTS: _("Te veel verzoeken"),
    }
    return titles.get(status_code, _("Fout"))


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(detail, list):
        out = []
        for item in detail:
            out += _flatten(item, prefix)
        return out
    return [{"name": prefix or "non_field_errors", "reason": str(detail)}]
