"""The task worker keeps working (issue #13, point 6), with real processes.

- PostgreSQL restarted under a running worker: the worker stays up, and tasks queued
  after the restart run (a private server on a free port, never the shared one).
- A worker killed mid-run (SIGKILL, during a long estimate): the launcher starts a new
  worker, which ends the task as abandoned; the estimate run shows *afgebroken*.
- The processing log is sealed while that long estimate runs (the sealing has its own
  queue and worker).
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests.launched import (
    MAKE_MIGRATE,
    REPO,
    Platform,
    PrivatePostgres,
    django_script,
    manage,
    migrated_sqlite,
    run_env,
    wait_for,
)

from bovenwater.core.worker import ABANDONED_PATH

SCRIPT = "tests.worker.worker_script"
# These tests start their own databases and processes; the PostgreSQL pass of CI would
# only repeat them, so they run in the SQLite pass.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="process-level test with its own databases; runs in the SQLite pass",
)


def all_successful(env: dict[str, str], ids: list[str]) -> bool:
    states = django_script(env, SCRIPT, "tasks", *ids)
    return len(states) == len(ids) and all(s == "SUCCESSFUL" for s, _exc in states.values())


@pytest.mark.skipif(
    not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
    reason="needs the PostgreSQL server binaries (CI installs them)",
)
def test_worker_survives_a_postgresql_restart(tmp_path: Path) -> None:
    server = PrivatePostgres()
    worker: subprocess.Popen[bytes] | None = None
    log = tmp_path / "worker.log"
    try:
        env = run_env(server.url)
        for step in MAKE_MIGRATE:
            manage(env, *step)
        with log.open("wb") as out:
            worker = subprocess.Popen(
                [
                    *(sys.executable, "-m", "bovenwater.cli", "manage", "run_worker"),
                    *("--queue-name", "default,audit", "--interval", "0.2"),
                ],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            before = django_script(env, SCRIPT, "enqueue", "3")
            wait_for(lambda: all_successful(env, before), "tasks before the restart")

            server.stop()  # the worker's connection breaks; it must not exit
            time.sleep(4)
            assert worker.poll() is None, log.read_text()
            server.start()

            after = django_script(env, SCRIPT, "enqueue", "5")
            wait_for(lambda: all_successful(env, after), "tasks queued after the restart")
            assert worker.poll() is None
        text = log.read_text()
        assert "Database unavailable" in text and "Database available again" in text
        print(
            f"\nworker: 3 tasks before, PostgreSQL stopped 4 s, 5 tasks after: all ran; {text.count('Database unavailable')} failed polls"
        )
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        server.remove()


def query(url: str, sql: str, *params: object) -> Any:
    """One value read straight from the SQLite file (cheaper than a Django process)."""
    with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as db:
        return db.execute(sql, params).fetchone()[0]


def test_killed_worker_ends_its_task_abandoned_while_the_log_is_sealed(tmp_path: Path) -> None:
    url = migrated_sqlite(tmp_path)
    env = run_env(url, TASK_WORKER_HEARTBEAT="1", TASK_WORKER_STALE_AFTER="3")
    run_id = django_script(env, SCRIPT, "estimate")

    def run_status() -> str:
        return str(query(url, "SELECT status FROM estimation_estimaterun WHERE id = ?", run_id))

    def pending() -> int:
        return int(query(url, "SELECT count(*) FROM audit_processinglogentry WHERE seq IS NULL"))

    platform = Platform(env, tmp_path / "platform.log", "--interval", "0.2")
    try:
        platform.wait_ready()
        wait_for(lambda: run_status() == "running", "the run")

        # the sealing is not held up by the long estimate
        django_script(env, SCRIPT, "log", "500")
        wait_for(lambda: pending() == 0, "the log to be sealed")
        assert run_status() == "running"

        # kill the worker running the estimate; the launcher starts a new one
        match = re.search(r"\[launch\] worker started \(pid (\d+)\)", platform.log.read_text())
        assert match is not None
        os.kill(int(match.group(1)), signal.SIGKILL)
        status = wait_for(
            lambda: (s := run_status()) != "running" and s,
            "the run to end",
        )
        assert status == "abandoned"
        assert django_script(env, SCRIPT, "run-task") == ["FAILED", ABANDONED_PATH]
        log = platform.log.read_text()
        assert "worker exited" in log and "abandoned" in log
    finally:
        platform.stop()
    print(
        f"\nworker: estimate run {run_id} killed mid-run ended as {status}; 500 entries sealed meanwhile"
    )
