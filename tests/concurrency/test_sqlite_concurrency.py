"""The embedded database under concurrent use (issue #13, point 5).

Starts the real platform as ``make run`` does (``python -m bovenwater.launch``: gunicorn
with two workers and the task workers) on a fresh SQLite file and sends 210 concurrent
writes of four kinds, while the worker seals a backlog of 20,000 processing-log entries:

- anonymous public reports (``/melden/``),
- signal triage into a case (contact officer),
- case edits (care coordinator),
- logins with a wrong second-factor code.

Then: no response was 500 (or any 5xx), every accepted write is in the database, every
wrong code was counted, and ``verify_processing_log`` reports the chain intact.
"""

from __future__ import annotations

import base64
import os
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest
import requests
from django_otp.oath import totp
from tests.launched import Platform, django_script, manage, migrated_sqlite, run_env
from tests.support import TEST_PASSWORD, TEST_SECRET

REPORTS, TRIAGES, EDITS, WRONG_CODES = 70, 45, 50, 45
BACKLOG = 20_000
THREADS = 24
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite by design (its own file database); runs in the SQLite pass",
)
MARKER = "Belastingtest"
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
MUNICIPALITY = re.compile(r'<option value="(\d+)"[^>]*>Amsterdam</option>')


def current_code() -> str:
    return f"{totp(base64.b32decode(TEST_SECRET)):06d}"


def new_session() -> requests.Session:
    """A client that opens a connection per request: a reused keep-alive connection that
    the server closes after its idle timeout would fail on the client's side, not the
    server's (and a browser would simply retry)."""
    s = requests.Session()
    s.headers["Connection"] = "close"
    return s


def session(base: str) -> requests.Session:
    s = new_session()
    s.get(f"{base}/account/inloggen/", timeout=60)
    return s


def post(s: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    data = {"csrfmiddlewaretoken": s.cookies.get("csrftoken") or "", **data}
    return s.post(url, data=data, allow_redirects=False, timeout=120)


def password_step(base: str, username: str) -> tuple[requests.Session, int]:
    s = session(base)
    r = post(s, f"{base}/account/inloggen/", {"username": username, "password": TEST_PASSWORD})
    return s, r.status_code


def login(base: str, username: str) -> requests.Session:
    s, status = password_step(base, username)
    assert status == 302, status
    r = post(s, f"{base}/account/inloggen/code/", {"token": current_code()})
    assert r.status_code == 302, (r.status_code, r.text[:500])
    return s


def test_make_run_on_sqlite_survives_concurrent_writes(tmp_path: Path) -> None:
    # all requests come from 127.0.0.1: without higher limits the address itself would be
    # rate-limited (reports) and locked out (wrong codes) after a few requests
    env = run_env(
        migrated_sqlite(tmp_path),
        PUBLIC_REPORT_RATE_LIMIT="100000",
        AXES_FAILURE_LIMIT="100000",
    )
    data = django_script(
        env,
        "tests.concurrency.setup_data",
        str(TRIAGES),
        str(EDITS),
        str(WRONG_CODES // 3 + 1),
        str(BACKLOG),
    )
    platform = Platform(env, tmp_path / "platform.log")
    try:
        platform.wait_ready()
        base = platform.base
        contact = login(base, data["contact"])
        coordinator = login(base, data["coordinator"])
        form_page = requests.get(f"{base}/melden/", timeout=60).text
        municipality = MUNICIPALITY.search(form_page)
        assert municipality is not None
        statuses: Counter[int] = Counter()
        accepted: dict[str, list[str]] = {"report": [], "triage": [], "edit": []}
        wrong_code_answers: list[int] = []

        def report(i: int) -> None:
            s = new_session()
            page = s.get(f"{base}/melden/", timeout=120)
            statuses[page.status_code] += 1
            token = TOKEN.search(page.text)
            assert token is not None
            r = post(
                s,
                f"{base}/melden/",
                {
                    "description": f"{MARKER} melding {i}",
                    "municipality": municipality.group(1),
                    "minor": "unknown",
                    "form_token": token.group(1),
                },
            )
            statuses[r.status_code] += 1
            if r.status_code == 200 and "ontvangstcode" in r.text.lower():
                accepted["report"].append(str(i))

        def triage(reference: str) -> None:
            r = post(
                contact,
                f"{base}/signalen/{reference}/beoordelen/",
                {"to_state": "case_opened", "reason": f"{MARKER} triage"},
            )
            statuses[r.status_code] += 1
            if r.status_code == 302:
                accepted["triage"].append(reference)

        def edit(case_id: int, i: int) -> None:
            text = f"{MARKER} notitie {i}"
            r = post(coordinator, f"{base}/casussen/{case_id}/notitie/", {"text": text})
            statuses[r.status_code] += 1
            if r.status_code == 302:
                accepted["edit"].append(text)

        def wrong_code(username: str) -> None:
            s, status = password_step(base, username)
            statuses[status] += 1
            code = current_code()
            wrong = f"{(int(code) + 500_000) % 1_000_000:06d}"
            r = post(s, f"{base}/account/inloggen/code/", {"token": wrong})
            statuses[r.status_code] += 1
            wrong_code_answers.append(r.status_code)

        jobs: list[Callable[[], None]] = []
        jobs += [partial(report, i) for i in range(REPORTS)]
        jobs += [partial(triage, ref) for ref in data["signals"]]
        jobs += [partial(edit, data["cases"][i % len(data["cases"])], i) for i in range(EDITS)]
        jobs += [
            partial(wrong_code, data["wrong"][i % len(data["wrong"])]) for i in range(WRONG_CODES)
        ]
        random.Random(13).shuffle(jobs)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            for future in [pool.submit(job) for job in jobs]:
                future.result()
        elapsed = time.monotonic() - started
        after = django_script(env, "tests.concurrency.check_data", MARKER)
    finally:
        platform.stop()
    log = (tmp_path / "platform.log").read_text(errors="replace")
    writes = REPORTS + TRIAGES + EDITS + WRONG_CODES
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    print(
        f"\nconcurrency: {writes} writes ({sum(statuses.values())} requests) in {elapsed:.1f} s"
        f" with {THREADS} threads; statuses {dict(sorted(statuses.items()))}; 5xx {server_errors};"
        f" accepted reports {len(accepted['report'])}/{REPORTS}, triages"
        f" {len(accepted['triage'])}/{TRIAGES}, edits {len(accepted['edit'])}/{EDITS};"
        f" log entries still pending when the load ended {after['pending']} of a {BACKLOG} backlog"
    )
    assert server_errors == 0, (statuses, log[-3000:])
    assert "database is locked" not in log
    # every accepted write is there (and nothing was refused: no write had a reason to be)
    assert after["public_reports"] == len(accepted["report"]) == REPORTS
    assert set(accepted["triage"]) <= set(after["case_opened"])
    assert len(accepted["triage"]) == TRIAGES
    assert sorted(accepted["edit"]) == after["notes"] and len(after["notes"]) == EDITS
    # every wrong code was answered with the Dutch message and counted
    assert wrong_code_answers == [400] * WRONG_CODES
    assert after["failed_codes"] == WRONG_CODES
    # the worker sealed while the load ran; the chain is intact afterwards
    assert after["pending"] < BACKLOG
    assert "intact" in manage(env, "verify_processing_log").lower()
