"""Pages and JSON endpoints of the chat, one module per side (routes in ``urls``).

The young person's side (``/chat/``) sets no cookie: the page has no form with a CSRF
token and no session; the conversation is carried by a bearer token the browser keeps
in ``sessionStorage`` and sends in the request body (so CSRF, which guards cookie
credentials, does not apply: these endpoints are exempt). Every response of the chat
carries ``Cache-Control: no-store``. The helpers' side (``/chat/hulp/``) is behind the
normal login and goes through the services and selectors.
"""

from __future__ import annotations

from bovenwater.chat.views.canned import canned_delete, canned_edit, canned_list
from bovenwater.chat.views.console import (
    board,
    console,
    console_panel,
    live,
    pickup_answer,
    presence,
    pull,
)
from bovenwater.chat.views.helping import (
    block,
    classify,
    conversation,
    end_by_helper,
    flag,
    handoff,
    note,
    observe,
    transfer,
    transfer_accept,
)
from bovenwater.chat.views.receiving import handoff_case, handoff_join, handoffs
from bovenwater.chat.views.youth import (
    challenge,
    consent,
    end,
    leave_message,
    neutral,
    pickup,
    poll,
    send,
    start,
    survey,
    youth,
)

__all__ = [
    "block",
    "board",
    "canned_delete",
    "canned_edit",
    "canned_list",
    "challenge",
    "classify",
    "consent",
    "console",
    "console_panel",
    "conversation",
    "end",
    "end_by_helper",
    "flag",
    "handoff",
    "handoff_case",
    "handoff_join",
    "handoffs",
    "leave_message",
    "live",
    "neutral",
    "note",
    "observe",
    "pickup",
    "pickup_answer",
    "poll",
    "presence",
    "pull",
    "send",
    "start",
    "survey",
    "transfer",
    "transfer_accept",
    "youth",
]
