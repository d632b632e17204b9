"""The chat's WebSocket consumer: one protocol for the young person and for staff.

Protocol (JSON objects, ``type`` first):

client -> server
  hello    {token, after} (young person) or {conversation, after} (staff, session login)
  send     {id, body}          id: the client's own message id (a resend is stored once)
  typing   {}
  read     {seq}
  consent  {handoff, agree}    young person: the answer to a hand-off proposal
  end      {}  / exit {}       young person: end the chat / quick exit
  ping     {}

server -> client
  msg      {seq, sender, author, body, at, id}   every message exactly once, in order
  ack      {id, seq}
  state    {state, position, wait_minutes, helper, read_seq, last_seq[, handoff]}
  typing   {side} / read {side, seq} / error {message} / pong {}

The client keeps the highest ``seq`` it showed and sends it as ``after`` on every
(re)connect; the consumer sends what the database holds after it and then follows the
conversation's group. A notice that carries the next message is sent as is; one that
skips ahead (a notice was lost) makes the consumer read the gap from the database.
The long-polling fallback (``views.poll``) speaks the same ``after``/``msg`` protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.chat import notify, selectors, services
from bovenwater.chat.auth import actor_from_scope
from bovenwater.chat.models import Conversation, ConversationState, ParticipantRole, Sender
from bovenwater.chat.realtime import SurvivesLayerOutage, db, layer_watch
from bovenwater.lib.clientaddress import client_address

logger = logging.getLogger(__name__)

REJOIN_EVERY = 3600.0  # seconds; see ``receive_json`` (ping)
READ_STORE_DELAY = 0.5  # seconds; see ``ChatConsumer._read``

WRITERS = {ParticipantRole.HELPER: Sender.HELPER, ParticipantRole.PROFESSIONAL: Sender.PROFESSIONAL}


class ChatConsumer(SurvivesLayerOutage, AsyncJsonWebsocketConsumer):
    conversation: Conversation | None = None
    actor: Actor | None = None
    role: str = ""
    sent: int = 0
    refused: bool = False
    author: str = ""
    joined_at: float = 0.0
    join_failed: bool = False
    counterpart_seq: int = 0  # the last message of the other side sent to this socket
    read_stored: int = 0
    read_pending: int = 0
    read_task: asyncio.Task[None] | None = None
    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        self.conversation = None
        await self.accept()

    async def disconnect(self, code: int) -> None:
        layer_watch.discard(self.channel_name)
        if self.read_task is not None:  # store the last read mark now
            self.read_task.cancel()
            self.read_task = None
            await self._store_read()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    @property
    def youth(self) -> bool:
        return self.role == "youth"

    async def _error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})

    # --- from the client ----------------------------------------------------------------

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or self.refused:
            return
        kind = content.get("type")
        if kind == "ping":
            # The heartbeat (every 15 s) only keeps the connection open. Lost notices are
            # found by the process's sweep (one query for all its sockets, see
            # ``realtime.LayerWatch``) and lost groups by its probe; the socket joins its
            # groups again here only when a join failed or long ago (groups expire).
            if self.conversation is not None and (
                self.join_failed or time.monotonic() - self.joined_at >= REJOIN_EVERY
            ):
                await self._resync()
            await self.send_json({"type": "pong"})
            return
        if kind == "hello":
            await self._hello(content)
            return
        if self.conversation is None:
            await self._error(_("Verbinding nog niet gestart."))
            return
        handler = {
            "send": self._send_message,
            "typing": self._typing,
            "read": self._read,
            "consent": self._consent,
            "end": self._end,
            "exit": self._end,
        }.get(str(kind))
        if handler is not None:
            await handler(content)

    async def _hello(self, content: dict[str, Any]) -> None:
        try:
            after = max(0, int(content.get("after") or 0))
        except (TypeError, ValueError):
            after = 0
        found = await self._authenticate(content)
        if found is None:
            await self._error(_("Dit gesprek is niet (meer) beschikbaar."))
            await self.close(code=4403)
            self.refused = True  # nothing more is sent on a closed socket
            return
        self.conversation, self.role = found
        groups = [notify.conversation_group(self.conversation.pk)]
        if self.youth and self.conversation.state == ConversationState.QUEUED:
            groups.append(notify.team_group(self.conversation.team_id))  # queue position
        self.joined_at = time.monotonic()
        for group in groups:
            if group not in self.groups_joined:
                self.groups_joined.append(group)  # joined again on the heartbeat if this fails
                try:
                    await self.channel_layer.group_add(group, self.channel_name)
                except Exception:  # the layer is down: the socket still works from the db
                    logger.warning("chat group join failed", exc_info=True)
                    self.join_failed = True
                    layer_watch.suspect()
        self.sent = after
        self.counterpart_seq = after  # what the client showed before (it says so)
        layer_watch.add(self.channel_layer, self)
        await self._send_state()  # sends the state, then what was missed after ``after``

    @db
    def _authenticate(self, content: dict[str, Any]) -> tuple[Conversation, str] | None:
        token = content.get("token")
        if isinstance(token, str) and token:
            conversation = services.conversation_by_token(token)
            return (conversation, "youth") if conversation is not None else None
        actor = actor_from_scope(dict(self.scope))
        if actor is None:
            return None
        try:
            conversation_id = int(content.get("conversation") or 0)
            conversation, role = selectors.conversation_for_actor(
                actor=actor, conversation_id=conversation_id
            )
        except (TypeError, ValueError, PermissionDenied):
            return None
        self.actor = actor
        return conversation, role

    async def _send_message(self, content: dict[str, Any]) -> None:
        assert self.conversation is not None
        if self.youth:
            sender, author = Sender.YOUTH, self.conversation.nickname
        elif self.role in WRITERS:
            sender = WRITERS[ParticipantRole(self.role)]
            author = await self._author_name()
        else:
            await self._error(_("Je leest alleen mee."))
            return
        client_id = str(content.get("id") or "")[:40]
        try:
            message = await self._post(str(content.get("body") or ""), sender, author, client_id)
        except services.ChatError as error:
            await self._error(str(error))
            return
        # Committed: announce it to the conversation's group (this socket included). A
        # failing channel layer loses only the notice: the other sockets get it from the
        # database (the watch heals the layer and sweeps; a reconnect resumes).
        try:
            await self.channel_layer.group_send(
                notify.conversation_group(self.conversation.pk),
                {"type": "chat.message", "message": services.message_payload(message)},
            )
        except Exception:
            logger.warning("chat notice not delivered", exc_info=True)
            layer_watch.suspect()  # the others hear it once the layer is back
            await self._catch_up()
        await self.send_json({"type": "ack", "id": client_id, "seq": message.seq})

    async def _author_name(self) -> str:
        if not self.author:  # once per socket: the name does not change mid-conversation
            self.author = await self._author_from_db()
        return self.author

    @db
    def _author_from_db(self) -> str:
        assert self.actor is not None
        if self.role == ParticipantRole.HELPER:
            return selectors.helper_for_actor(self.actor).display_name
        return self.actor.user.first_name or self.actor.user.username

    @db
    def _post(self, body: str, sender: Sender, author: str, client_id: str) -> Any:
        assert self.conversation is not None
        # A helper writes only while the conversation is still theirs (it may have been
        # transferred meanwhile): checked in the same statement that numbers the message.
        return services.message_post(
            conversation=self.conversation,
            body=body,
            sender=sender,
            actor=self.actor,
            author_name=author,
            client_id=client_id,
            notify_after_commit=False,
            helper_id=self.conversation.helper_id if self.role == ParticipantRole.HELPER else None,
        )

    async def _typing(self, content: dict[str, Any]) -> None:
        assert self.conversation is not None
        if not self.youth and self.role not in WRITERS:
            return
        await self._courtesy(
            {
                "type": "chat.typing",
                "side": "youth" if self.youth else "helper",
                "from": self.channel_name,
            }
        )

    async def _courtesy(self, event: dict[str, Any]) -> None:
        """Typing and read notices are a courtesy: a failing layer skips them."""
        assert self.conversation is not None
        try:
            await self.channel_layer.group_send(
                notify.conversation_group(self.conversation.pk), event
            )
        except Exception:
            logger.info("chat courtesy notice not sent", exc_info=True)

    async def _read(self, content: dict[str, Any]) -> None:
        """How far this side has read. The other side hears it at once (a courtesy
        notice); the database gets it at most every ``READ_STORE_DELAY`` seconds per
        socket, and not for the socket's own messages (the page reports those read too):
        with both sides' reads, a read mark had been a write transaction for every
        message shown on every socket, on SQLite's one writer."""
        assert self.conversation is not None
        try:
            seq = int(content.get("seq") or 0)
        except (TypeError, ValueError):
            return
        if not (self.youth or self.role == ParticipantRole.HELPER):
            return
        seq = min(seq, self.counterpart_seq)  # the other side's messages are what count
        if seq <= max(self.read_stored, self.read_pending):
            return
        self.read_pending = seq
        if self.read_task is None:
            self.read_task = asyncio.create_task(self._store_read_later())
        await self._courtesy(
            {
                "type": "chat.read",
                "side": "youth" if self.youth else "helper",
                "seq": seq,
                "from": self.channel_name,
            }
        )

    async def _store_read_later(self) -> None:
        await asyncio.sleep(READ_STORE_DELAY)
        self.read_task = None
        await self._store_read()

    async def _store_read(self) -> None:
        seq = self.read_pending
        if self.conversation is None or seq <= self.read_stored:
            return
        try:
            await db(services.read_mark)(
                conversation=self.conversation, by_youth=self.youth, seq=seq
            )
        except DatabaseError:  # read state is a courtesy: a busy database skips it
            logger.info("chat read state not stored", exc_info=True)
            return
        self.read_stored = max(self.read_stored, seq)

    def _shown(self, message: dict[str, Any]) -> None:
        """Note a message sent to this socket (for the read marks, see ``_read``)."""
        self.sent = message["seq"]
        theirs = (
            message["sender"] in (Sender.HELPER, Sender.PROFESSIONAL)
            if self.youth
            else message["sender"] == Sender.YOUTH
        )
        if theirs:
            self.counterpart_seq = max(self.counterpart_seq, message["seq"])

    async def _consent(self, content: dict[str, Any]) -> None:
        if not self.youth:
            return
        assert self.conversation is not None
        try:
            await db(services.handoff_decide)(
                conversation=self.conversation,
                handoff_id=int(content.get("handoff") or 0),
                agree=content.get("agree") is True,
            )
        except (services.ChatError, ValueError, TypeError) as error:
            await self._error(str(error))

    async def _end(self, content: dict[str, Any]) -> None:
        if not self.youth:
            return
        assert self.conversation is not None
        by = "exit" if content.get("type") == "exit" else "youth"
        await db(services.conversation_end)(conversation=self.conversation, by=by)

    # --- from the channel layer ------------------------------------------------------------

    async def chat_message(self, event: dict[str, Any]) -> None:
        message = event["message"]
        if message["seq"] == self.sent + 1:
            self._shown(message)
            await self.send_json({"type": "msg", **message})
        elif message["seq"] > self.sent + 1:
            await self._catch_up()

    async def chat_resync(self, event: dict[str, Any]) -> None:
        if self.conversation is not None:
            await self._resync()

    async def chat_behind(self, event: dict[str, Any]) -> None:
        """The process's sweep saw a message this socket was not sent (a lost notice)."""
        if self.conversation is not None:
            await self._catch_up()

    async def _resync(self) -> None:
        """Join the groups again and show what the database holds beyond what this
        socket sent."""
        assert self.conversation is not None
        self.joined_at = time.monotonic()
        self.join_failed = False
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except Exception:
                logger.warning("chat group join failed", exc_info=True)
                self.join_failed = True
        last = await db(selectors.last_seq)(self.conversation.pk)
        if last > self.sent:
            await self._catch_up()

    async def _catch_up(self) -> None:
        assert self.conversation is not None
        while True:
            batch = await db(selectors.messages_after)(self.conversation.pk, self.sent)
            for message in batch:
                if message["seq"] > self.sent:
                    self._shown(message)
                    await self.send_json({"type": "msg", **message})
            if len(batch) < selectors.MESSAGES_PER_READ:
                return

    async def _send_state(self) -> None:
        """The state, then what the database holds beyond what this socket sent: one
        database call (on a hello, a reconnect burst makes every call count)."""
        assert self.conversation is not None
        state, missed = await db(selectors.state_and_messages)(
            self.conversation, for_youth=self.youth, after=self.sent
        )
        if self.youth and state["state"] != ConversationState.QUEUED:
            group = notify.team_group(self.conversation.team_id)
            if group in self.groups_joined:
                await self.channel_layer.group_discard(group, self.channel_name)
                self.groups_joined.remove(group)
        await self.send_json(state)
        for message in missed:
            if message["seq"] > self.sent:
                self._shown(message)
                await self.send_json({"type": "msg", **message})
        if len(missed) >= selectors.MESSAGES_PER_READ:
            await self._catch_up()

    async def chat_state(self, event: dict[str, Any]) -> None:
        await self._send_state()

    async def chat_queue(self, event: dict[str, Any]) -> None:
        if self.youth:
            await self._send_state()

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("from") != self.channel_name:
            await self.send_json({"type": "typing", "side": event["side"]})

    async def chat_read(self, event: dict[str, Any]) -> None:
        if event.get("from") != self.channel_name:
            await self.send_json({"type": "read", "side": event["side"], "seq": event["seq"]})

    def _client_address(self) -> str:
        """The young person's address as far as TRUSTED_PROXIES vouch for it (the same
        rule as the web pages); used in memory for the block's keyed hash only."""
        client = self.scope.get("client") or ("", 0)
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = client[0] if client else ""
        for name, value in self.scope.get("headers", []):
            if name == b"x-forwarded-for":
                request.META["HTTP_X_FORWARDED_FOR"] = value.decode("latin-1")
        return client_address(request)

    async def chat_block(self, event: dict[str, Any]) -> None:
        if not self.youth:
            return
        address = self._client_address()
        if address:
            await db(services.block_record)(
                address=address,
                hours=int(event["hours"]),
                reason=str(event["reason"]),
                membership_id=event.get("by"),
            )


class BoardConsumer(SurvivesLayerOutage, AsyncWebsocketConsumer):
    """The supervisors' board, live through htmx's ws extension (``/ws/chat/bord/``).

    On connect, and after every notice to the team's group (a conversation queued,
    taken, transferred or ended, a helper's status), the consumer sends the board's live
    part as HTML; htmx swaps it in by its id. It is read-only: nothing the browser sends
    is used. Only a supervisor of the team gets it, as the page. The board holds no
    conversation content (references, waits, helpers' names and load), so, like the
    page, a refresh writes no processing-log entry.
    """

    actor: Actor | None = None
    group: str = ""
    csrf_secret: str = ""
    language: str = ""

    async def connect(self) -> None:
        actor = await db(actor_from_scope)(dict(self.scope))
        team_id = await db(_supervised_team)(actor)
        if actor is None or team_id is None:
            await self.close(code=4403)
            return
        self.actor = actor
        cookies = self.scope.get("cookies") or {}
        self.csrf_secret = cookies.get(settings.CSRF_COOKIE_NAME, "")
        language = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
        self.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        self.group = notify.team_group(team_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        layer_watch.add(self.channel_layer, self)
        await self._send_board()

    async def disconnect(self, code: int) -> None:
        layer_watch.discard(self.channel_name)
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        return  # read-only

    async def chat_queue(self, event: dict[str, Any]) -> None:
        await self._send_board()

    async def chat_resync(self, event: dict[str, Any]) -> None:
        """The layer lost its groups (see ``LayerWatch``): join again, show the board."""
        with contextlib.suppress(Exception):
            await self.channel_layer.group_add(self.group, self.channel_name)
        await self._send_board()

    async def _send_board(self) -> None:
        try:
            html = await db(self._board_html)()
        except PermissionDenied:  # no longer a supervisor of this team
            await self.close(code=4403)
            return
        await self.send(text_data=html)

    def _board_html(self) -> str:
        assert self.actor is not None
        request = HttpRequest()
        if self.csrf_secret:  # the page's forms keep working after a swap
            request.META["CSRF_COOKIE"] = self.csrf_secret
        data = selectors.board(self.actor)
        with translation.override(self.language):
            return render_to_string(
                "chat/_board_live.html", {**data, "csrf_token": get_token(request)}
            )


def _supervised_team(actor: Actor | None) -> int | None:
    if actor is None:
        return None
    try:
        helper = selectors.helper_for_actor(actor)
    except PermissionDenied:
        return None
    return helper.team_id if helper.is_supervisor else None
