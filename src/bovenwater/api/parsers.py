"""JSON bodies with a size and a nesting limit.

DRF's JSON parser reads the whole stream whatever its length (Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` guards only forms), and Python's ``json`` module
recurses per level: a 100 KB body of brackets was a ``RecursionError`` and an HTML
500 page. Here a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 problem
and one nested deeper than ``MAX_DEPTH`` a 400 problem, both in Dutch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        super().__init__(
            _("Het verzoek is groter dan %(kb)s kB. Stuur minder of kortere gegevens.")
            % {"kb": f"{limit // 1024:,}".replace(",", ".")}
        )


def depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge
        try:
            data = json.loads(raw.decode("utf-8"))
        except RecursionError:
            raise exceptions.ParseError(
                _("De JSON is dieper genest dan %(n)s niveaus.") % {"n": MAX_DEPTH}
            ) from None
        except (ValueError, UnicodeDecodeError):
            raise exceptions.ParseError(_("De inhoud is geen geldige JSON.")) from None
        if depth(data) > MAX_DEPTH:
            raise exceptions.ParseError(
                _("De JSON is dieper genest dan %(n)s niveaus.") % {"n": MAX_DEPTH}
            )
        return data
