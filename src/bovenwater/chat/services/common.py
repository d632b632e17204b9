"""What every chat service shares: the refusal, the processing-log entry, the next
message of a conversation and the helper behind an actor."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.chat import notify
from bovenwater.chat.models import (
    ChatMessage,
    Conversation,
    ConversationState,
    Helper,
    Sender,
)

MAX_BODY = 2000
OBJECT = "chat.conversation"


class ChatError(Exception):
    """A chat action that is not possible now; the message says why (Dutch)."""


def log(
    *,
    conversation: Conversation,
    action: Action,
    actor: Actor | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    log_processing(
        actor=actor,
        action=action,
        object_type=OBJECT,
        object_id=conversation.reference,
        data_subject=f"chat:{conversation.reference}",
        purpose=Purpose.CHAT_HELP,
        details=details,
    )


def helper_actor(helper: Helper) -> Actor:
    return Actor(user=helper.membership.user, membership=helper.membership)


def message_payload(message: ChatMessage) -> dict[str, Any]:
    return {
        "seq": message.seq,
        "sender": message.sender,
        "author": message.author_name,
        "body": message.body,
        "at": timezone.localtime(message.created_at).strftime("%H:%M"),
        "id": message.client_id,
    }


class Ended(ChatError):
    """The conversation has ended: nothing more is added to it."""

    def __init__(self) -> None:
        super().__init__(_("Dit gesprek is beëindigd."))


class Transferred(ChatError):
    """The helper no longer has the conversation (it was transferred meanwhile)."""

    def __init__(self) -> None:
        super().__init__(_("Dit gesprek is overgedragen."))


def _next_seq(conversation_id: int, *, allow_ended: bool, helper_id: int | None) -> int | None:
    """Raise the conversation's ``last_seq`` and return it, in one statement (``UPDATE
    ... RETURNING``, SQLite 3.35+ and PostgreSQL); None when no row qualified: ended (unless
    ``allow_ended``), gone, or no longer with ``helper_id``."""
    table = Conversation._meta.db_table
    conditions: list[str] = ["id = %s"]
    params: list[int | str] = [conversation_id]
    if not allow_ended:
        conditions.append("state <> %s")
        params.append(str(ConversationState.ENDED))
    if helper_id is not None:
        conditions.append("helper_id = %s")
        params.append(helper_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1 WHERE {' AND '.join(conditions)} "  # noqa: S608 - names from the model, values bound
            "RETURNING last_seq",
            params,
        )
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


def append(
    conversation_id: int,
    *,
    sender: Sender,
    body: str,
    author_name: str = "",
    client_id: str = "",
    notify_after_commit: bool = True,
    allow_ended: bool = False,
    helper_id: int | None = None,
) -> ChatMessage:
    """Insert the next message of a conversation (inside the caller's transaction).

    With ``helper_id`` only while that helper has the conversation (``Transferred``)."""
    seq = _next_seq(conversation_id, allow_ended=allow_ended, helper_id=helper_id)
    if seq is None:
        if (
            helper_id is not None
            and Conversation.objects.filter(
                pk=conversation_id, state__in=[ConversationState.QUEUED, ConversationState.ACTIVE]
            )
            .exclude(helper_id=helper_id)
            .exists()
        ):
            raise Transferred
        raise Ended  # ended (or gone): nothing is added
    message = ChatMessage.objects.create(
        conversation_id=conversation_id,
        seq=seq,
        sender=sender,
        author_name=author_name,
        body=body,
        client_id=client_id,
    )
    if notify_after_commit:
        payload = message_payload(message)
        transaction.on_commit(lambda: notify.message_notice(conversation_id, payload))
    return message


def system_message(
    conversation: Conversation, body: str, *, allow_ended: bool = False
) -> ChatMessage:
    return append(conversation.pk, sender=Sender.SYSTEM, body=body, allow_ended=allow_ended)


def helper_of(actor: Actor) -> Helper:
    if not actor.has(Permission.CHAT_HELP):
        raise PermissionDenied
    helper = (
        Helper.objects.select_related("team", "membership__user", "membership__organisation")
        .filter(membership=actor.membership, team__organisation_id=actor.organisation_id)
        .first()
    )
    if helper is None:
        raise PermissionDenied
    return helper


def conversation_of_helper(actor: Actor, conversation: Conversation) -> Helper:
    helper = helper_of(actor)
    if conversation.team_id != helper.team_id or conversation.helper_id != helper.pk:
        raise PermissionDenied
    return helper
