"""Load benchmark for the care coordinator's case list (/casussen/) and the anonymous
intake POST, against PostgreSQL.

Usage (needs a PostgreSQL server and Debian's `wrk`):

    DATABASE_URL=postgres://bovenwater:bovenwater@127.0.0.1:55433/bench_cases2 \
        .venv/bin/python bench/cases_bench.py --cases 100000 --signals 300000 \
        --connections 50 200 --think-ms 3500

Steps: migrate, load reference data, create the demo organisations and accounts (the
other demo steps are skipped), bulk-insert N cases with victim rows spread over the
four demo care coordinations and M signals (rows only, not via services: this measures
the pages, not the seeding), log the Amsterdam care coordinator in (a verified session:
password and TOTP), start gunicorn (2 workers per core) and one `db_worker` (it runs
the processing-log chaining task, as in production), then run `wrk` per concurrency
level against:

* GET /gezondheid/   a bare Django view on the same stack, the reference, with a
                     verified session (as the case list) and without one (as intake)
* GET /casussen/     the coordinator's dashboard and case list (first page of 50, the
                     deadlines, the incoming referrals; one processing-log entry per
                     request), each connection with its own verified session
* POST /api/v1/public-reports/  the anonymous intake (throttling raised for the run)

in two load models:

* closed loop, no think time: each of N connections sends its next request as soon as
  the previous answer arrives; this measures saturation (maximum throughput and the
  queueing it causes), not what N people do;
* N users with think time: each user waits a random think time, then opens a
  connection, sends one request, reads the whole answer and closes, and so on; the think
  time is exponentially distributed with mean ``--think-ms`` (also before the first
  request, so users do not start in step). Independent users with exponential think
  times send a Poisson-like stream of requests, burstier than a fixed or uniform think
  time, so it does not flatter the latencies. A latency here is from opening the
  connection to the last byte of the answer. This model is driven by a small asyncio
  client in this script, not by wrk: wrk opens its connection before the think time,
  and a gunicorn sync worker that accepted it would wait idle for the request (in
  production a buffering proxy in front prevents that), which measures the load tool
  and not the application.

It prints p50/p95 latency, requests/s and non-2xx answers as a Markdown table for
bench/README.md, the load average before and after each row, and at the end the
processing-log chain state (`verify_processing_log`).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from intake_bench import seed_signals
from server_env import ENV, PY, ROOT

LATENCY = re.compile(r"^P(50|95|99) (\d+)$", re.M)
LUA_SESSIONS = """
local sessions = {%s}
local n = 0
request = function()
  n = n + 1
  wrk.headers["Cookie"] = "sessionid=" .. sessions[(n %% #sessions) + 1]
  return wrk.format(nil)
end
"""
LUA_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"description": "Benchmark: mannen slapen in een loods.", "municipality": "GM0599"}'
"""
LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("P50 %d\\nP95 %d\\nP99 %d\\nERR %d\\nN %d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.requests))
end
"""

SEED = """
import random
from datetime import timedelta
from django.conf import settings
from django.utils import timezone
from bovenwater.core import demo as core_demo
from bovenwater.accounts.models import Organisation
from bovenwater.cases.models import Case, CaseState, VictimProfile
from bovenwater.reference.models import Nationality
core_demo.DEMO_STEPS = ()
core_demo.seed_demo()
owners = list(Organisation.objects.filter(kind="care_coordination").order_by("pk"))
have = Case.objects.count()
todo = {count} - have
rng = random.Random(11)
states = [s.value for s in CaseState]
nationalities = list(Nationality.objects.filter(code__in=["RO", "BG", "PL", "NG", "NL", "UA"]))
today = timezone.localdate()
year = today.year
batch = []
for i in range(todo):
    n = have + i + 1
    state = rng.choice(states)
    deadline = today + timedelta(days=rng.randint(-30, 90)) if state == "reflection" else None
    batch.append(Case(number=f"B-{{year}}-{{n:07d}}", owner=rng.choice(owners), state=state,
        reflection_started_on=deadline - timedelta(days=90) if deadline else None,
        reflection_deadline=deadline, b8_applicable=deadline is not None))
    if len(batch) == 5000 or i == todo - 1:
        created = Case.objects.bulk_create(batch)
        VictimProfile.objects.bulk_create([VictimProfile(case=c, estimated_age=rng.randint(16, 50),
            nationality=rng.choice(nationalities)) for c in created])
        batch = []
# The bulk insert bypassed the services: bring the case list's count table in step.
from bovenwater.cases.services import case_counts_rebuild
case_counts_rebuild()
print("cases:", Case.objects.count())
"""

LOGIN = """
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from bovenwater.accounts.middleware import SESSION_KEY
from bovenwater.accounts.models import Membership
membership = Membership.objects.get(user__username="demo.zorgcoordinator.amsterdam")
device = TOTPDevice.objects.get(user=membership.user)
for _ in range({count}):
    client = Client()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_KEY] = membership.pk
    session.save()
    print("SESSION", session.session_key)
"""


def manage(*args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True
    )
    return result.stdout


def wrk(url: str, connections: int, seconds: int, script: str) -> Result:
    threads = str(min(connections, 2))
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        script,
        url,
    ]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    values = {percentile: int(micros) / 1000 for percentile, micros in LATENCY.findall(out)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = int(re.search(r"^ERR (\d+)$", out, re.M).group(1))  # type: ignore[union-attr]
    count = int(re.search(r"^N (\d+)$", out, re.M).group(1))  # type: ignore[union-attr]
    nan = float("nan")
    return values.get("50", nan), values.get("95", nan), values.get("99", nan), rps, count, errors


def preflight(port: int, session: str) -> None:
    """The case list must answer 200 with the bench session and intake 201, or the rows
    would time redirects and refusals."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/casussen/", headers={"Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    response.read()
    status = response.status
    if status != 200:
        sys.exit(f"GET /casussen/ answered {status}, not 200")
    connection.request(
        "POST",
        "/api/v1/public-reports/",
        body=b'{"description": "Benchmark preflight.", "municipality": "GM0599"}',
        headers={"Content-Type": "application/json"},
    )
    status = connection.getresponse().status
    if status != 201:
        sys.exit(f"POST /api/v1/public-reports/ answered {status}, not 201")
    connection.close()


Result = tuple[float, float, float, float, int, int]  # p50, p95, p99 ms, req/s, n, non-2xx
POST_BODY = '{"description": "Benchmark: mannen slapen in een loods.", "municipality": "GM0599"}'


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank


async def think_time_users(
    port: int,
    path: str,
    body: str,
    sessions: list[str],
    users: int,
    mean_think: float,
    seconds: float,
) -> Result:
    """``users`` users, each: think (exponential, mean ``mean_think`` s), open a
    connection, send one request, read the answer to the end, close. Latency is from
    opening the connection to the last byte. Only requests that start within
    ``seconds`` are counted; the run waits for their answers."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    end = start + seconds
    latencies: list[float] = []
    errors = 0

    async def user(number: int) -> None:
        nonlocal errors
        rng = random.Random(number)
        cookie = f"Cookie: sessionid={sessions[number % len(sessions)]}\r\n" if sessions else ""
        method = "POST" if body else "GET"
        payload = body.encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}"
            + (
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
                if body
                else ""
            )
            + "Connection: close\r\n\r\n"
        ).encode()
        while True:
            think = rng.expovariate(1 / mean_think)
            if loop.time() + think >= end:
                return
            await asyncio.sleep(think)
            began = loop.time()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + payload)
            await writer.drain()
            answer = await reader.read()  # to EOF: the server closes
            latencies.append((loop.time() - began) * 1000)
            writer.close()
            status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
            if not 200 <= status < 300:
                errors += 1

    await asyncio.gather(*(user(number) for number in range(users)))
    ordered = sorted(latencies)
    return (
        percentile(ordered, 50),
        percentile(ordered, 95),
        percentile(ordered, 99),
        len(ordered) / seconds,
        len(ordered),
        errors,
    )


def write_script(*parts: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write("\n".join(parts))
    return handle.name


def _process_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn server (master and workers, per process)
    and the PostgreSQL processes on this machine (per process), and by the whole
    machine under ``"all"`` (from /proc; the load tool and anything else running make up
    the difference). Compare two readings with ``cpu_used``."""
    out = {"server": _process_seconds(server_pid)}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server_pid:
            out[f"server:{entry.name}"] = _process_seconds(int(entry.name))
        elif name.startswith("postgres"):
            out[f"database:{entry.name}"] = _process_seconds(int(entry.name))
    busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    idle = int(busy[3]) + int(busy[4])
    out["all"] = (sum(int(v) for v in busy[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return out


def cpu_used(start: dict[str, float], end: dict[str, float]) -> dict[str, float]:
    """Per group, the CPU used between two ``cpu_split`` readings by the processes alive
    at the end (a process that exited in between is not counted)."""
    used = {"server": 0.0, "database": 0.0, "all": end["all"] - start["all"]}
    for key, seconds in end.items():
        group = key.split(":", 1)[0]
        if group != "all":
            used[group] += seconds - start.get(key, 0.0)
    return used


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--signals", type=int, default=300_000)
    parser.add_argument("--connections", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=int, default=20, help="per closed-loop row")
    parser.add_argument("--think-ms", type=int, default=3500, help="mean think time; 0: skip")
    parser.add_argument("--think-seconds", type=int, default=40, help="per think-time row")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--models", nargs="+", default=["closed", "think"])
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="seed the database (for bench/cases_profile.py) and stop: no server, no wrk",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        help="run only the requests whose label contains one of these words, e.g. 'case list'",
    )
    args = parser.parse_args()
    if "postgres" not in ENV.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    manage("migrate", "--noinput", "-v0")
    manage("createcachetable")
    manage("collectstatic", "--noinput", "-v0")
    manage("load_reference_data", "-v0")
    print(manage("shell", "-c", SEED.format(count=args.cases)).strip())
    if args.signals:
        sys.path.insert(0, str(Path(__file__).resolve().parent))

        seed_signals(args.signals)
    print(manage("verify_processing_log").strip())  # seals what the seeding logged
    if args.seed_only:
        return 0
    # One session per connection, as with real users: a single shared session row
    # would serialise every request on the session save.
    sessions = re.findall(
        r"SESSION (\w+)", manage("shell", "-c", LOGIN.format(count=max(args.connections)))
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bovenwater.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(args.workers),
        ],
        cwd=ROOT,
        env=ENV,
    )
    worker = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--interval", "1", "--no-startup-delay"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
    )
    time.sleep(8)
    try:
        preflight(args.port, sessions[0])
        session_lua = LUA_SESSIONS % ", ".join(f'"{key}"' for key in sessions)
        for path in ("/gezondheid/", "/casussen/"):  # warm every worker up
            subprocess.run(
                [
                    "wrk",
                    "-t1",
                    "-c8",
                    "-d5s",
                    "-s",
                    write_script(session_lua, LUA_DONE),
                    f"http://127.0.0.1:{args.port}{path}",
                ],
                capture_output=True,
                check=False,
            )
        requests = (
            ("bare Django view GET /gezondheid/ (verified session)", "/gezondheid/", True, ""),
            ("coordinator's case list GET /casussen/", "/casussen/", True, ""),
            ("bare Django view GET /gezondheid/ (no session)", "/gezondheid/", False, ""),
            (
                "anonymous intake POST /api/v1/public-reports/",
                "/api/v1/public-reports/",
                False,
                POST_BODY,
            ),
        )
        if args.only:
            requests = tuple(r for r in requests if any(word in r[0] for word in args.only))
        server_label = f"{args.workers} gunicorn sync workers"
        rows = []

        cpu_start: dict[str, float] = {}

        def row(model: str, label: str, users: int, result: Result, before: float) -> None:
            p50, p95, p99, rps, count, errors = result
            used = cpu_used(cpu_start, cpu_split(server.pid))
            per_request = " / ".join(
                f"{used[k] * 1000 / max(count, 1):.1f}" for k in ("server", "database", "all")
            )
            rows.append(
                f"| {model} ({server_label}) | {label} | {users} | {p50:.1f} | {p95:.1f} | {p99:.1f} "
                f"| {rps:.0f} | {count} | {errors} | {per_request} "
                f"| {before:.1f} / {os.getloadavg()[0]:.1f} |"
            )
            print(rows[-1], flush=True)

        if "closed" in args.models:
            for users in args.connections:
                for label, path, with_session, body in requests:
                    script = write_script(
                        session_lua if with_session else "", LUA_POST if body else "", LUA_DONE
                    )
                    before = os.getloadavg()[0]
                    cpu_start.clear()
                    cpu_start.update(cpu_split(server.pid))
                    result = wrk(f"http://127.0.0.1:{args.port}{path}", users, args.seconds, script)
                    row("closed loop, no think time", label, users, result, before)
        if "think" in args.models and args.think_ms:
            model = f"users, think time exp. mean {args.think_ms / 1000:g} s"
            for users in args.connections:
                for label, path, with_session, body in requests:
                    before = os.getloadavg()[0]
                    cpu_start.clear()
                    cpu_start.update(cpu_split(server.pid))
                    result = asyncio.run(
                        think_time_users(
                            args.port,
                            path,
                            body,
                            sessions if with_session else [],
                            users,
                            args.think_ms / 1000,
                            args.think_seconds,
                        )
                    )
                    row(model, label, users, result, before)
        print(
            "| load model | request | users | p50 ms | p95 ms | p99 ms | req/s | requests "
            "| non-2xx | CPU ms per request: server / database / whole machine "
            "| load avg before / after |\n|---|---|---|---|---|---|---|---|---|---|---|"
        )
        print("\n".join(rows))
    finally:
        server.terminate()
        worker.terminate()
        server.wait()
        worker.wait()
    print(manage("verify_processing_log", "--no-chain").strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
