"""Flagging and blocking abusive conversations."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.audit.models import Action
from bovenwater.chat import keys, notify
from bovenwater.chat.models import (
    Block,
    Conversation,
)
from bovenwater.chat.services.common import (
    ChatError,
    conversation_of_helper,
    log,
)
from bovenwater.chat.services.conversation import conversation_end


@transaction.atomic
def flag(*, actor: Actor, conversation: Conversation, reason: str) -> Conversation:
    conversation_of_helper(actor, conversation)
    reason = reason.strip()
    if not reason:
        raise ChatError(_("Geef een reden voor de markering."))
    Conversation.objects.filter(pk=conversation.pk).update(flagged=True, flag_reason=reason[:200])
    log(
        conversation=conversation,
        action=Action.UPDATE,
        actor=actor,
        details={"kind": "flag", "reason": reason[:200]},
    )
    return conversation


@transaction.atomic
def block(*, actor: Actor, conversation: Conversation, hours: int, reason: str) -> None:
    """Flag and end the conversation and ask the young person's live connection to
    record a block of its address for up to 24 hours. The address never leaves that
    connection's process: only its daily-rotated keyed hash is stored
    (``block_record``)."""
    conversation_of_helper(actor, conversation)
    reason = reason.strip()
    if not reason:
        raise ChatError(_("Geef een reden voor de blokkade."))
    hours = max(1, min(24, hours))
    Conversation.objects.filter(pk=conversation.pk).update(flagged=True, flag_reason=reason[:200])
    log(
        conversation=conversation,
        action=Action.UPDATE,
        actor=actor,
        details={"kind": "block", "hours": hours, "reason": reason[:200]},
    )
    event = {
        "type": "chat.block",
        "hours": hours,
        "reason": reason[:200],
        "by": actor.membership.pk,
    }
    group = notify.conversation_group(conversation.pk)
    transaction.on_commit(lambda: notify.send(group, event))
    conversation_end(conversation=conversation, by="helper", actor=actor, reason=reason)


def block_record(*, address: str, hours: int, reason: str, membership_id: int | None) -> Block:
    return Block.objects.create(
        address_digest=keys.address_digest(address),
        reason=reason[:200],
        blocked_by_id=membership_id,
        until=timezone.now() + timedelta(hours=max(1, min(24, hours))),
    )
