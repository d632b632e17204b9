"""CPU per request of the coordinator's case list, in process (no network, no gunicorn).

Usage (on a database seeded by ``bench/cases_bench.py``):

    DATABASE_URL=postgres://bovenwater:bovenwater@127.0.0.1:55433/bench_cases2 \
        PYTHONPATH=src .venv/bin/python bench/cases_profile.py --repeat 50 [--profile]

Logs the Amsterdam demo care coordinator in with a verified session (password + TOTP),
warms up, then requests ``--path`` ``--repeat`` times with Django's test client and
prints the Python CPU time per request (``time.process_time``: this process only, so
the database server's own work is not in it), the mean CPU time of the PostgreSQL
server process serving the connection (read from /proc, so the server must run on
this machine), the wall time, the number of SQL queries
and processing-log entries per request, and with ``--profile`` the top of a cProfile.
CPU time hardly depends on what else runs on the machine; wall time does.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
for key, value in {
    "DJANGO_SETTINGS_MODULE": "bovenwater.settings",
    "DEBUG": "false",
    "DEMO_MODE": "true",
    "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "PSEUDONYM_KEY": "bench",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(key, value)


def _backend_ticks(connection: Any) -> int:
    """CPU clock ticks (user + system) used so far by this connection's server process.

    Only meaningful when the database server runs on this machine (read from /proc).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", default="/casussen/")
    parser.add_argument(
        "--user",
        action="append",
        help="demo user(s) to measure, e.g. demo.contactpersoon.amsterdam for the home "
        "page `--path /` (default: demo.zorgcoordinator.amsterdam); repeatable",
    )
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bovenwater.accounts.middleware import SESSION_KEY
    from bovenwater.accounts.models import Membership
    from bovenwater.audit.models import ProcessingLogEntry

    for username in args.user or ["demo.zorgcoordinator.amsterdam"]:
        membership = Membership.objects.filter(user__username=username).first()
        if membership is None:
            print(f"{username}: no such demo user", file=sys.stderr)
            return 2
        client = Client()
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=membership.user).persistent_id
        session[SESSION_KEY] = membership.pk
        session.save()
        for _ in range(5):
            assert client.get(args.path).status_code == 200
        before = ProcessingLogEntry.objects.count()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(args.path).status_code == 200
        captured = list(queries.captured_queries)  # evaluated lazily otherwise
        logged = ProcessingLogEntry.objects.count() - before
        cpu: list[float] = []
        wall: list[float] = []
        db_ticks_before = _backend_ticks(connection)
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        for _ in range(args.repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            response = client.get(args.path)
            if profiler is not None:
                profiler.disable()
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
            assert response.status_code == 200
        load = os.getloadavg()[0]
        db_ticks = _backend_ticks(connection) - db_ticks_before
        db_cpu = db_ticks * 1000 / os.sysconf("SC_CLK_TCK") / args.repeat
        print(
            f"{args.path} as {username}: CPU median {statistics.median(cpu):.1f} ms, "
            f"database server CPU mean {db_cpu:.1f} ms, "
            f"wall median {statistics.median(wall):.1f} ms (min {min(wall):.1f}), "
            f"{len(captured)} SQL queries, {logged} log entries per request, "
            f"{len(response.content)} bytes, load {load:.2f}"
        )
        if profiler is not None:
            print("(timings above include cProfile overhead)")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
            if os.environ.get("PROFILE_DUMP"):
                profiler.dump_stats(os.environ["PROFILE_DUMP"])
        if os.environ.get("SHOW_SQL"):
            for query in captured:
                print(query["time"], query["sql"][:300])
    return 0


if __name__ == "__main__":
    sys.exit(main())
