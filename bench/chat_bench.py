"""Chat load benchmark: an asyncio WebSocket client against the real ASGI server.

    .venv/bin/python bench/chat_bench.py --conversations 200 --seconds 60

starts the server itself on the embedded default (one uvicorn process, Channels'
in-memory layer, SQLite in a temporary directory) on a free local port, sets up a chat
team with helpers (capacity 4) and the conversations, opens two sockets per
conversation (young person and helper), lets both sides send a message every
``--interval`` seconds (with jitter) and measures delivery latency from send to receive
at the other side. Options: ``--redis`` starts a private Redis on a free port and uses
it as channel layer, ``--processes N`` starts N ASGI processes (Redis needed) as
production does, a gunicorn master with N uvicorn workers on one port
(``bench/chat_gunicorn.py``; ``--topology separate``: N uvicorn processes on ports of
their own that the client spreads the sockets over), ``--idle N`` opens N idle staff
sockets, ``--fault`` kills one ASGI process with SIGKILL at a third of the run (the
gunicorn master replaces it; separate processes are started again by the bench) and
restarts Redis halfway; clients reconnect with the page's back-off and resume from
their last sequence number. ``--database-url`` uses another database (PostgreSQL).

Set-up is bulk (one transaction: helpers with a confirmed second factor and a session,
the conversations already assigned, 4 per helper); every socket is driven from this one
asyncio process. Each phase is bounded by time and prints progress on stderr: connect
(until the server answered every socket's hello with its state, ``--connect-timeout``),
run (``--seconds``), drain (resend until every message is acknowledged,
``--drain-timeout``), settle (every socket pings, as the page's heartbeat
does, so the server reads the database beyond what it sent; broken sockets resume from
their last sequence number; ``--settle-timeout``). Then every message a side had
acknowledged is looked for at the other side: ``lost`` counts those never shown,
``duplicated`` sequence numbers shown twice. ``--create-database`` drops and creates the
``--database-url`` PostgreSQL database first. Every socket reports each message it shows
as read, as the page does (``--no-reads`` leaves that out). The last line printed is one
JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
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
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from bovenwater.accounts import services as accounts
from bovenwater.accounts.middleware import SESSION_KEY
from bovenwater.accounts.models import Membership, User
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.chat import keys
from bovenwater.chat.models import (
    Conversation, ConversationState, Helper, OpeningHours, Participant, ParticipantRole,
    Presence, Team,
)
from bovenwater.reference.models import Municipality

# Bulk set-up (the benchmark measures delivery, not set-up): the team, helpers with a
# confirmed second factor and a logged-in session each, and the conversations already
# assigned (4 per helper), as services.conversation_start + assign_queued leave them.
n = int(os.environ["BENCH_CONVERSATIONS"])
now = timezone.now()
with transaction.atomic():
    org = accounts.organisation_create(name="Benchdienst", kind=OrganisationKind.NGO,
        municipality=Municipality.objects.get(code="GM0363"))
    team = Team.objects.create(organisation=org, name="Bench", max_queue=min(n + 10, 32000))
    OpeningHours.objects.bulk_create(
        OpeningHours(team=team, weekday=d, opens=time(0), closes=time(0)) for d in range(7))
    k = (n + 3) // 4 + 1
    unusable = User(username="x")
    unusable.set_unusable_password()
    users = User.objects.bulk_create(
        User(username=f"bench{i}", password=unusable.password) for i in range(k))
    devices = TOTPDevice.objects.bulk_create(
        TOTPDevice(user=u, name="bench", confirmed=True) for u in users)
    members = Membership.objects.bulk_create(
        Membership(user=u, organisation=org, role=Role.CHAT_HELPER, is_active=True)
        for u in users)
    helpers = Helper.objects.bulk_create(
        Helper(membership=m, team=team, display_name=f"H{i}", presence=Presence.AVAILABLE,
               capacity=4, presence_changed_at=now) for i, m in enumerate(members))
    store = SessionStore()
    sessions = []
    for user, device, member in zip(users, devices, members):
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            "otp_device_id": device.persistent_id,
            SESSION_KEY: member.pk,
        }
        sessions.append(Session(session_key=store._get_new_session_key(),
            session_data=store.encode(data),
            expire_date=now + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)))
    Session.objects.bulk_create(sessions)
    tokens = [keys.new_token() for _ in range(n)]
    conversations = Conversation.objects.bulk_create(
        (Conversation(team=team, token_digest=keys.token_digest(t), state=ConversationState.ACTIVE,
                      helper=helpers[i // 4], assigned_at=now) for i, t in enumerate(tokens)),
        batch_size=1000)
    Participant.objects.bulk_create(
        (Participant(conversation=c, membership=members[i // 4], role=ParticipantRole.HELPER)
         for i, c in enumerate(conversations)), batch_size=1000)
rows = [{"token": t, "conversation": c.pk, "cookie": sessions[i // 4].session_key}
        for i, (t, c) in enumerate(zip(tokens, conversations))]
print(json.dumps({"rows": rows, "idle_cookie": sessions[-1].session_key}))
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
        self.cpu_before = 0.0  # CPU seconds of instances killed earlier
        self.ready = False  # answers its health check (what a load balancer checks)

    def cpu_s(self) -> float:
        """CPU seconds (user + system) of this server, killed instances included."""
        total = self.cpu_before
        if self.alive:
            assert self.process is not None
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1]
                parts = fields.split()
                total += (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
        return total

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
                self.ready = True
                return
            time.sleep(0.1)
        raise SystemExit(f"server {self.index} did not start")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None:
            self.cpu_before = self.cpu_s()
            self.ready = False
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


class Supervised(Server):
    """N ASGI processes as production runs them (docs/deployment.md): a gunicorn master
    with N uvicorn workers on one port (``bench/chat_gunicorn.py``). The kernel hands each
    new connection to a worker; the master starts a killed worker again at once."""

    def __init__(self, env: dict[str, str], root: Path, workers: int) -> None:
        super().__init__({**env, "WEB_CONCURRENCY": str(workers)}, root, 0)
        self.workers = workers

    def start(self) -> None:
        gunicorn = Path(PY).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", str(ROOT / "bench" / "chat_gunicorn.py"),
             "bovenwater.asgi:application", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}"],
            env=self.env, stdout=(self.root / "web.log").open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(1800):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/gezondheid/", timeout=2)
                if len(self.worker_pids()) == self.workers:
                    self.ready = True
                    return
            time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        if not self.alive:
            return []
        assert self.process is not None
        pid = self.process.pid
        with contextlib.suppress(OSError):
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return []

    def cpu_s(self) -> float:
        """CPU seconds of the master, its workers, and the workers it reaped (killed)."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for index, pid in enumerate([self.process.pid if self.process else 0, *self.worker_pids()]):
            with contextlib.suppress(OSError, IndexError, ValueError):
                parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(parts[11]) + int(parts[12])) / tick
                if index == 0:  # cutime + cstime: children the master waited for
                    total += (int(parts[13]) + int(parts[14])) / tick
        return total

    def stop(self) -> None:
        """Stop the master, and its workers even if it did not wait for them."""
        workers = self.worker_pids()
        if self.alive:
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in workers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def sockets_per_worker(self) -> list[int]:
        """Open sockets of each worker (how the kernel spread the connections)."""
        counts = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                fds = Path(f"/proc/{pid}/fd").iterdir()
                counts.append(sum(1 for fd in fds if os.readlink(fd).startswith("socket:")))
        return counts

    def kill_worker(self) -> float:
        """SIGKILL one worker; seconds until the master runs a replacement."""
        before = self.worker_pids()
        os.kill(before[-1], signal.SIGKILL)
        start = time.perf_counter()
        while time.perf_counter() - start < 60:
            now = self.worker_pids()
            if len(now) == self.workers and before[-1] not in now:
                break
            time.sleep(0.01)
        return time.perf_counter() - start


@dataclass
class Side:
    """One socket of a conversation: what it sent (and got acknowledged) and showed."""

    hello: dict[str, Any]
    cookie: str
    name: str
    index: int
    last: int = 0
    acked: set[str] = field(default_factory=set)
    pending: dict[str, str] = field(default_factory=dict)
    shown_ids: dict[str, int] = field(default_factory=dict)
    shown_seqs: dict[int, int] = field(default_factory=dict)
    ws: Any = None
    connected: bool = False
    greeted: bool = False  # the server answered the first hello (its state)
    failures: int = 0  # connection failures in a row (the page's back-off)


def backoff(failures: int) -> float:
    """Seconds before the next connection attempt, as the page's chat.js: doubling from
    a quarter second up to 5 s, each with jitter (half to one and a half times), so the
    sockets of a killed process do not all come back in one wave."""
    base = min(5.0, 0.25 * 2 ** (failures - 1))
    return float(base / 2 + random.random() * base)


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)


def progress(text: str) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"[{time.strftime('%H:%M:%S')} load {load:.1f}] {text}", file=sys.stderr, flush=True)


class Bench:
    """Drives every socket from one event loop; each phase is bounded by time."""

    def __init__(self, servers: list[Server], args: argparse.Namespace) -> None:
        self.servers = servers
        self.args = args
        self.alive = True  # readers keep (re)connecting
        self.running = False  # writers send
        self.counter = 0
        self.t0 = self.run_t0 = time.perf_counter()
        self.latencies: list[tuple[float, float]] = []  # (sent at, ms) since t0
        self.sent_at: dict[str, float] = {}
        self.sent = self.shown = self.reconnects = self.errors = 0
        self.gate = asyncio.Semaphore(args.connect_concurrency)

    def pick(self, index: int) -> Server:
        # As a load balancer with health checks: a restarting process gets no sockets.
        live = [s for s in self.servers if s.alive and s.ready] or self.servers
        return live[index % len(live)]

    async def open(self, index: int, cookie: str) -> Any:
        server = self.pick(index)
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        return await websockets.connect(
            f"ws://127.0.0.1:{server.port}/ws/chat/",
            origin=f"http://127.0.0.1:{server.port}",  # type: ignore[arg-type]
            additional_headers=headers,
            open_timeout=30,
            close_timeout=2,
            ping_interval=None,
            max_queue=None,
        )

    async def connect(self, side: Side) -> None:
        """(Re)connect, say hello with the last sequence number shown, resend what is
        unacknowledged: what the page's client does."""
        while self.alive:
            try:
                async with self.gate:
                    side.ws = await self.open(side.index, side.cookie)
                    await side.ws.send(json.dumps({**side.hello, "after": side.last}))
                    for client_id, body in list(side.pending.items()):
                        await side.ws.send(
                            json.dumps({"type": "send", "id": client_id, "body": body})
                        )
                side.connected = True
                side.failures = 0
                return
            except (OSError, websockets.WebSocketException, TimeoutError):
                self.reconnects += 1
                side.failures += 1
                await asyncio.sleep(backoff(side.failures))

    async def reader(self, side: Side) -> None:
        own = side.name + "-"
        while self.alive:
            if not side.connected:
                await self.connect(side)
                continue
            try:
                raw = await side.ws.recv()
            except (websockets.ConnectionClosed, OSError):
                side.connected = False
                if self.alive:
                    self.reconnects += 1
                    side.failures += 1
                    await asyncio.sleep(backoff(side.failures))
                continue
            now = time.perf_counter()
            event = json.loads(raw)
            kind = event.get("type")
            if kind == "msg":
                seq = event["seq"]
                side.shown_seqs[seq] = side.shown_seqs.get(seq, 0) + 1
                side.last = max(side.last, seq)
                if self.args.reads and side.connected:  # as the page's markRead
                    with contextlib.suppress(Exception):
                        await side.ws.send(json.dumps({"type": "read", "seq": side.last}))
                client_id = event.get("id") or ""
                if client_id and not client_id.startswith(own):
                    count = side.shown_ids.get(client_id, 0) + 1
                    side.shown_ids[client_id] = count
                    sent = self.sent_at.get(client_id)
                    if count == 1 and sent is not None:
                        self.shown += 1
                        self.latencies.append((sent - self.t0, (now - sent) * 1000))
            elif kind == "state":
                side.greeted = True
            elif kind == "ack":
                client_id = event.get("id")
                if client_id in side.pending:
                    del side.pending[client_id]
                    side.acked.add(client_id)
            elif kind == "error":
                self.errors += 1

    async def writer(self, side: Side) -> None:
        await asyncio.sleep(random.random() * self.args.interval)
        while self.running:
            self.counter += 1
            client_id = f"{side.name}-{self.counter}"
            body = f"bericht {self.counter} " + "x" * 40
            side.pending[client_id] = body
            self.sent_at[client_id] = time.perf_counter()
            self.sent += 1
            if side.connected:  # otherwise connect() resends it
                with contextlib.suppress(Exception):
                    await side.ws.send(json.dumps({"type": "send", "id": client_id, "body": body}))
            await asyncio.sleep(self.args.interval * (0.5 + random.random()))

    async def heartbeat(self, side: Side) -> None:
        """The page's heartbeat: a ping every 15 s (the server then rejoins its groups
        and reads what the database holds beyond what it sent)."""
        await asyncio.sleep(random.random() * 15)
        while self.alive:
            if side.connected:
                with contextlib.suppress(Exception):
                    await side.ws.send(json.dumps({"type": "ping"}))
            await asyncio.sleep(15)


def missing(pairs: list[tuple[Side, Side]]) -> int:
    return sum(
        1
        for youth, helper in pairs
        for sender, receiver in ((youth, helper), (helper, youth))
        for client_id in sender.acked
        if client_id not in receiver.shown_ids
    )


async def faults(bench: Bench, redis: Redis | None, seconds: float) -> dict[str, float]:
    done: dict[str, float] = {}
    await asyncio.sleep(seconds / 3)
    victim = bench.servers[-1]
    if isinstance(victim, Supervised):
        done["kill_at_s"] = round(time.perf_counter() - bench.run_t0, 1)
        respawn = await asyncio.to_thread(victim.kill_worker)
        progress(f"fault: SIGKILL of one gunicorn worker; replaced after {respawn:.2f} s")
        done["restarted_after_s"] = round(respawn, 2)
    else:
        victim.kill()
        done["kill_at_s"] = round(time.perf_counter() - bench.run_t0, 1)
        progress(f"fault: SIGKILL of ASGI process {victim.index}; a supervisor starts it again")
        await asyncio.to_thread(victim.start)
        done["restarted_after_s"] = round(time.perf_counter() - bench.run_t0 - done["kill_at_s"], 1)
    if redis is not None:
        await asyncio.sleep(max(0.0, bench.run_t0 + seconds / 2 - time.perf_counter()))
        progress("fault: Redis restart (its groups and queued notices are gone)")
        redis.stop()
        redis.start()
        done["redis_restart_at_s"] = round(time.perf_counter() - bench.run_t0, 1)
    return done


async def wait_phase(name: str, limit: float, done: Any, report: Any) -> float:
    """Wait until ``done()`` or ``limit`` seconds; progress every few seconds."""
    start = time.perf_counter()
    last = start
    while not done() and time.perf_counter() - start < limit:
        await asyncio.sleep(0.25)
        if time.perf_counter() - last >= 5:
            last = time.perf_counter()
            progress(f"{name} {last - start:.0f}/{limit:.0f} s: {report()}")
    return round(time.perf_counter() - start, 1)


async def run(
    args: argparse.Namespace, servers: list[Server], redis: Redis | None, setup: dict[str, Any]
) -> dict[str, Any]:
    bench = Bench(servers, args)
    bench.run_t0 = time.perf_counter()
    pairs: list[tuple[Side, Side]] = []
    for index, row in enumerate(setup["rows"]):
        youth = Side({"type": "hello", "token": row["token"]}, "", f"y{index}", index)
        helper = Side(
            {"type": "hello", "conversation": row["conversation"]},
            row["cookie"],
            f"h{index}",
            index + 1,  # the other process when there are two
        )
        pairs.append((youth, helper))
    sides = [side for pair in pairs for side in pair]
    phases: dict[str, float] = {}

    # 1. Connect every conversation socket (hello) and the idle staff sockets.
    readers = [asyncio.create_task(bench.reader(side)) for side in sides]
    idle: dict[int, Any] = {}  # the idle sockets' current connections

    async def open_idle(i: int) -> None:
        """An open staff page without a conversation: it reconnects (with the page's
        back-off) when its process dies, but sends nothing."""
        failures = 0
        while bench.alive:
            try:
                async with bench.gate:
                    ws = await bench.open(i, setup["idle_cookie"])
                idle[i] = ws
                failures = 0
                await ws.wait_closed()
            except (OSError, websockets.WebSocketException, TimeoutError):
                pass
            if bench.alive:
                failures += 1
                bench.reconnects += 1
                await asyncio.sleep(backoff(failures))

    idle_tasks = [asyncio.create_task(open_idle(i)) for i in range(args.idle)]

    def connected() -> int:
        return sum(1 for s in sides if s.connected)

    def greeted() -> int:
        return sum(1 for s in sides if s.greeted)

    phases["connect_s"] = await wait_phase(
        "connect",
        args.connect_timeout,
        lambda: greeted() == len(sides) and len(idle) == args.idle,
        lambda: (
            f"{greeted()}/{len(sides)} conversation sockets answered, {len(idle)}/{args.idle} idle"
        ),
    )
    connected_at_start, idle_at_start = connected(), len(idle)
    progress(f"connected {connected_at_start}/{len(sides)} + {idle_at_start} idle; run starts")

    # 2. Run: both sides write every ~interval seconds; faults midway.
    bench.running = True
    bench.run_t0 = bench.t0 = time.perf_counter()
    cpu_at_run = sum(s.cpu_s() for s in servers)
    writers = [asyncio.create_task(bench.writer(side)) for side in sides]
    beats = [asyncio.create_task(bench.heartbeat(side)) for side in sides]
    fault_task = asyncio.create_task(faults(bench, redis, args.seconds)) if args.fault else None
    end = time.perf_counter() + args.seconds
    window = 0
    while time.perf_counter() < end:
        await asyncio.sleep(min(5.0, max(0.0, end - time.perf_counter())))
        recent = [ms for _, ms in bench.latencies[window:]]
        window = len(bench.latencies)
        progress(
            f"run {time.perf_counter() - bench.run_t0:.0f}/{args.seconds:.0f} s: sent "
            f"{bench.sent}, shown {bench.shown}, open {connected()}/{len(sides)}, "
            f"reconnects {bench.reconnects}, last 5 s p50 {pct(recent, 0.5)} ms "
            f"p99 {pct(recent, 0.99)} ms"
            + "".join(
                f", sockets per worker {s.sockets_per_worker()}"
                for s in servers
                if isinstance(s, Supervised)
            )
        )
    bench.running = False
    run_cpu = sum(s.cpu_s() for s in servers) - cpu_at_run
    sent_in_run = bench.sent
    for task in writers:
        task.cancel()
    fault_info = await fault_task if fault_task is not None else {}

    # 3. Drain: what is not yet acknowledged is resent (on reconnect) until it is.
    def unacked() -> int:
        return sum(len(s.pending) for s in sides)

    phases["drain_s"] = await wait_phase(
        "drain", args.drain_timeout, lambda: unacked() == 0, lambda: f"{unacked()} unacknowledged"
    )

    # 4. Settle: every socket pings (the server rejoins its groups and reads the database
    # beyond what it sent, as on the page's heartbeat); a broken socket reconnects and
    # resumes from its last number. Wait until every acknowledged message is shown at the
    # other side, or the time is up: what is then still not shown is lost.
    async def ping_all() -> None:
        for side in sides:
            if side.connected:
                with contextlib.suppress(Exception):
                    await side.ws.send(json.dumps({"type": "ping"}))

    await ping_all()
    phases["settle_s"] = await wait_phase(
        "settle",
        args.settle_timeout,
        lambda: missing(pairs) == 0,
        lambda: f"{missing(pairs)} acknowledged messages not shown yet",
    )
    bench.alive = False
    for task in [*readers, *beats, *idle_tasks]:
        task.cancel()
    await asyncio.gather(*readers, *beats, *idle_tasks, return_exceptions=True)
    await asyncio.gather(
        *(s.ws.close() for s in sides if s.ws is not None),
        *(ws.close() for ws in idle.values()),
        return_exceptions=True,
    )

    if args.latencies:  # every message: seconds after the run began, latency in ms
        Path(args.latencies).write_text(
            json.dumps([[round(a, 3), round(b, 1)] for a, b in bench.latencies])
        )
    lost = missing(pairs)
    duplicated = sum(n - 1 for s in sides for n in s.shown_seqs.values() if n > 1)
    all_ms = [ms for _, ms in bench.latencies]
    kill_at = fault_info.get("kill_at_s")
    steady = [ms for at, ms in bench.latencies if kill_at is None or at < kill_at]
    return {
        "conversations": len(pairs),
        "messages": sum(len(s.acked) for s in sides),
        "p50_ms": round(statistics.median(all_ms), 1) if all_ms else 0.0,
        "p95_ms": pct(all_ms, 0.95),
        "p99_ms": pct(all_ms, 0.99),
        "max_ms": round(max(all_ms), 1) if all_ms else 0.0,
        "lost": lost,
        "duplicated": duplicated,
        "unacknowledged": unacked(),
        "before_fault_p50_ms": round(statistics.median(steady), 1) if steady else 0.0,
        "before_fault_p99_ms": pct(steady, 0.99),
        "processes": args.processes,
        "topology": args.topology if args.processes > 1 else "single",
        "layer": "redis" if redis is not None else "in-memory",
        "connected_at_start": connected_at_start,
        "idle_sockets": idle_at_start,
        "seconds": args.seconds,
        "interval_s": args.interval,
        "reads": args.reads,
        # Server CPU (all processes) in the run phase per message sent in it: each message
        # is stored once and shown at the other side (and read there, unless --no-reads).
        "run_server_cpu_s": round(run_cpu, 1),
        "server_cpu_ms_per_message": round(1000 * run_cpu / sent_in_run, 2) if sent_in_run else 0,
        **phases,
        "reconnects": bench.reconnects,
        "errors": bench.errors,
        **fault_info,
    }


def create_database(url: str) -> None:
    """Drop and create the PostgreSQL database named in ``url`` (a bench database)."""
    import psycopg  # noqa: PLC0415 - only for this option

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60, help="length of the run phase")
    parser.add_argument(
        "--interval", type=float, default=10.0, help="seconds between a side's messages"
    )
    parser.add_argument("--redis", action="store_true", help="Redis channel layer (private server)")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--topology",
        choices=("gunicorn", "separate"),
        default="gunicorn",
        help="with --processes > 1: one gunicorn master with N uvicorn workers on one port "
        "(production, the default), or N uvicorn processes on ports of their own that the "
        "client spreads sockets over (the killed one is started again from scratch)",
    )
    parser.add_argument("--idle", type=int, default=0, help="idle staff sockets")
    parser.add_argument("--fault", action="store_true", help="SIGKILL one process, restart Redis")
    parser.add_argument(
        "--no-reads",
        dest="reads",
        action="store_false",
        help="do not report read state (the page reports every message shown as read)",
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--create-database",
        action="store_true",
        help="drop and create the --database-url PostgreSQL database first",
    )
    parser.add_argument("--connect-concurrency", type=int, default=200)
    parser.add_argument("--connect-timeout", type=float, default=180)
    parser.add_argument("--drain-timeout", type=float, default=60)
    parser.add_argument("--settle-timeout", type=float, default=120)
    parser.add_argument("--latencies", default="", help="write every latency to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.processes > 1 and not args.redis:
        parser.error("--processes > 1 needs --redis (the in-memory layer is one process)")
    wall0 = time.perf_counter()
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
    if args.create_database and args.database_url:
        create_database(args.database_url)
    manage = [PY, "-m", "bovenwater.cli", "manage"]
    progress("set-up: migrate, reference data, bulk data")
    for command in (["migrate", "--noinput"], ["createcachetable"], ["load_reference_data"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True)
    migrated = time.perf_counter()
    setup_env = {**env, "BENCH_CONVERSATIONS": str(args.conversations)}
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP], env=setup_env, check=True, capture_output=True, text=True
    )
    setup = json.loads(out.stdout.strip().splitlines()[-1])
    setup_s = round(time.perf_counter() - migrated, 1)
    progress(f"set-up done: {args.conversations} conversations in {setup_s} s; servers start")
    servers: list[Server] = (
        [Supervised(env, root, args.processes)]
        if args.processes > 1 and args.topology == "gunicorn"
        else [Server(env, root, i) for i in range(args.processes)]
    )
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    try:
        for server in servers:
            server.start()
        result = asyncio.run(run(args, servers, redis, setup))
        server_cpu = [round(s.cpu_s(), 1) for s in servers]
    finally:
        for server in servers:
            server.stop()
        if redis is not None:
            redis.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("kept", root, file=sys.stderr)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    result["migrate_s"] = round(migrated - wall0, 1)
    result["setup_s"] = setup_s
    result["wall_s"] = round(time.perf_counter() - wall0, 1)
    result["client_cpu_s"] = round(cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime, 1)
    result["server_cpu_s"] = server_cpu
    with contextlib.suppress(OSError):
        result["load_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
