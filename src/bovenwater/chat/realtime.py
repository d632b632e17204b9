"""The chat consumers' plumbing: their database calls and how they survive the
channel layer's outages (``consumers`` holds the protocol)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer, InMemoryChannelLayer
from django.conf import settings
from django.db import connection

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
    """Per process: notices that the channel layer lost its groups and heals the sockets.

    A restarted Redis forgets every group, so the conversations' notices reach nobody
    until each socket's next heartbeat (15 s) joins again. Every ``INTERVAL`` seconds
    the watch sends a probe to a group of its own and waits for it; when it does not
    come back (Redis down, restarted, or the notice lost), it joins again and, once that
    works, sends every socket of this process a ``chat.resync`` through its own channel
    (handled in order with its other events): the socket joins its groups again and
    reads what the database holds beyond what it sent. Not on the in-memory layer
    (one process: it cannot lose groups while its sockets live). Stops when this
    process has no chat sockets left.
    """

    INTERVAL = 1.0

    def __init__(self) -> None:
        self.channels: set[str] = set()
        self.task: asyncio.Task[None] | None = None

    def add(self, layer: BaseChannelLayer, channel: str) -> None:
        if isinstance(layer, InMemoryChannelLayer):
            return
        self.channels.add(channel)
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self._run(layer))

    def discard(self, channel: str) -> None:
        self.channels.discard(channel)
        if not self.channels and self.task is not None:
            self.task.cancel()
            self.task = None

    async def _run(self, layer: BaseChannelLayer) -> None:
        probe = await layer.new_channel()
        group = f"chat.probe.{uuid.uuid4().hex}"
        joined = await self._join(layer, group, probe)
        while self.channels:
            await asyncio.sleep(self.INTERVAL)
            if joined and await self._probe(layer, group, probe):
                continue
            joined = await self._join(layer, group, probe)
            if joined:
                logger.warning(
                    "chat: channel layer lost its groups; %d sockets resync", len(self.channels)
                )
                for channel in list(self.channels):
                    with contextlib.suppress(Exception):
                        await layer.send(channel, {"type": "chat.resync"})

    async def _join(self, layer: BaseChannelLayer, group: str, probe: str) -> bool:
        try:
            await layer.group_add(group, probe)
        except Exception:  # the layer is down: try again on the next tick
            return False
        return True

    async def _probe(self, layer: BaseChannelLayer, group: str, probe: str) -> bool:
        try:
            await layer.group_send(group, {"type": "chat.probe"})
            await asyncio.wait_for(layer.receive(probe), timeout=self.INTERVAL)
        except Exception:
            return False
        return True


layer_watch = LayerWatch()


class SurvivesLayerOutage:
    """A consumer whose socket stays open while the channel layer is down (and whose
    dispatch does not hop to the sync thread for every event, see ``dispatch``).

    Channels reads the socket's channel through ``channel_receive``; when Redis goes
    away, that read raises and Channels would end the consumer and close the socket
    (every client then reconnects at once). Here the read waits and tries again; once
    Redis is back, ``LayerWatch`` sends the socket a ``chat.resync``.
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
                await asyncio.sleep(0.5)
