"""What the case API views share: the actor, service errors as API errors, the Idempotency-Key header."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.request import Request

from bovenwater.accounts.actor import Actor
from bovenwater.cases import selectors
from bovenwater.cases.models import (
    Case,
)
from bovenwater.lib import idempotency
from bovenwater.lib.drf import request_actor

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat a create with the same key and get the first result back; "
    "nothing is created twice.",
)


def api_actor(request: Request) -> Actor:
    actor: Actor | None = request_actor(request)
    if actor is None:
        raise exceptions.NotAuthenticated
    return actor


def managed_case(actor: Actor, case_id: int) -> Case:
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    if not access.can_manage:
        raise Http404
    return access.case


def idempotency_key(request: Request) -> str:
    return str(request.headers.get("Idempotency-Key", ""))


def create_once(
    request: Request, actor: Actor, *, scope: str, create: Callable[[], Model]
) -> tuple[int, bool]:
    """Run ``create`` once per ``Idempotency-Key`` of the caller (user and organisation);
    returns (object id, whether it was created now). See ``lib.idempotency``."""
    return idempotency.once(
        scope=scope,
        key=idempotency_key(request),
        user_id=actor.user.pk,
        organisation_id=actor.organisation_id,
        create=create,
    )
