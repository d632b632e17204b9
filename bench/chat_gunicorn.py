"""gunicorn settings for ``bench/chat_bench.py --processes N``: the production topology.

docs/deployment.md runs the ASGI application as gunicorn with N uvicorn workers behind
one port; gunicorn's master starts a worker again as soon as one dies. The benchmark's
fault (``kill -9`` of one ASGI process) is meant as that: the killed worker's sockets
reconnect to the same port and spread over the survivor and its replacement.

On top of ``bovenwater.gunicorn_conf`` (no client address in any log line):

- ``preload_app``: the master imports the application once, so a replacement worker is
  a fork that serves within a fraction of a second instead of importing Django again
  (seconds on a busy machine, while the survivor carries every socket alone);
- the uvicorn worker speaks WebSocket with the ``websockets-sansio`` implementation, as
  the single-process benchmark server and the browser tests do;
- a deep listen backlog for the burst of reconnects.

Use: ``gunicorn -c bench/chat_gunicorn.py bovenwater.asgi:application --workers 2
--bind 127.0.0.1:PORT`` (``PYTHONPATH`` with ``src``).
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from uvicorn.workers import UvicornWorker

from bovenwater.gunicorn_conf import access_log_format, accesslog, forwarded_allow_ips, loglevel
from bovenwater.gunicorn_conf import post_worker_init as _post_worker_init

__all__ = [
    "access_log_format",
    "accesslog",
    "backlog",
    "forwarded_allow_ips",
    "loglevel",
    "post_worker_init",
    "preload_app",
    "worker_class",
]


class ChatBenchWorker(UvicornWorker):
    CONFIG_KWARGS = {"loop": "auto", "http": "auto", "ws": "websockets-sansio"}

    async def _serve(self) -> None:
        # Experiment switch: BENCH_DB_THREADS sets the size of the event loop's thread
        # pool, where the chat's database calls run on PostgreSQL (Python's default is
        # the number of CPUs + 4).
        threads = int(os.environ.get("BENCH_DB_THREADS") or 0)
        if threads:
            asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(threads))
        await super()._serve()


def post_worker_init(worker: Any) -> None:
    _post_worker_init(worker)


worker_class = ChatBenchWorker
preload_app = True
backlog = 8192


if __name__ == "__main__":  # a settings file, not a script: --help says how it is used
    import argparse

    argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Loaded by gunicorn (-c bench/chat_gunicorn.py); chat_bench.py does that.",
    ).parse_args()
