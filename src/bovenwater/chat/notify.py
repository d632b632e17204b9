"""Small notices to the channel layer, sent after the database commit.

A notice only says "there is something new"; the receiving socket reads what it has
not shown yet from the database (or takes the message from the notice when it is the
very next one). A notice that is lost (a Redis restart, a killed process) therefore
loses nothing: the client resumes from its last sequence number.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def conversation_group(conversation_id: int) -> str:
    return f"chat.c.{conversation_id}"


def team_group(team_id: int) -> str:
    return f"chat.t.{team_id}"


def helper_group(helper_id: int) -> str:
    return f"chat.h.{helper_id}"


def send(group: str, event: dict[str, Any]) -> None:
    """Send ``event`` to a group; a channel-layer failure is logged, never raised (the
    database already holds what matters and clients resume from it)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the layer is an accelerator, not the record
        logger.warning("chat notice to %s not delivered", group, exc_info=True)


def message_notice(conversation_id: int, message: dict[str, Any]) -> None:
    send(conversation_group(conversation_id), {"type": "chat.message", "message": message})


def state_notice(conversation_id: int) -> None:
    send(conversation_group(conversation_id), {"type": "chat.state"})


def queue_notice(team_id: int) -> None:
    send(team_group(team_id), {"type": "chat.queue"})


def helper_notice(helper_id: int) -> None:
    send(helper_group(helper_id), {"type": "chat.assigned"})
