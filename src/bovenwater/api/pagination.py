"""Paginated lists with a bounded page and strictly read ``limit`` and ``offset``.

``limit`` is at most MAX_LIMIT and ``offset`` at most MAX_OFFSET (an empty page, never a
500 from the database); a value that is not a whole number (``offset=null``, ``-3``) is
a 400 problem instead of being silently ignored, as the OpenAPI schema says.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000


def _whole_number(request: Any, name: str, minimum: int) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1 or not values[0].isdecimal() or int(values[0]) < minimum:
        raise ValidationError(
            {name: [_("Geef één geheel getal van %(min)s of meer.") % {"min": minimum}]}
        )
    return int(values[0])


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Any) -> int | None:
        limit = _whole_number(request, self.limit_query_param, 1)
        if limit is None:
            return self.default_limit
        return min(limit, MAX_LIMIT)

    def get_offset(self, request: Any) -> int:
        offset = _whole_number(request, self.offset_query_param, 0)
        return min(offset or 0, MAX_OFFSET)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``limit`` from 1 and ``offset`` from 0, as read above (larger values are capped)."""
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        minimum = {self.limit_query_param: 1, self.offset_query_param: 0}
        for parameter in parameters:
            if parameter["name"] in minimum:
                parameter["schema"] = {**parameter["schema"], "minimum": minimum[parameter["name"]]}
        return parameters
