"""The processing log is sealed by its deferred task under the real database task backend
and a real worker process (issue #20, point 5), the production path the other tests
replace by the immediate backend.

Entries committed in separate transactions queue the sealing task with ``run_after`` a
moment ahead (deferred, so one run seals what the next commits add); nothing is sealed
until a worker runs; then ``run_worker`` on the ``audit`` queue seals every entry, the
tasks end successful, and ``verify_processing_log --no-chain`` finds the chain intact.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.launched import REPO, django_script, manage, migrated_sqlite, run_env, wait_for

SCRIPT = "tests.worker.worker_script"
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="process-level test with its own database; runs in the SQLite pass",
)


def test_the_deferred_sealing_task_runs_under_a_real_worker(tmp_path: Path) -> None:
    env = run_env(migrated_sqlite(tmp_path))
    assert django_script(env, SCRIPT, "commits", "5") == 5
    tasks = django_script(env, SCRIPT, "chain-tasks")
    assert tasks, "committing entries queued no sealing task"
    assert all(status == "READY" and deferred for status, deferred in tasks), tasks
    assert django_script(env, SCRIPT, "pending") >= 5  # no worker yet: nothing sealed

    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "bovenwater.cli", "manage", "run_worker"),
                *("--queue-name", "audit", "--interval", "0.2"),
            ],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: django_script(env, SCRIPT, "pending") == 0, "the worker to seal the log")
        wait_for(
            lambda: all(s == "SUCCESSFUL" for s, _d in django_script(env, SCRIPT, "chain-tasks")),
            "the sealing tasks to end",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    verified = manage(env, "verify_processing_log", "--no-chain")
    assert "Processing log intact" in verified, verified
    assert "not sealed yet" not in verified
