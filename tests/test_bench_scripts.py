"""The benchmark scripts run, so they cannot rot unnoticed (a removed constant once broke
``bench/monitor_bench.py`` for weeks).

Every script answers ``--help`` (it imports and parses its options); the engine
benchmarks that need neither PostgreSQL, a load generator nor R run end to end at a tiny
size. No timing is asserted: a benchmark's numbers belong in bench/README.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p.name for p in (ROOT / "bench").glob("*.py"))


def _run(*args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_bench_script_answers_help(script: str) -> None:
    _run(f"bench/{script}", "--help", timeout=120)


def test_the_webscan_benchmarks_run_at_a_tiny_size(tmp_path: Path) -> None:
    assert "ARI" in _run("bench/webscan_bench.py", "--n", "300")
    assert "ARI" in _run("bench/webscan_quality.py", "--n", "300", "--dir", str(tmp_path))


def test_the_linkage_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    data = tmp_path / "population"
    assert "200 people" in _run(
        "bench/linkage_population.py", "--people", "200", "--out", str(data)
    )
    assert "load_after" in _run("bench/linkage_bench.py", "--people", "200", "--data", str(data))
