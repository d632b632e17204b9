"""Load benchmark for the anonymous intake POST and the signal list, against PostgreSQL.

Usage (needs a PostgreSQL server and Debian's `wrk`):

    DATABASE_URL=postgres://bovenwater:bovenwater@127.0.0.1:55433/bench \
        .venv/bin/python bench/intake_bench.py --signals 300000 --connections 50 200

Steps: migrate, load reference data, seed demo accounts, bulk-insert N signals spread
over the demo region (rows only, not via services: this measures reads and writes of
the web stack, not the seeding), start gunicorn (2 workers per core), then run `wrk`
for 30 s per concurrency level against:

* POST /api/v1/public-reports/  (anonymous intake, throttling raised for the run)
* GET  /gezondheid/             (a bare Django view on the same stack, the reference)

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

from server_env import ENV, PY, ROOT

LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("P50 %d\\nP95 %d\\n", latency:percentile(50), latency:percentile(95)))
end
"""
LUA_POST = (
    """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"description": "Benchmark: mannen slapen in een loods.", "municipality": "GM0599"}'
"""
    + LUA_DONE
)
LATENCY = re.compile(r"^P(50|95) (\d+)$", re.M)


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def seed_signals(count: int) -> None:
    code = f"""
import random
from datetime import timedelta
from django.utils import timezone
from bovenwater.intake.models import Signal, SignalRecipient
from bovenwater.accounts.models import Organisation
from bovenwater.reference.models import Municipality
have = Signal.objects.count()
todo = {count} - have
rng = random.Random(7)
munis = list(Municipality.objects.filter(police_unit__name__in=["Rotterdam", "Amsterdam", "Limburg", "Oost-Nederland"]))
orgs = list(Organisation.objects.filter(kind="municipality"))
batch = []
now = timezone.now()
for i in range(todo):
    n = have + i
    batch.append(Signal(reference=f"B-{{n:08d}}", kind="professional", state=rng.choice(["new", "assessing", "no_action", "forwarded"]),
        urgency="normal", due_date=(now + timedelta(days=rng.randint(-20, 10))).date(), description="Bench signaal",
        crime_municipality=rng.choice(munis)))
    if len(batch) == 5000:
        created = Signal.objects.bulk_create(batch)
        SignalRecipient.objects.bulk_create([SignalRecipient(signal=s, organisation=rng.choice(orgs), reason="routed", is_lead=True) for s in created])
        batch = []
if batch:
    created = Signal.objects.bulk_create(batch)
    SignalRecipient.objects.bulk_create([SignalRecipient(signal=s, organisation=rng.choice(orgs), reason="routed", is_lead=True) for s in created])
from bovenwater.intake.counts import signal_counts_rebuild
signal_counts_rebuild()  # rows were written in bulk, past the services
print("signals:", Signal.objects.count())
"""
    subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=ENV, check=True)


def wrk(url: str, connections: int, seconds: int, script: str) -> tuple[float, float, float]:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script, url]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    values = {percentile: int(micros) / 1000 for percentile, micros in LATENCY.findall(out)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return values.get("50", float("nan")), values.get("95", float("nan")), rps


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signals", type=int, default=300_000)
    parser.add_argument("--connections", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if "postgres" not in ENV.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    manage("load_reference_data", "-v0")
    manage("seed_demo")
    seed_signals(args.signals)
    workers = str(2 * (os.cpu_count() or 1))
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bovenwater.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            workers,
        ],
        cwd=ROOT,
        env=ENV,
    )
    time.sleep(4)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(LUA_POST)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as get_handle:
            get_handle.write(LUA_DONE)
        rows = []
        for connections in args.connections:
            for label, path, script in (
                ("bare Django view GET /gezondheid/", "/gezondheid/", get_handle.name),
                (
                    "anonymous intake POST /api/v1/public-reports/",
                    "/api/v1/public-reports/",
                    handle.name,
                ),
            ):
                p50, p95, rps = wrk(
                    f"http://127.0.0.1:{args.port}{path}", connections, args.seconds, script
                )
                rows.append(f"| {label} | {connections} | {p50:.1f} | {p95:.1f} | {rps:.0f} |")
        print("| request | concurrent | p50 ms | p95 ms | req/s |\n|---|---|---|---|---|")
        print("\n".join(rows))
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
