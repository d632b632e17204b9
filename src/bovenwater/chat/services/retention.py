"""The chat's retention job: masking, counting and deleting transcripts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bovenwater.audit.models import Action
from bovenwater.chat import counts
from bovenwater.chat.masking import mask_contacts
from bovenwater.chat.models import (
    Block,
    ChatMessage,
    ChatNote,
    Conversation,
    ConversationState,
    PickupMessage,
    Sender,
)
from bovenwater.chat.services.common import (
    log,
)


@dataclass(frozen=True)
class RetentionResult:
    masked: int
    counted: int
    deleted: int
    pickups_deleted: int
    blocks_deleted: int


def _mask_conversation(conversation_id: int) -> None:
    for message in ChatMessage.objects.filter(conversation_id=conversation_id).exclude(
        sender=Sender.SYSTEM
    ):
        masked = mask_contacts(message.body)
        if masked != message.body:
            ChatMessage.objects.filter(pk=message.pk).update(body=masked)
    for note in ChatNote.objects.filter(conversation_id=conversation_id):
        masked = mask_contacts(note.text)
        if masked != note.text:
            ChatNote.objects.filter(pk=note.pk).update(text=masked)
    Conversation.objects.filter(pk=conversation_id).update(masked=True)


@transaction.atomic
def retention_run(*, now: datetime | None = None) -> RetentionResult:
    """The chat's retention job: mask ended transcripts, count them for the monitor,
    delete those past their retention date (not handed off), and expired pick-up
    messages and blocks. One processing-log entry per deleted transcript."""

    now = now or timezone.now()
    ended = Conversation.objects.filter(state=ConversationState.ENDED)
    to_mask = list(ended.filter(masked=False).values_list("pk", flat=True))
    for conversation_id in to_mask:
        _mask_conversation(conversation_id)
    counted = counts.count_ended()
    expired = list(ended.filter(delete_after__lte=now, handed_off=False).select_related("team"))
    for conversation in expired:
        log(
            conversation=conversation,
            action=Action.DELETE,
            details={"kind": "retention", "days": settings.CHAT_RETENTION_DAYS},
        )
    Conversation.objects.filter(pk__in=[c.pk for c in expired]).delete()
    pickups, _n = PickupMessage.objects.filter(delete_after__lte=now).delete()
    blocks, _n = Block.objects.filter(until__lte=now).delete()
    return RetentionResult(
        masked=len(to_mask),
        counted=counted,
        deleted=len(expired),
        pickups_deleted=pickups,
        blocks_deleted=blocks,
    )
