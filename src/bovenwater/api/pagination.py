"""Paginated lists with a bounded page: ``limit`` at most MAX_LIMIT, ``offset`` bounded."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """A larger ``limit`` gives MAX_LIMIT rows; an absurd ``offset`` an empty page (never a 500)."""

    max_limit = MAX_LIMIT

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
