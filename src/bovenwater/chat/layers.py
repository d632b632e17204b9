"""The Redis channel layer of the chat: channels-redis with a pool that waits.

redis-py's asyncio pool holds at most 100 connections per process (the default) and
raises ``MaxConnectionsError`` at once when a 101st is asked for. With thousands of
sockets in one ASGI process (every socket's hello joins groups, every heartbeat joins
them again, every message is a group send) a burst, such as all sockets of a killed
process reconnecting to the survivors at once, asked for more, the consumers failed,
their sockets closed, the clients reconnected and asked for more still: the 2,000-
conversation profile of ``bench/chat_bench.py`` never recovered from its fault. Here a
call waits (up to ``timeout`` seconds) for a free connection instead; the pool size
stays bounded, so N processes hold at most N x ``max_connections`` Redis connections.
"""

from __future__ import annotations

from typing import Any

from channels_redis.core import (  # type: ignore[import-untyped]
    RedisChannelLayer as BaseRedisChannelLayer,
)
from redis.asyncio import BlockingConnectionPool

POOL_SIZE = 200
POOL_TIMEOUT = 10


class RedisChannelLayer(BaseRedisChannelLayer):  # type: ignore[misc]
    def create_pool(self, index: int) -> Any:
        host = dict(self.hosts[index])
        address = host.pop("address", None)
        if address is None or "master_name" in host:
            return super().create_pool(index)  # sentinels and host/port pairs: as upstream
        host.setdefault("max_connections", POOL_SIZE)
        host.setdefault("timeout", POOL_TIMEOUT)
        return BlockingConnectionPool.from_url(address, **host)
