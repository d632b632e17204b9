"""The benchmark scripts run, so they cannot rot unnoticed (a removed constant once broke
``bench/monitor_bench.py`` for weeks).

Every script answers ``--help`` (it imports and parses its options) and runs end to end
at a tiny size. The ones that need PostgreSQL (monitor, case list) run in the PostgreSQL
pass against the test database; a script whose outside tool is absent (``wrk`` for the
load runs, R and its packages for ``mse_vs_r.py``) is skipped saying so. No timing is
asserted: a benchmark's numbers belong in bench/README.md. ``linkage_eval.py`` and
``server_env.py`` are modules of the others and run with them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from tests.support import OPTIONAL_BENCH_TOOL

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p.name for p in (ROOT / "bench").glob("*.py"))


def _run(*args: str, timeout: int = 300, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


# Every script with ``--help``, in one interpreter: a process per script cost about half
# a second each (17 of them) for what is an import and an option parser.
HELP_ALL = """
import os, runpy, sys
failed = 0
sys.path.insert(0, os.path.abspath("bench"))  # as `python bench/x.py` has it: siblings import
for path in sys.argv[1:]:
    sys.argv = [path, "--help"]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (0, None):
            failed += print(f"FAILED: {path}: exit status {stop.code}") or 1
    except BaseException as error:
        failed += print(f"FAILED: {path}: {type(error).__name__}: {error}") or 1
sys.exit(1 if failed else 0)
"""
MODULES = frozenset({"linkage_eval.py", "server_env.py"})  # no options of their own


def test_every_bench_script_answers_help() -> None:
    out = _run("-c", HELP_ALL, *(f"bench/{script}" for script in SCRIPTS), timeout=300)
    assert "FAILED" not in out, out
    missing = [s for s in SCRIPTS if s not in MODULES and f"usage: {s}" not in out]
    assert missing == [], out


def test_the_webscan_benchmarks_run_at_a_tiny_size(tmp_path: Path) -> None:
    assert "ARI" in _run("bench/webscan_bench.py", "--n", "300")
    assert "ARI" in _run("bench/webscan_quality.py", "--n", "300", "--dir", str(tmp_path))
    ads = tmp_path / "stages.jsonl"
    _run("-m", "bovenwater.cli", "webscan", "generate", "--n", "200", "--seed", "1", str(ads))
    assert "us/ad" in _run("bench/webscan_stages.py", str(ads), "--workers", "1")


def test_the_linkage_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    data = tmp_path / "population"
    assert "200 people" in _run(
        "bench/linkage_population.py", "--people", "200", "--sources", "3", "--out", str(data)
    )
    assert "load_after" in _run("bench/linkage_bench.py", "--people", "200", "--data", str(data))
    population = data / "politie.csv"
    assert population.is_file()
    assert "reidentified_both_names" in _run(
        "bench/linkage_attack.py", "--target", str(population), "--reference-people", "300"
    )

    side = json.loads(_run("bench/linkage_sidebyside.py", "--data", str(data)))
    assert side["records"] > 0  # the lists and the ground truth are read
    missing = [t for t in ("anonlink", "splink") if "ModuleNotFoundError" in str(side[t])]
    if missing:
        pytest.skip(f"{OPTIONAL_BENCH_TOOL}: {', '.join(missing)} not installed")
    assert all("accuracy" in side[t] for t in ("anonlink", "splink"))


def test_the_mse_benchmark_runs_at_a_tiny_size() -> None:
    out = _run("bench/mse_bench.py", "--tiny", "--repeat", "1", "--replicates", "5")
    assert "BIC search, 5 lists, order 2" in out
    assert "bootstrap 5 replicates" in out


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file (no reference data), copied by the scripts that would
    each migrate a fresh database (migrating is most of their time at a tiny size)."""
    path = tmp_path_factory.mktemp("migrated") / "bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    _run("-m", "bovenwater.cli", "manage", "migrate", "--noinput", "-v0", env=env)
    return path


def _copy(migrated: Path, folder: Path) -> str:
    target = folder / "bench.sqlite3"
    shutil.copy(migrated, target)
    return f"sqlite:///{target}"


def test_the_reference_benchmark_runs_once(migrated: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": _copy(migrated, tmp_path)}
    out = _run("bench/reference_bench.py", "--repeat", "1", env=env)
    assert "first load (empty tables)" in out
    assert "reload, nothing changed" in out


def test_the_chat_benchmark_runs_at_a_tiny_size(migrated: Path, tmp_path: Path) -> None:
    database = _copy(migrated, tmp_path)
    out = _run(
        "bench/chat_bench.py", "--conversations", "2", "--seconds", "1", "--database-url", database
    )
    result = json.loads(out.strip().splitlines()[-1])
    assert result["conversations"] == 2
    assert result["lost"] == result["duplicated"] == 0  # delivery, not speed


def test_the_r_comparison_runs_or_says_what_is_missing() -> None:
    out = _run("bench/mse_vs_r.py", "--repeat", "1", "--only", "Western")
    if "not found" in out:
        pytest.skip(f"{OPTIONAL_BENCH_TOOL}: {out.strip().splitlines()[0]}")
    assert "| Western |" in out


# Skipped before any fixture runs (the committed-database fixture loads reference data).
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: runs in the PostgreSQL pass (make pytest with DATABASE_URL)",
)


def _test_database_url() -> str:
    """The URL of the database the tests run on (the scripts reach it from a process of
    their own, so the data must be committed: a transactional test)."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_monitor_benchmark_runs_at_a_tiny_size(live_database: None) -> None:
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    out = _run(
        "bench/monitor_bench.py",
        "--registrations", "300", "--incremental", "20", "--repeat", "1",
        env=env,
    )  # fmt: skip
    assert "fill_counts(full=True)" in out
    assert "| view | median | p95 |" in out


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_case_list_benchmarks_run_at_a_tiny_size(live_database: None) -> None:
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    seed = ["bench/cases_bench.py", "--cases", "40", "--signals", "20", "--connections", "2"]
    if shutil.which("wrk") is None:
        seed.append("--seed-only")  # the load run needs wrk; the seeding runs all the same
    else:
        seed += ["--seconds", "1", "--think-ms", "0", "--workers", "1"]
    _run(*seed, env=env)
    out = _run("bench/cases_profile.py", "--repeat", "2", env=env)
    assert out.startswith("/casussen/") and "CPU median" in out


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_intake_load_benchmark_runs_at_a_tiny_size(live_database: None) -> None:
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    if shutil.which("wrk") is None:
        pytest.skip(f"{OPTIONAL_BENCH_TOOL}: wrk (the HTTP load generator) is not installed")
    out = _run(
        "bench/intake_bench.py",
        "--signals", "20", "--connections", "2", "--seconds", "1",
        env=env,
    )  # fmt: skip
    assert "| request | concurrent |" in out
