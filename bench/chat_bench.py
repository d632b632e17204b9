"""Chat load benchmark: an asyncio WebSocket client against the real ASGI server.

    .venv/bin/python bench/chat_bench.py --conversations 200 --seconds 60

starts the server itself on the embedded default (one uvicorn process, Channels'
in-memory layer, SQLite in a temporary directory) on a free local port, sets up a chat
team with helpers (capacity 4) and the conversations, opens two sockets per
conversation (young person and helper), lets both sides send a message every
``--interval`` seconds (with jitter) and measures delivery latency from send to receive
at the other side. Options: ``--redis`` starts a private Redis on a free port and uses
it as channel layer, ``--processes N`` starts N ASGI processes (Redis needed) and
spreads the sockets over them, ``--idle N`` opens N idle staff sockets, ``--fault``
kills one ASGI process with SIGKILL at a third of the run (and starts it again, as a
supervisor would) and restarts Redis halfway; clients reconnect and resume from their
last sequence number. ``--database-url`` uses another database (PostgreSQL).

After the run the clients drain and resume once more, then every message a side had
acknowledged is looked for at the other side: ``lost`` counts those never shown,
``duplicated`` those shown twice. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

SETUP = r"""
import json, os
from datetime import time
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from bovenwater.accounts import services as accounts
from bovenwater.accounts.middleware import SESSION_KEY
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.chat import keys, services
from bovenwater.chat.models import Conversation, Helper, OpeningHours, Presence, Team
from bovenwater.reference.models import Municipality

n = int(os.environ["BENCH_CONVERSATIONS"])
org = accounts.organisation_create(name="Benchdienst", kind=OrganisationKind.NGO,
    municipality=Municipality.objects.get(code="GM0363"))
team = Team.objects.create(organisation=org, name="Bench", max_queue=n + 10)
for day in range(7):
    OpeningHours.objects.create(team=team, weekday=day, opens=time(0), closes=time(0))
cookies = {}
for i in range((n + 3) // 4 + 1):
    user = accounts.user_create(username=f"bench{i}", password=None)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    member = accounts.membership_add(user=user, organisation=org, role=Role.CHAT_HELPER)
    helper = Helper.objects.create(membership=member, team=team, display_name=f"H{i}",
        presence=Presence.AVAILABLE, capacity=4)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session["otp_device_id"] = device.persistent_id
    session[SESSION_KEY] = member.pk
    session.save()
    cookies[helper.pk] = session.session_key
tokens = []
for i in range(n):
    tokens.append(services.conversation_start(team=team).token)
while services.assign_queued(team_id=team.pk):
    pass
rows = []
for token in tokens:
    c = Conversation.objects.get(token_digest=keys.token_digest(token))
    rows.append({"token": token, "conversation": c.pk, "cookie": cookies[c.helper_id]})
print(json.dumps({"rows": rows, "idle_cookie": next(iter(cookies.values()))}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(root: Path, database_url: str, redis_url: str, processes: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CHANNEL_"))}
    env.update(
        DEBUG="false",
        DEMO_MODE="false",
        SECRET_KEY="bench-only-secret-key-0123456789-0123456789-0123456789",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        PSEUDONYM_KEY="bench",
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url or f"sqlite:///{root / 'bench.sqlite3'}",
        WEB_CONCURRENCY="1",
        PYTHONPATH=str(ROOT / "src"),
    )
    if redis_url:
        env["CHANNEL_LAYER_URL"] = redis_url
        env["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + "/2"
    return env


class Redis:
    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.root = root
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server not found")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root), "--maxclients", "20000"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(200):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


class Server:
    def __init__(self, env: dict[str, str], root: Path, index: int) -> None:
        self.env, self.root, self.index = env, root, index
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        profile = (
            ["-m", "cProfile", "-o", str(self.root / f"web{self.index}.prof")]
            if os.environ.get("BENCH_PROFILE")
            else []
        )
        self.process = subprocess.Popen(
            [PY, *profile, "-m", "uvicorn", "bovenwater.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log", "--log-level", "warning",
             "--ws", "websockets-sansio", "--backlog", "8192"],
            env=self.env, stdout=(self.root / f"web{self.index}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(1800):  # a loaded machine takes its time
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/gezondheid/", timeout=2)
                return
            time.sleep(0.1)
        raise SystemExit(f"server {self.index} did not start")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.alive:
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Side:
    """One socket of a conversation: what it sent (and got acknowledged) and showed."""

    hello: dict[str, Any]
    cookie: str
    name: str
    last: int = 0
    acked: set[str] = field(default_factory=set)
    pending: dict[str, str] = field(default_factory=dict)
    shown_ids: dict[str, int] = field(default_factory=dict)
    shown_seqs: dict[int, int] = field(default_factory=dict)
    ws: Any = None


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    sent_at: dict[str, float] = field(default_factory=dict)
    reconnects: int = 0
    errors: int = 0


class Bench:
    def __init__(self, servers: list[Server], args: argparse.Namespace) -> None:
        self.servers = servers
        self.args = args
        self.stats = Stats()
        self.running = True
        self.counter = 0

    def pick(self, index: int) -> Server:
        live = [s for s in self.servers if s.alive] or self.servers
        return live[index % len(live)]

    async def connect(self, side: Side, index: int) -> None:
        while True:
            server = self.pick(index)
            headers = {"Cookie": f"sessionid={side.cookie}"} if side.cookie else {}
            try:
                side.ws = await websockets.connect(
                    f"ws://127.0.0.1:{server.port}/ws/chat/",
                    origin=f"http://127.0.0.1:{server.port}",  # type: ignore[arg-type]
                    additional_headers=headers,
                    open_timeout=60,
                    ping_interval=None,
                    max_queue=None,
                )
                await side.ws.send(json.dumps({**side.hello, "after": side.last}))
                for client_id, body in list(side.pending.items()):
                    await side.ws.send(json.dumps({"type": "send", "id": client_id, "body": body}))
                return
            except (OSError, websockets.WebSocketException, TimeoutError):
                self.stats.reconnects += 1
                await asyncio.sleep(0.2 + random.random() * 0.3)

    async def reader(self, side: Side, other: Side, index: int) -> None:
        while True:
            try:
                raw = await side.ws.recv()
            except (websockets.ConnectionClosed, OSError, AttributeError):
                if not self.running and not side.pending:
                    return
                self.stats.reconnects += 1
                await asyncio.sleep(0.1)
                await self.connect(side, index)
                continue
            now = time.perf_counter()
            event = json.loads(raw)
            kind = event.get("type")
            if kind == "msg":
                seq = event["seq"]
                side.shown_seqs[seq] = side.shown_seqs.get(seq, 0) + 1
                side.last = max(side.last, seq)
                client_id = event.get("id") or ""
                if client_id:
                    side.shown_ids[client_id] = side.shown_ids.get(client_id, 0) + 1
                    sent = self.stats.sent_at.get(client_id)
                    if (
                        sent is not None
                        and client_id not in side.pending
                        and client_id not in side.acked
                    ) and side.shown_ids[client_id] == 1:
                        self.stats.latencies.append((now - sent) * 1000)
            elif kind == "ack":
                client_id = event.get("id")
                if client_id in side.pending:
                    del side.pending[client_id]
                    side.acked.add(client_id)
            elif kind == "error":
                self.stats.errors += 1

    async def heartbeat(self, side: Side) -> None:
        while self.running:
            await asyncio.sleep(15)
            with contextlib.suppress(Exception):
                await side.ws.send(json.dumps({"type": "ping"}))

    async def writer(self, side: Side) -> None:
        await asyncio.sleep(random.random() * self.args.interval)
        while self.running:
            self.counter += 1
            client_id = f"{side.name}-{self.counter}"
            body = f"bericht {self.counter} " + "x" * 40
            side.pending[client_id] = body
            self.stats.sent_at[client_id] = time.perf_counter()
            with contextlib.suppress(Exception):
                await side.ws.send(json.dumps({"type": "send", "id": client_id, "body": body}))
            await asyncio.sleep(self.args.interval * (0.5 + random.random()))


async def resume_once(bench: Bench, side: Side, index: int, semaphore: asyncio.Semaphore) -> None:
    """Reconnect, say hello with the last sequence number shown, and read until the
    socket has shown everything up to the conversation's last number (from the state
    the server sends first); retried on a broken connection, for at most five minutes."""
    deadline = time.monotonic() + 300
    async with semaphore:
        while time.monotonic() < deadline:
            await bench.connect(side, index)
            target: int | None = None
            try:
                while target is None or side.last < target or side.pending:
                    raw = await asyncio.wait_for(side.ws.recv(), timeout=60)
                    event = json.loads(raw)
                    if event.get("type") == "state" and target is None:
                        target = int(event["last_seq"])
                    elif event.get("type") == "msg":
                        seq = event["seq"]
                        side.shown_seqs[seq] = side.shown_seqs.get(seq, 0) + 1
                        side.last = max(side.last, seq)
                        if event.get("id"):
                            side.shown_ids[event["id"]] = side.shown_ids.get(event["id"], 0) + 1
                    elif event.get("type") == "ack" and event.get("id") in side.pending:
                        del side.pending[event["id"]]
                        side.acked.add(event["id"])
                with contextlib.suppress(Exception):
                    await side.ws.close()
                return
            except (TimeoutError, websockets.ConnectionClosed, OSError):
                bench.stats.reconnects += 1


async def faults(bench: Bench, redis: Redis | None, seconds: float) -> dict[str, float]:
    done: dict[str, float] = {}
    await asyncio.sleep(seconds / 3)
    victim = bench.servers[-1]
    victim.kill()
    done["kill_at_s"] = round(seconds / 3, 1)
    await asyncio.to_thread(victim.start)  # a supervisor starts it again
    if redis is not None:
        await asyncio.sleep(max(0.0, seconds / 2 - seconds / 3))
        redis.stop()
        redis.start()
        done["redis_restart_at_s"] = round(seconds / 2, 1)
    return done


async def run(
    args: argparse.Namespace, servers: list[Server], redis: Redis | None, setup: dict[str, Any]
) -> dict[str, Any]:
    bench = Bench(servers, args)
    pairs: list[tuple[Side, Side]] = []
    for index, row in enumerate(setup["rows"]):
        youth = Side({"type": "hello", "token": row["token"]}, "", f"y{index}")
        helper = Side(
            {"type": "hello", "conversation": row["conversation"]}, row["cookie"], f"h{index}"
        )
        pairs.append((youth, helper))
    connect_start = time.perf_counter()
    semaphore = asyncio.Semaphore(100)

    async def open_side(side: Side, index: int) -> None:
        async with semaphore:
            await bench.connect(side, index)

    await asyncio.gather(*(open_side(s, i) for i, pair in enumerate(pairs) for s in pair))
    idle: list[Any] = []
    for i in range(args.idle):
        server = bench.pick(i)
        async with semaphore:
            idle.append(
                await websockets.connect(
                    f"ws://127.0.0.1:{server.port}/ws/chat/",
                    origin=f"http://127.0.0.1:{server.port}",  # type: ignore[arg-type]
                    additional_headers={"Cookie": f"sessionid={setup['idle_cookie']}"},
                    open_timeout=60,
                    ping_interval=None,
                )
            )
    connected_s = time.perf_counter() - connect_start
    readers = [
        asyncio.create_task(bench.reader(side, other, i))
        for i, (a, b) in enumerate(pairs)
        for side, other in ((a, b), (b, a))
    ]
    writers = [asyncio.create_task(bench.writer(side)) for pair in pairs for side in pair]
    writers += [asyncio.create_task(bench.heartbeat(side)) for pair in pairs for side in pair]
    fault_task = asyncio.create_task(faults(bench, redis, args.seconds)) if args.fault else None
    await asyncio.sleep(args.seconds)
    bench.running = False
    for task in writers:
        task.cancel()
    fault_info = await fault_task if fault_task is not None else {}
    # Drain: resend what is unacknowledged, then reconnect every socket once and resume.
    await asyncio.sleep(3)
    for _ in range(20):
        if not any(s.pending for pair in pairs for s in pair):
            break
        await asyncio.sleep(1)
    for task in readers:
        task.cancel()
    for pair in pairs:
        for side in pair:
            with contextlib.suppress(Exception):
                await side.ws.close()
    # Every socket resumes once more from its last sequence number (as a client does on
    # reconnect) and reads until it is quiet: what it then still lacks is lost.
    # Twice: the first round also delivers what was still unacknowledged (resent), the
    # second reads what the other side's first round stored.
    for _round in range(2):
        await asyncio.gather(
            *(
                resume_once(bench, side, i, semaphore)
                for i, pair in enumerate(pairs)
                for side in pair
            )
        )
    for ws in idle:
        with contextlib.suppress(Exception):
            await ws.close()
    lost = duplicated = messages = 0
    for youth, helper in pairs:
        for sender, receiver in ((youth, helper), (helper, youth)):
            messages += len(sender.acked)
            missing = [c for c in sender.acked if c not in receiver.shown_ids]
            lost += len(missing)
            if missing and bench.args.verbose:
                print("lost", missing[:3], "receiver last", receiver.last, file=sys.stderr)
        for side in (youth, helper):
            duplicated += sum(n - 1 for n in side.shown_seqs.values() if n > 1)
    lat = sorted(bench.stats.latencies)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0

    return {
        "conversations": len(pairs),
        "messages": messages,
        "p50_ms": round(statistics.median(lat), 1) if lat else 0.0,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(lat[-1], 1) if lat else 0.0,
        "lost": lost,
        "duplicated": duplicated,
        "unacknowledged": sum(len(s.pending) for pair in pairs for s in pair),
        "processes": len(servers),
        "layer": "redis" if redis is not None else "in-memory",
        "idle_sockets": args.idle,
        "seconds": args.seconds,
        "interval_s": args.interval,
        "connect_s": round(connected_s, 1),
        "reconnects": bench.stats.reconnects,
        "errors": bench.stats.errors,
        **fault_info,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--interval", type=float, default=10.0, help="seconds between a side's messages"
    )
    parser.add_argument("--redis", action="store_true", help="Redis channel layer (private server)")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--idle", type=int, default=0, help="idle staff sockets")
    parser.add_argument("--fault", action="store_true", help="SIGKILL one process, restart Redis")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--verbose", action="store_true", help="report lost ids on stderr")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.processes > 1 and not args.redis:
        parser.error("--processes > 1 needs --redis (the in-memory layer is one process)")
    root = Path(tempfile.mkdtemp(prefix="chat-bench-"))
    redis = Redis(root) if args.redis else None
    if redis is not None:
        redis.start()
    env = base_env(
        root,
        args.database_url,
        f"redis://127.0.0.1:{redis.port}/1" if redis else "",
        args.processes,
    )
    manage = [PY, "-m", "bovenwater.cli", "manage"]
    for command in (["migrate", "--noinput"], ["createcachetable"], ["load_reference_data"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True)
    setup_env = {**env, "BENCH_CONVERSATIONS": str(args.conversations)}
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP], env=setup_env, check=True, capture_output=True, text=True
    )
    setup = json.loads(out.stdout.strip().splitlines()[-1])
    servers = [Server(env, root, i) for i in range(args.processes)]
    try:
        for server in servers:
            server.start()
        result = asyncio.run(run(args, servers, redis, setup))
    finally:
        for server in servers:
            server.stop()
        if redis is not None:
            redis.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("kept", root, file=sys.stderr)
    with contextlib.suppress(OSError):
        result["load_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
