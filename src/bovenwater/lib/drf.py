from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


def request_actor(request: Request) -> Any:
    return getattr(request._request, "actor", None)


class HasActor(BasePermission):
    """Authenticated, acting in an organisation (token of a system account, or verified session)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.user is not None and request_actor(request) is not None
