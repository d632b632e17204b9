"""Findings 3 and 5 against the real server, started as ``make run`` starts it.

A private SQLite database in a temporary directory, migrated like ``make migrate``
(with the cache table); server A is ``python -m bovenwater.launch`` (gunicorn with two
workers and the task workers, stdout and stderr into log files), server B a second
gunicorn on the same database. The anonymous API limit (3 an hour here) must hold
across both; afterwards no log file and no database file holds the client's address
or user agent.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CLIENT = "203.0.113.77"  # documentation range; only ever a header value here
AGENT = "Bovenwater-Testbrowser/7.3 (harden; uniek)"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited early"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/gezondheid/", timeout=2):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    raise AssertionError("server did not come up")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, int]]:
    root = tmp_path_factory.mktemp("server")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "TASKS_", "PYTEST", "DJANGO_"))
    }
    env.update(
        DEBUG="false",
        DEMO_MODE="false",
        SECRET_KEY="server-test-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        PSEUDONYM_KEY="server-test-pseudonym",
        PUBLIC_REPORT_API_RATE="3/hour",
        PUBLIC_REPORT_RATE_LIMIT="50",
        TRUSTED_PROXIES="127.0.0.1",
        LOG_LEVEL="INFO",
    )
    manage = [sys.executable, "-m", "bovenwater.cli", "manage"]
    for command in (["migrate", "--noinput"], ["createcachetable"], ["load_reference_data"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True)
    port_a, port_b = _free_port(), _free_port()
    launched = subprocess.Popen(
        [sys.executable, "-m", "bovenwater.launch", "--port", str(port_a)],
        env=env,
        stdout=(root / "launch.out.log").open("wb"),
        stderr=(root / "launch.err.log").open("wb"),
    )
    second = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:bovenwater.gunicorn_conf",
            "bovenwater.wsgi",
            "--bind",
            f"127.0.0.1:{port_b}",
            "--workers",
            "1",
        ],
        env=env,
        stdout=(root / "second.out.log").open("wb"),
        stderr=(root / "second.err.log").open("wb"),
    )
    try:
        _wait(port_a, launched)
        _wait(port_b, second)
        yield root, port_a, port_b
    finally:
        for process in (launched, second):
            process.send_signal(signal.SIGTERM)
        for process in (launched, second):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _api_report(port: int) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/public-reports/",
        data=json.dumps({"description": "Gezien bij de haven.", "municipality": "GM0599"}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Forwarded-For": CLIENT,
            "User-Agent": AGENT,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_anonymous_limit_holds_across_processes(servers: tuple[Path, int, int]) -> None:
    _root, port_a, port_b = servers
    statuses = [_api_report(port) for port in (port_a, port_b) * 3]
    assert statuses == [201, 201, 201, 429, 429, 429]


def test_no_client_address_or_user_agent_in_any_log_or_table(
    servers: tuple[Path, int, int],
) -> None:
    root, port_a, _port_b = servers
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT), ("X-Forwarded-For", CLIENT)]
    page = opener.open(f"http://127.0.0.1:{port_a}/melden/", timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    municipality = re.search(r'<option value="(\d+)"[^>]*>\s*Rotterdam', page)
    assert token and municipality
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "description": "Achter de loods slapen mannen.",
        "municipality": municipality.group(1),
        "minor": "unknown",
        "form_token": "server-test-1",
    }
    with opener.open(
        urllib.request.Request(
            f"http://127.0.0.1:{port_a}/melden/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"http://127.0.0.1:{port_a}/melden/"},
        ),
        timeout=20,
    ) as response:
        assert "ontvangstcode" in response.read().decode().lower()
    time.sleep(1.5)  # let the access log and the task workers write
    files = [path for path in root.rglob("*") if path.is_file()]
    assert any(path.name.endswith(".log") and path.stat().st_size for path in files)
    assert any(path.name.startswith("db.sqlite3") for path in files)
    found = [
        (path.name, needle)
        for path in files
        for needle in (CLIENT, AGENT, "127.0.0.1 -")
        if needle.encode() in path.read_bytes()
    ]
    assert found == []
