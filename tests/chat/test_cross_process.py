"""Two real ASGI processes (uvicorn) on one database: the Redis channel layer carries a
message posted through process A to a socket on process B; the in-memory layer does
not (the same scenario fails there, so the test tests something). The fault test kills
one process with SIGKILL and restarts a private Redis mid-conversation: after resume
nothing is lost and nothing shown twice."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import websockets
from websockets.typing import Origin

from bovenwater.chat.pow import solve

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed")
SETUP = """
from datetime import time
from bovenwater.accounts import services as accounts
from bovenwater.accounts.roles import OrganisationKind
from bovenwater.chat.models import OpeningHours, Team
from bovenwater.reference.models import Municipality
org = accounts.organisation_create(name="Chatdienst", kind=OrganisationKind.NGO,
    municipality=Municipality.objects.get(code="GM0363"))
team = Team.objects.create(organisation=org, name="Team", max_queue=500)
for day in range(7):
    OpeningHours.objects.create(team=team, weekday=day, opens=time(0), closes=time(0))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Redis:
    def __init__(self, root: Path) -> None:
        self.port = _free_port()
        self.root = root
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS is not None
        self.process = subprocess.Popen(
            [
                REDIS,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _env(root: Path, redis_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "REDIS_", "PYTEST", "DJANGO_", "CHANNEL_"))
    }
    env.update(
        DEBUG="false",
        DEMO_MODE="false",
        SECRET_KEY="chat-process-test-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        PSEUDONYM_KEY="p",
        CHAT_POW_DIFFICULTY="4",
        CHAT_START_RATE_LIMIT="1000",
        WEB_CONCURRENCY="1",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    if redis_url:
        env["CHANNEL_LAYER_URL"] = redis_url
    return env


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("chat-processes")
    env = _env(root, "")
    manage = [sys.executable, "-m", "bovenwater.cli", "manage"]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "createcachetable"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "load_reference_data"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True)
    return root


# uvicorn with the process's sweep (``realtime.LayerWatch``) switched off: the sweep finds
# a missed message in the database within seconds on any layer, so a test of what the
# layer itself carries runs without it.
WITHOUT_SWEEP = (
    "import bovenwater.asgi; "  # sets Django up
    "from bovenwater.chat.realtime import LayerWatch; LayerWatch.SWEEP_EVERY = 1e9; "
    "from uvicorn.main import main; main()"
)


class Server:
    def __init__(self, root: Path, redis_url: str, name: str, *, sweep: bool = True) -> None:
        self.root, self.redis_url, self.name = root, redis_url, name
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.sweep = sweep

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                *(["-m", "uvicorn"] if self.sweep else ["-c", WITHOUT_SWEEP]),
                "bovenwater.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--ws",
                "websockets",
            ],
            env=_env(self.root, self.redis_url),
            stdout=(self.root / f"{self.name}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.root / f"{self.name}.log").read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/gezondheid/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("server did not come up")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def post(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return dict(json.loads(response.read()))

    def start_chat(self) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/chat/api/controle/") as r:
            challenge = json.loads(r.read())
        nonce = solve(challenge["challenge"], challenge["bits"])
        return str(
            self.post("/chat/api/start/", {"challenge": challenge["challenge"], "nonce": nonce})[
                "token"
            ]
        )


async def _receive_until(
    server: Server, token: str, after: int, body: str, wait: float
) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    url = f"ws://127.0.0.1:{server.port}/ws/chat/"
    async with websockets.connect(url, origin=f"http://127.0.0.1:{server.port}") as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "hello", "token": token, "after": after}))
        deadline = asyncio.get_running_loop().time() + wait
        sent = False
        while (remaining := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                event = json.loads(await asyncio.wait_for(ws.recv(), timeout=remaining))
            except TimeoutError:
                break
            if event["type"] == "state" and not sent:
                sent = True
                await asyncio.to_thread(_post_elsewhere, token, body)
            if event["type"] == "msg":
                received.append(event)
                if event["body"] == body:
                    break
    return received


_OTHER: list[Server] = []


def _post_elsewhere(token: str, body: str) -> None:
    _OTHER[0].post("/chat/api/verstuur/", {"token": token, "id": "x-1", "body": body})


@pytest.mark.parametrize("layer", ["redis", "memory"])
def test_message_via_process_a_reaches_a_socket_on_process_b(
    database: Path, tmp_path: Path, layer: str
) -> None:
    redis = Redis(tmp_path)
    redis.start()
    url = f"redis://127.0.0.1:{redis.port}/0" if layer == "redis" else ""
    a = Server(database, url, f"a-{layer}", sweep=False)
    b = Server(database, url, f"b-{layer}", sweep=False)
    try:
        a.start()
        b.start()
        token = a.start_chat()
        _OTHER[:] = [a]
        received = asyncio.run(_receive_until(b, token, after=1, body="via A naar B", wait=6))
    finally:
        a.stop()
        b.stop()
        redis.stop()
    bodies = [m["body"] for m in received]
    if layer == "redis":
        assert bodies == ["via A naar B"]
    else:  # the in-memory layer stays inside process A: B's socket never hears of it
        assert "via A naar B" not in bodies


def test_kill_one_process_and_restart_redis_loses_and_duplicates_nothing(
    database: Path, tmp_path: Path
) -> None:
    redis = Redis(tmp_path)
    redis.start()
    url = f"redis://127.0.0.1:{redis.port}/0"
    a, b = Server(database, url, "fault-a"), Server(database, url, "fault-b")
    total = 60
    try:
        a.start()
        b.start()
        token = a.start_chat()
        shown = asyncio.run(_fault_run(a, b, redis, token, total))
    finally:
        a.stop()
        b.stop()
        redis.stop()
    seqs = [m["seq"] for m in shown]
    bodies = [m["body"] for m in shown if m["sender"] == "youth"]
    assert len(seqs) == len(set(seqs)), "a message was shown twice"
    assert seqs == list(range(2, 2 + len(seqs)))  # in order, no gap (seq 1 is the welcome)
    assert bodies == [f"bericht {n}" for n in range(total)], "a message was lost"


async def _fault_run(
    a: Server, b: Server, redis: Redis, token: str, total: int
) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = []
    last = 1
    done = asyncio.Event()

    async def sender() -> None:
        for n in range(total):
            if n == total // 3:
                b.kill()  # the receiver's process dies
            if n == total // 2:
                redis.stop()
                redis.start()  # the channel layer loses everything it held
            for _attempt in range(50):
                try:
                    await asyncio.to_thread(
                        a.post,
                        "/chat/api/verstuur/",
                        {"token": token, "id": f"m{n}", "body": f"bericht {n}"},
                    )
                    break
                except OSError:
                    await asyncio.sleep(0.1)
            await asyncio.sleep(0.02)
        done.set()

    async def receiver() -> None:
        nonlocal last
        servers = [b, a]  # start on B; after B is killed, resume on A
        while True:
            server = (
                servers[0]
                if servers[0].process and servers[0].process.poll() is None
                else servers[1]
            )
            try:
                async with websockets.connect(
                    f"ws://127.0.0.1:{server.port}/ws/chat/",
                    origin=Origin(f"http://127.0.0.1:{server.port}"),
                ) as ws:
                    await ws.send(json.dumps({"type": "hello", "token": token, "after": last}))
                    while True:
                        try:
                            raw = await asyncio.wait_for(ws.recv(), timeout=1.0)
                        except TimeoutError:
                            if (
                                done.is_set()
                                and len([m for m in shown if m["sender"] == "youth"]) >= total
                            ):
                                return
                            # A quiet socket after a Redis restart: reconnect and resume.
                            if done.is_set():
                                break
                            continue
                        event = json.loads(raw)
                        if event["type"] == "msg":
                            shown.append(event)  # the client shows what it gets; checked after
                            last = max(last, event["seq"])
            except (OSError, websockets.ConnectionClosed):
                await asyncio.sleep(0.2)

    await asyncio.wait_for(asyncio.gather(sender(), receiver()), timeout=120)
    return shown


def test_after_a_redis_restart_an_open_socket_hears_again_without_ping_or_reconnect(
    database: Path, tmp_path: Path
) -> None:
    """A restarted Redis forgets every group. The socket on B neither reconnects nor
    sends a heartbeat here: only B's own watch (``realtime.LayerWatch``) can make it
    join again and read the message that A stored meanwhile. Without the watch the
    message never arrives (the wait below is a bound, not a speed check)."""
    redis = Redis(tmp_path)
    redis.start()
    url = f"redis://127.0.0.1:{redis.port}/0"
    a, b = Server(database, url, "watch-a"), Server(database, url, "watch-b")
    try:
        a.start()
        b.start()
        token = a.start_chat()
        received = asyncio.run(_quiet_socket_across_restart(a, b, redis, token))
    finally:
        a.stop()
        b.stop()
        redis.stop()
    assert [m["body"] for m in received] == ["na de herstart"]


async def _quiet_socket_across_restart(
    a: Server, b: Server, redis: Redis, token: str
) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    url = f"ws://127.0.0.1:{b.port}/ws/chat/"
    async with websockets.connect(url, origin=Origin(f"http://127.0.0.1:{b.port}")) as ws:
        await ws.send(json.dumps({"type": "hello", "token": token, "after": 1}))
        while json.loads(await asyncio.wait_for(ws.recv(), timeout=30))["type"] != "state":
            pass
        await asyncio.to_thread(redis.stop)
        await asyncio.to_thread(redis.start)
        await asyncio.to_thread(
            a.post, "/chat/api/verstuur/", {"token": token, "id": "r-1", "body": "na de herstart"}
        )
        deadline = asyncio.get_running_loop().time() + 30
        while (remaining := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                event = json.loads(await asyncio.wait_for(ws.recv(), timeout=remaining))
            except TimeoutError:
                break
            if event["type"] == "msg":
                received.append(event)
                break
    return received
