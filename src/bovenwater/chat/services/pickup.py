"""Messages left while the chat is closed, and the helpers' answers (pick-up codes)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.chat import keys
from bovenwater.chat.models import (
    PickupMessage,
    Team,
)
from bovenwater.chat.services.common import (
    MAX_BODY,
    ChatError,
    helper_of,
)


@transaction.atomic
def pickup_leave(*, team: Team, text: str) -> str:
    """Leave a message while the chat is closed; returns the pick-up code (stored hashed)."""
    text = text.strip()
    if not text:
        raise ChatError(_("Typ eerst je bericht."))
    if len(text) > MAX_BODY:
        raise ChatError(_("Je bericht is te lang (meer dan 2000 tekens)."))
    code = keys.new_pickup_code()
    pickup = PickupMessage.objects.create(
        team=team,
        code_digest=keys.pickup_digest(code),
        text=text,
        delete_after=timezone.now() + timedelta(days=settings.CHAT_PICKUP_RETENTION_DAYS),
    )
    log_processing(
        actor=None,
        action=Action.CREATE,
        object_type="chat.pickup",
        object_id=pickup.pk,
        data_subject=f"chat-pickup:{pickup.pk}",
        purpose=Purpose.CHAT_HELP,
    )
    return code


@transaction.atomic
def pickup_answer(*, actor: Actor, pickup: PickupMessage, answer: str) -> PickupMessage:
    helper = helper_of(actor)
    if pickup.team_id != helper.team_id:
        raise PermissionDenied
    answer = answer.strip()
    if not answer:
        raise ChatError(_("Typ eerst een antwoord."))
    pickup.answer = answer[:MAX_BODY]
    pickup.answered_by = actor.membership
    pickup.answered_at = timezone.now()
    pickup.save(update_fields=["answer", "answered_by", "answered_at"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="chat.pickup",
        object_id=pickup.pk,
        data_subject=f"chat-pickup:{pickup.pk}",
        purpose=Purpose.CHAT_HELP,
    )
    return pickup
