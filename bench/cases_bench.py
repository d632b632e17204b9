"""Load benchmark for the care coordinator's case list (/casussen/), against PostgreSQL.

Usage (needs a PostgreSQL server and Debian's `wrk`):

    DATABASE_URL=postgres://bovenwater@127.0.0.1:55451/bench_cases \
        .venv/bin/python bench/cases_bench.py --cases 100000 --connections 50 200

Steps: migrate, load reference data, create the demo organisations and accounts (the
other demo steps are skipped), bulk-insert N cases with victim rows spread over the
four demo care coordinations (rows only, not via services: this measures the page, not
the seeding), log the Amsterdam care coordinator in (a verified session: password and
TOTP), start gunicorn (2 workers per core), then run `wrk` per concurrency level
against:

* GET /casussen/     the coordinator's dashboard and case list (first page of 50, the
                     deadlines, the incoming referrals; two processing-log entries
                     per request), each connection with its own verified session
* GET /gezondheid/   a bare Django view on the same stack, the reference

and print p50/p95 latency and requests/s as a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    **os.environ,
    "DEBUG": "false",
    "DEMO_MODE": "true",
    "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "PSEUDONYM_KEY": "bench",
    "LOG_LEVEL": "WARNING",
}
PY = str(ROOT / ".venv" / "bin" / "python")
LATENCY = re.compile(r"^P(50|95) (\d+)$", re.M)
LUA = """
local sessions = {%s}
local n = 0
request = function()
  n = n + 1
  wrk.headers["Cookie"] = "sessionid=" .. sessions[(n %% #sessions) + 1]
  return wrk.format(nil)
end
done = function(summary, latency, requests)
  io.write(string.format("P50 %%d\\nP95 %%d\\nERR %%d\\n", latency:percentile(50),
    latency:percentile(95), summary.errors.status))
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


def wrk(url: str, connections: int, seconds: int, script: str) -> tuple[float, float, float, int]:
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
    return values.get("50", float("nan")), values.get("95", float("nan")), rps, errors


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--connections", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = parser.parse_args()
    if "postgres" not in ENV.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    manage("load_reference_data", "-v0")
    print(manage("shell", "-c", SEED.format(count=args.cases)).strip())
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
    time.sleep(8)
    for path in ("/gezondheid/", "/casussen/"):  # warm every worker up
        subprocess.run(
            ["wrk", "-t1", "-c4", "-d3s", f"http://127.0.0.1:{args.port}{path}"],
            capture_output=True,
            check=False,
        )
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(LUA % ", ".join(f'"{key}"' for key in sessions))
        rows = []
        for connections in args.connections:
            for label, path in (
                ("bare Django view GET /gezondheid/", "/gezondheid/"),
                ("coordinator's case list GET /casussen/", "/casussen/"),
            ):
                p50, p95, rps, errors = wrk(
                    f"http://127.0.0.1:{args.port}{path}", connections, args.seconds, handle.name
                )
                rows.append(
                    f"| {label} | {connections} | {p50:.1f} | {p95:.1f} | {rps:.0f} | {errors} |"
                )
        print(
            "| request | concurrent | p50 ms | p95 ms | req/s | non-2xx |\n|---|---|---|---|---|---|"
        )
        print("\n".join(rows))
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
