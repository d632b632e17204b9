"""The chat's Redis channel layer waits for a pool connection instead of failing."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from channels_redis.core import RedisChannelLayer as UpstreamLayer  # type: ignore[import-untyped]
from redis.exceptions import MaxConnectionsError

from bovenwater.chat.layers import RedisChannelLayer

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed")


@pytest.fixture
def redis_url(tmp_path: Path):  # type: ignore[no-untyped-def]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert REDIS is not None
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()


async def _burst(layer: UpstreamLayer) -> None:
    """More concurrent group operations than the pool has connections (as when the
    sockets of a killed process all reconnect to the survivors at once)."""
    try:
        await asyncio.gather(
            *(layer.group_add(f"g{i % 5}", f"chan{i}") for i in range(60)),
            *(layer.group_send(f"g{i % 5}", {"type": "chat.x"}) for i in range(60)),
        )
    finally:
        await layer.close_pools()


def test_a_burst_beyond_the_pool_waits_instead_of_failing(redis_url: str) -> None:
    host = {"address": redis_url, "max_connections": 2}
    with pytest.raises(MaxConnectionsError):  # channels-redis as it comes: fails at once
        asyncio.run(_burst(UpstreamLayer(hosts=[host])))
    asyncio.run(_burst(RedisChannelLayer(hosts=[host])))  # ours: waits, all succeed
