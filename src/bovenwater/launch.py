"""Start the platform the way ``make run`` does: ``python -m bovenwater.launch``.

One parent process starts every process the platform needs and stops them together:

- ``web``: the one ASGI application (HTTP and WebSocket) on 127.0.0.1:PORT: one uvicorn
  process on the embedded default (Channels' in-memory layer reaches only its own
  process), or gunicorn with N uvicorn workers when ``CHANNEL_LAYER_URL`` names a Redis
  channel layer (``--web-workers`` / ``WEB_CONCURRENCY``; settings refuse more than one
  process without it);
- ``worker``: the background-task worker for the ``default`` queue (estimates, scans,
  the monitor's count tables; long tasks);
- ``worker-fast``: a second worker for the short queues (``audit``: sealing the
  processing log; ``notifications``: mail), so a long estimate never holds them up.

A worker that exits is started again after a pause (longer each time, at most 30 s);
when the web server exits, or on SIGINT/SIGTERM, every child gets SIGTERM, and
SIGKILL after ``STOP_GRACE`` seconds if it is still running. The environment is passed
on unchanged (``make run`` sets it). Tests that need "the real server as ``make run``
starts it" run this module with ``--port`` on a free port.

To add a process, add a ``Child`` to ``children()``; keep this module small.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

STOP_GRACE = 10.0
RESTART_MAX_DELAY = 30.0


@dataclass
class Child:
    name: str
    argv: list[str]
    restart: bool  # start again when it exits (workers); the web server ends the launch
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)


def children(*, port: int, web_workers: int, interval: float) -> list[Child]:
    python = sys.executable
    bindir = Path(python).parent
    worker = [python, "-m", "bovenwater.cli", "manage", "run_worker", "--interval", str(interval)]
    return [
        Child(
            "web",
            _web_argv(bindir, port=port, web_workers=web_workers),
            restart=False,
            extra={"WEB_CONCURRENCY": str(web_workers)},
        ),
        Child("worker", [*worker, "--queue-name", "default"], restart=True),
        Child("worker-fast", [*worker, "--queue-name", "audit,notifications"], restart=True),
        # the privacy jobs on their schedules (retention, open data, log anchoring)
        Child(
            "scheduler",
            [python, "-m", "bovenwater.cli", "manage", "run_scheduler"],
            restart=True,
        ),
    ]


def _web_argv(bindir: Path, *, port: int, web_workers: int) -> list[str]:
    """uvicorn for one process; gunicorn with uvicorn workers for more. Neither logs
    client addresses: uvicorn's access log is off, gunicorn's leaves them out."""
    if web_workers == 1:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "bovenwater.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--no-proxy-headers",  # TRUSTED_PROXIES decides (lib.clientaddress)
            "--log-level",
            "warning",
            "--ws",
            "websockets-sansio",
        ]
    gunicorn = str(bindir / "gunicorn") if (bindir / "gunicorn").exists() else "gunicorn"
    return [
        gunicorn,
        "-c",
        "python:bovenwater.gunicorn_conf",
        "bovenwater.asgi:application",
        "--worker-class",
        "uvicorn.workers.UvicornWorker",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(web_workers),
    ]


class Launcher:
    def __init__(self, kids: list[Child]) -> None:
        self.kids = kids
        self.stopping = False

    def start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv, env={**os.environ, **child.extra})  # noqa: S603
        print(f"[launch] {child.name} started (pid {child.process.pid})", flush=True)

    def stop_all(self) -> None:
        running = [c.process for c in self.kids if c.process and c.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._signal)
        signal.signal(signal.SIGINT, self._signal)
        for child in self.kids:
            self.start(child)
        code = 0
        try:
            while not self.stopping:
                time.sleep(0.2)
                now = time.monotonic()
                for child in self.kids:
                    assert child.process is not None
                    status = child.process.poll()
                    if status is None:
                        continue
                    if not child.restart:
                        print(f"[launch] {child.name} exited ({status}); stopping", flush=True)
                        code = status or 1
                        self.stopping = True
                        break
                    if child.next_start == 0.0:
                        delay = min(RESTART_MAX_DELAY, 2.0**child.restarts)
                        child.next_start = now + delay
                        print(
                            f"[launch] {child.name} exited ({status}); restart in {delay:.0f} s",
                            flush=True,
                        )
                    elif now >= child.next_start:
                        child.restarts += 1
                        child.next_start = 0.0
                        self.start(child)
        finally:
            self.stop_all()
        return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bovenwater.launch", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--web-workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1")),
        help="ASGI processes; more than 1 needs CHANNEL_LAYER_URL (Redis)",
    )
    parser.add_argument("--interval", type=float, default=1.0, help="worker poll interval (s)")
    args = parser.parse_args(argv)
    kids = children(port=args.port, web_workers=args.web_workers, interval=args.interval)
    return Launcher(kids).run()


if __name__ == "__main__":
    sys.exit(main())
