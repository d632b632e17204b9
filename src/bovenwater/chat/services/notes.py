"""What a helper records about a conversation: notes and the classification."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.audit.models import Action
from bovenwater.chat.models import (
    ChatNote,
    Conversation,
    Topic,
)
from bovenwater.chat.services.common import (
    MAX_BODY,
    ChatError,
    helper_of,
    log,
)
from bovenwater.reference.models import ExploitationForm


@transaction.atomic
def note_add(*, actor: Actor, conversation: Conversation, text: str) -> ChatNote:
    helper = helper_of(actor)
    if conversation.team_id != helper.team_id:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ChatError(_("Typ eerst een notitie."))
    note = ChatNote.objects.create(
        conversation=conversation, author=actor.membership, text=text[:MAX_BODY]
    )
    log(conversation=conversation, action=Action.UPDATE, actor=actor, details={"kind": "note"})
    return note


@transaction.atomic
def classify(
    *, actor: Actor, conversation: Conversation, topic: str, form_code: str, police_unit_code: str
) -> Conversation:
    """The helper records topic, form of exploitation and region (for the counts only)."""
    helper = helper_of(actor)
    if conversation.team_id != helper.team_id:
        raise PermissionDenied
    conversation.topic = topic if topic in Topic.values else ""
    conversation.form_code = (
        form_code if ExploitationForm.objects.filter(code=form_code).exists() else ""
    )
    conversation.police_unit_code = police_unit_code[:40]
    conversation.save(update_fields=["topic", "form_code", "police_unit_code"])
    log(conversation=conversation, action=Action.UPDATE, actor=actor, details={"kind": "classify"})
    return conversation
