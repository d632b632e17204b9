"""The chat consumers' plumbing: their database calls and how they survive the
channel layer's outages (``consumers`` holds the protocol)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from typing import Any

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer, InMemoryChannelLayer
from django.conf import settings
from django.db import connection

from bovenwater.chat import selectors

logger = logging.getLogger(__name__)

# Database calls leave the event loop. asgiref runs "thread-sensitive" calls one at a
# time on a single thread per process, so every socket's writes queued behind each
# other's commits. On PostgreSQL the chat's calls run in the loop's thread pool (each
# thread its own connection): commits overlap and one process carries many more
# messages a second. SQLite has one writer anyway and keeps the single thread.
_SERIAL_DB = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


class KeepSqliteConnection(SyncToAsync[Any, Any]):
    """The chat's database calls on SQLite: the one thread keeps its connection open.

    Channels' ``database_sync_to_async`` closes "old" connections before and after
    every call, and the embedded settings make every SQLite connection old at once
    (``CONN_MAX_AGE = 0``, right for web requests, each on a thread of its own). So every
    call of every socket opened the database (and set its pragmas) and closed it again;
    closing the last connection of a WAL database checkpoints the log into the file and
    syncs it. A profile of the 200-conversation embedded benchmark: the database thread
    was busy all the time, two fifths of it opening and closing, while the event loop
    idled. These calls all run on the one thread-sensitive thread, which lives as long as
    the process, so its connection stays open; it is closed only when it broke (as
    Django does for a connection with errors) or when a call left autocommit off."""

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().thread_handler(loop, *args, **kwargs)  # type: ignore[no-untyped-call]
        finally:
            if connection.connection is not None and (
                connection.get_autocommit() != connection.settings_dict["AUTOCOMMIT"]
                or (connection.errors_occurred and not connection.is_usable())
            ):
                connection.close()


def db(func: Any) -> Any:
    """The chat consumers' ``database_sync_to_async`` (see above)."""
    if _SERIAL_DB:
        return KeepSqliteConnection(func, thread_sensitive=True)
    return database_sync_to_async(func, thread_sensitive=False)


class LayerWatch:
    """Per process: every chat socket of this process, and two duties for them.

    Sweep (every layer): every ``SWEEP_EVERY`` seconds one query reads the last sequence
    number of every conversation with a socket here; a socket still behind it a moment
    later (``SWEEP_GRACE``: a notice may be on its way) missed a notice (the layer
    dropped it for a full channel, or it was sent while Redis restarted) and is told to
    catch up from the database (``chat.behind``). One query per process instead of one
    per socket: the per-socket resync on the heartbeat had come in waves at 2,000
    conversations (bench/README.md).

    Probe (Redis only): a restarted Redis forgets every group, so the conversations'
    notices reach nobody. Every ``PROBE_EVERY`` seconds, and at once when a socket saw
    the layer fail (``suspect``), the watch sends a probe to a group of its own and waits
    for it; when it does not come back (Redis down, restarted, or the notice lost) it
    joins again and, once that works, joins every socket of this process to its groups
    again and sweeps at once. Not on the in-memory layer (one process: it cannot lose
    groups while its sockets live). Stops when this process has no chat sockets left.
    """

    PROBE_EVERY = 0.5
    PROBE_TIMEOUT = 1.0
    RETRY_EVERY = 0.1  # while the layer is down
    SWEEP_EVERY = 5.0
    SWEEP_GRACE = 1.0
    JOIN_BATCH = 100  # group joins in flight at once when healing

    def __init__(self) -> None:
        self.consumers: dict[str, Any] = {}  # channel name -> consumer
        self.tasks: list[asyncio.Task[None]] = []
        self.wake: asyncio.Event | None = None

    def add(self, layer: BaseChannelLayer, consumer: Any) -> None:
        self.consumers[consumer.channel_name] = consumer
        loop = asyncio.get_running_loop()
        if self.tasks and all(not t.done() and t.get_loop() is loop for t in self.tasks):
            return
        for task in self.tasks:
            task.cancel()
        self.wake = asyncio.Event()
        self.tasks = [loop.create_task(self._sweep_loop(layer))]
        if not isinstance(layer, InMemoryChannelLayer):
            self.tasks.append(loop.create_task(self._probe_loop(layer)))

    def discard(self, channel: str) -> None:
        self.consumers.pop(channel, None)
        if not self.consumers:
            for task in self.tasks:
                task.cancel()
            self.tasks = []

    def suspect(self) -> None:
        """A socket saw the layer fail: probe now, not at the next tick."""
        if self.wake is not None:
            self.wake.set()

    async def _sweep_loop(self, layer: BaseChannelLayer) -> None:
        while self.consumers:
            # processes sweep at different moments (and not in step with each other)
            await asyncio.sleep(self.SWEEP_EVERY * (0.75 + random.random() / 2))
            try:
                await self.sweep(layer, grace=self.SWEEP_GRACE)
            except Exception:  # a busy or broken database: the next sweep tries again
                logger.info("chat sweep failed", exc_info=True)

    async def sweep(self, layer: BaseChannelLayer, *, grace: float) -> int:
        """Tell every socket behind its conversation's last message to catch up; the
        number of sockets told."""
        chats = {
            channel: consumer
            for channel, consumer in self.consumers.items()
            if getattr(consumer, "conversation", None) is not None
        }
        if not chats:
            return 0
        last = await db(selectors.last_seqs)({c.conversation.pk for c in chats.values()})
        if grace:
            await asyncio.sleep(grace)
        told = 0
        for channel, consumer in chats.items():
            if channel in self.consumers and consumer.sent < last.get(consumer.conversation.pk, 0):
                told += 1
                with contextlib.suppress(Exception):
                    await layer.send(channel, {"type": "chat.behind"})
        if told:
            logger.info("chat sweep: %d sockets missed a notice", told)
        return told

    async def _probe_loop(self, layer: BaseChannelLayer) -> None:
        assert self.wake is not None
        probe = await layer.new_channel()
        group = f"chat.probe.{uuid.uuid4().hex}"
        joined = await self._join(layer, group, probe)
        while self.consumers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.wake.wait(), timeout=self.PROBE_EVERY if joined else self.RETRY_EVERY
                )
            suspected = self.wake.is_set()
            self.wake.clear()
            if joined and not suspected and await self._probe(layer, group, probe):
                continue
            joined = await self._join(layer, group, probe)
            if joined:
                await self._heal(layer)

    async def _heal(self, layer: BaseChannelLayer) -> None:
        """Join every socket of this process to its groups again, then sweep at once (a
        notice sent before a socket joined again was lost; its message is in the
        database, which the sweep reads after every join)."""
        logger.warning("chat: channel layer lost its groups; %d sockets join again",
                       len(self.consumers))  # fmt: skip
        joins: list[tuple[str, str]] = []
        for channel, consumer in list(self.consumers.items()):
            if getattr(consumer, "conversation", None) is None:  # the board: it heals itself
                with contextlib.suppress(Exception):
                    await layer.send(channel, {"type": "chat.resync"})
                continue
            joins.extend((group, channel) for group in list(consumer.groups_joined))
        for start in range(0, len(joins), self.JOIN_BATCH):
            await asyncio.gather(
                *(layer.group_add(g, c) for g, c in joins[start : start + self.JOIN_BATCH]),
                return_exceptions=True,
            )
        try:
            await self.sweep(layer, grace=0)
        except Exception:
            logger.info("chat sweep failed", exc_info=True)

    async def _join(self, layer: BaseChannelLayer, group: str, probe: str) -> bool:
        try:
            await layer.group_add(group, probe)
        except Exception:  # the layer is down: try again on the next tick
            return False
        return True

    async def _probe(self, layer: BaseChannelLayer, group: str, probe: str) -> bool:
        try:
            await layer.group_send(group, {"type": "chat.probe"})
            await asyncio.wait_for(layer.receive(probe), timeout=self.PROBE_TIMEOUT)
        except Exception:
            return False
        return True


layer_watch = LayerWatch()


class SurvivesLayerOutage:
    """A consumer whose socket stays open while the channel layer is down (and whose
    dispatch does not hop to the sync thread for every event, see ``dispatch``).

    Channels reads the socket's channel through ``channel_receive``; when Redis goes
    away, that read raises and Channels would end the consumer and close the socket
    (every client then reconnects at once). Here the read waits and tries again (and
    tells ``LayerWatch``, which joins the socket to its groups again once Redis is back
    and sweeps).
    """

    _layer_receive: Any = None

    @property
    def channel_receive(self) -> Any:
        return self._receive_from_layer

    @channel_receive.setter
    def channel_receive(self, value: Any) -> None:
        self._layer_receive = value

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its ``aclose_old_connections()`` before every
        event: that hop to the process's single sync thread, for every frame, heartbeat
        and notice of every socket, queued all sockets behind one thread (a profile at
        2,000 conversations: about a tenth of a process's time). Every database call
        here goes through ``db`` (``database_sync_to_async``), which closes old
        connections around itself."""
        name = str(message["type"]).replace(".", "_")  # as channels.utils.get_handler_name
        handler = None if name.startswith("_") else getattr(self, name, None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def _receive_from_layer(self) -> Any:
        while True:
            try:
                return await self._layer_receive()
            except Exception:
                logger.info("chat: channel layer unreachable; waiting", exc_info=True)
                layer_watch.suspect()
                await asyncio.sleep(0.5)
