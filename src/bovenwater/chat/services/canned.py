"""Canned responses of an organisation's helpers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.chat.models import (
    CannedResponse,
)
from bovenwater.chat.services.common import (
    ChatError,
    helper_of,
)


@transaction.atomic
def canned_response_create(
    *, actor: Actor, title: str, body: str, link: str = ""
) -> CannedResponse:
    helper = helper_of(actor)
    if not helper.is_supervisor:
        raise PermissionDenied
    if not title.strip() or not body.strip():
        raise ChatError(_("Geef een titel en een tekst."))
    return CannedResponse.objects.create(
        organisation_id=actor.organisation_id,
        title=title.strip()[:80],
        body=body.strip(),
        link=link.strip()[:200],
    )
