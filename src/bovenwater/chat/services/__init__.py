"""The write path of the chat, one module per sub-aggregate.

Every write runs in one transaction, writes its processing-log entry in that
transaction and sends its real-time notice only after the commit
(``transaction.on_commit``): the database is the record, the notice an accelerator.
A message gets the next sequence number of its conversation by raising
``Conversation.last_seq`` with an ``UPDATE`` first, which takes the row's write lock
on PostgreSQL and the database write lock on SQLite, so two writers never get the same
number. A message carries the client's own id: a resend after a broken connection
returns the stored message instead of adding it twice.

The names below are the package's public surface (``from bovenwater.chat import
services``).
"""

from __future__ import annotations

from bovenwater.chat.services.assignment import (
    assign_queued,
    conversation_pull,
    presence_set,
)
from bovenwater.chat.services.canned import (
    canned_response_create,
    canned_response_delete,
    canned_response_update,
)
from bovenwater.chat.services.common import (
    MAX_BODY,
    ChatError,
    helper_actor,
    message_payload,
)
from bovenwater.chat.services.conversation import (
    StartResult,
    address_blocked,
    conversation_by_token,
    conversation_end,
    conversation_start,
    message_post,
    public_team,
    read_mark,
    survey_submit,
)
from bovenwater.chat.services.handoff import (
    handoff_acute,
    handoff_add_to_case,
    handoff_decide,
    handoff_propose,
    handoff_text,
    professional_join,
)
from bovenwater.chat.services.moderation import block, block_record, flag
from bovenwater.chat.services.notes import classify, note_add
from bovenwater.chat.services.pickup import pickup_answer, pickup_leave
from bovenwater.chat.services.retention import RetentionResult, retention_run
from bovenwater.chat.services.transfer import observer_join, transfer_accept, transfer_start

__all__ = [
    "MAX_BODY",
    "ChatError",
    "RetentionResult",
    "StartResult",
    "address_blocked",
    "assign_queued",
    "block",
    "block_record",
    "canned_response_create",
    "canned_response_delete",
    "canned_response_update",
    "classify",
    "conversation_by_token",
    "conversation_end",
    "conversation_pull",
    "conversation_start",
    "flag",
    "handoff_acute",
    "handoff_add_to_case",
    "handoff_decide",
    "handoff_propose",
    "handoff_text",
    "helper_actor",
    "message_payload",
    "message_post",
    "note_add",
    "observer_join",
    "pickup_answer",
    "pickup_leave",
    "presence_set",
    "professional_join",
    "public_team",
    "read_mark",
    "retention_run",
    "survey_submit",
    "transfer_accept",
    "transfer_start",
]
