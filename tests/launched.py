"""The real platform as ``make run`` starts it, for tests that need whole processes.

``Platform`` prepares a fresh file database (migrate, reference data, then a setup
script of the test), and starts ``python -m bovenwater.launch`` (gunicorn with two
workers plus the task workers) on a free port with the environment ``make run`` uses.
Nothing here touches the shared servers: the database is a file in a temporary
directory, or a PostgreSQL server of the test's own.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of ``make run`` (Makefile RUN_ENV), with the database given."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TASKS_BACKEND", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false",
        DEMO_MODE="true",
        SECRET_KEY="platform-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        PSEUDONYM_KEY="platform-test-pseudonym",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bovenwater.cli", "manage", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"manage {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def django_script(env: dict[str, str], module: str, *args: str, timeout: float = 600) -> Any:
    """Run ``python -m module args`` with Django set up; its last stdout line is JSON."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "bovenwater.settings"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"{module} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Platform:
    """``python -m bovenwater.launch`` on a free port; ``stop()`` ends it as Ctrl-C does."""

    def __init__(self, env: dict[str, str], log: Path, *launch_args: str) -> None:
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bovenwater.launch", "--port", str(self.port), *launch_args],
            env=env,
            cwd=REPO,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"launcher exited:\n{self.log.read_text()}")
            try:
                if requests.get(f"{self.base}/gezondheid/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"platform not ready:\n{self.log.read_text()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()
        return self.process.returncode


_TEMPLATE: dict[str, Path] = {}
# the database steps of `make run` (Makefile targets migrate and refdata)
MAKE_MIGRATE = (("migrate", "--noinput"), ("createcachetable",), ("load_reference_data",))


def migrated_sqlite(directory: Path) -> str:
    """A fresh, migrated SQLite file with the reference data in ``directory`` (its URL).

    Migrating takes a while, so the first call of a test run migrates a template that
    later calls copy.
    """

    if "path" not in _TEMPLATE:
        template = Path(tempfile.mkdtemp(prefix="bw-template-")) / "template.sqlite3"
        env = run_env(f"sqlite:///{template}")
        for step in MAKE_MIGRATE:
            manage(env, *step)
        _TEMPLATE["path"] = template
    target = directory / "bovenwater.sqlite3"
    shutil.copyfile(_TEMPLATE["path"], target)
    return f"sqlite:///{target}"


class PrivatePostgres:
    """A PostgreSQL server of the test's own, on a free port, that the test may restart.

    Never the shared server: its data directory is a temporary directory. As root the
    server runs as the ``postgres`` user (as in ``.ci/run``).
    """

    def __init__(self) -> None:

        # its own directory under /tmp: pytest's tmp_path is not readable by ``postgres``
        directory = Path(tempfile.mkdtemp(prefix="bw-pg-"))
        self.directory = directory
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            raise FileNotFoundError("PostgreSQL server binaries not found")
        self.bin = bins[-1]
        self.data = directory / "pgdata"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil_chown(directory)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        self._run(
            "createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "bovenwater",
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/bovenwater"

    def _run(self, program: str, *args: str) -> None:
        argv = [str(self.bin / program), *args]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off"
        log = str(self.data / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", log, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def shutil_chown(directory: Path) -> None:
    shutil.chown(directory, user="postgres", group="postgres")


def wait_for(check: Callable[[], Any], what: str, timeout: float = 90) -> Any:
    """Poll ``check`` every half second until it returns something true; fail after
    ``timeout`` seconds naming ``what`` was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")
