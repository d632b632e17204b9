"""Benchmark of ``manage load_reference_data``: a first load and an unchanged reload.

Usage (a throw-away SQLite database, or DATABASE_URL for another server):

    .venv/bin/python bench/reference_bench.py [--repeat 3]

Migrates a fresh database (not timed), then times the whole process of
``bovenwater manage load_reference_data`` (interpreter start, Django set-up, the load):
the first load into empty tables, then a reload with nothing changed. Prints wall and
CPU seconds (the child's user + system time) per run as Markdown rows for
bench/README.md. This replaces the former ``report.seconds < 5`` assertion in
tests/reference/test_reference_loader.py: speed is measured here, not asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "PSEUDONYM_KEY": "bench",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
    }


def _timed(env: dict[str, str], *args: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [PY, "-m", "bovenwater.cli", "manage", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print("| run | wall s | CPU s |")
    print("|---|---|---|")
    for run in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory() as folder:
            url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
            env = _env(url)
            subprocess.run(
                [PY, "-m", "bovenwater.cli", "manage", "migrate", "--noinput"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            first = _timed(env, "load_reference_data")
            again = _timed(env, "load_reference_data")
        print(f"| {run}: first load (empty tables) | {first[0]:.2f} | {first[1]:.2f} |")
        print(f"| {run}: reload, nothing changed | {again[0]:.2f} | {again[1]:.2f} |")
    print(f"load average (1 min) before / after: {load:.1f} / {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
