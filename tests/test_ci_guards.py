"""CI cannot silently drop a category: browser tests without Chromium fail under CI=true.

The checks run pytest in a subprocess (collection only, no browser started) with
``BOVENWATER_CHROMIUM`` pointing at a file that exists or does not; ``.ci/run`` counts
the browser tests and the PostgreSQL pass with ``.ci/junit_count.py``, tested below.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("junit_count", ROOT / ".ci" / "junit_count.py")
assert _spec is not None and _spec.loader is not None
junit_count = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(junit_count)
BROWSER_FILE = "tests/browser/test_csp_browser.py"


def _collect(
    chromium: Path, ci: str | None, *extra: str, plan: str = "--collect-only"
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["BOVENWATER_CHROMIUM"] = str(chromium)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            plan,
            "-q",
            "-p",
            "no:cacheprovider",
            *extra,
            BROWSER_FILE,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_missing_chromium_is_an_error_under_ci(tmp_path: Path) -> None:
    result = _collect(tmp_path / "no-chromium", ci="true")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "browser tests cannot run" in result.stdout + result.stderr
    assert "no-chromium is missing (CI=true)" in result.stdout + result.stderr


def test_missing_chromium_only_deselects_with_a_note_outside_ci(tmp_path: Path) -> None:
    result = _collect(tmp_path / "no-chromium", ci=None)
    output = result.stdout + result.stderr
    # Everything in the file is a browser test: all deselected, nothing collected (exit 5).
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, output
    assert "browser tests deselected" in output
    assert "deselected" in output


def test_present_chromium_runs_the_browser_tests_and_the_report_counts_them(
    tmp_path: Path,
) -> None:
    present = tmp_path / "chromium"
    present.write_text("")  # never started: --setup-plan reports the tests without running them
    report = tmp_path / "report.xml"
    result = _collect(present, "true", f"--junitxml={report}", plan="--setup-plan")
    assert result.returncode == pytest.ExitCode.OK, result.stdout + result.stderr
    assert junit_count.count_ran(report) >= 1
    assert junit_count.count_ran(report, "browser") == junit_count.count_ran(report)
    assert junit_count.main([str(report), "--category", "browser"]) == 0


def _report(tmp_path: Path, body: str) -> Path:
    report = tmp_path / "report.xml"
    report.write_text(f'<testsuites><testsuite name="pytest">{body}</testsuite></testsuites>')
    return report


BROWSER_CASE = (
    '<testcase classname="a" name="b"><properties>'
    '<property name="category" value="browser" /></properties>{extra}</testcase>'
)


def test_junit_count_fails_when_a_category_did_not_run(tmp_path: Path) -> None:
    plain = '<testcase classname="a" name="c" />'
    skipped = BROWSER_CASE.format(extra='<skipped message="no chromium" />')
    report = _report(tmp_path, plain + skipped)
    assert junit_count.main([str(report)]) == 0
    assert junit_count.main([str(report), "--category", "browser"]) == 1
    assert junit_count.main([str(_report(tmp_path, ""))]) == 1
    assert junit_count.main([str(tmp_path / "missing.xml")]) == 1
    ran = _report(tmp_path, plain + BROWSER_CASE.format(extra=""))
    assert junit_count.count_ran(ran, "browser") == 1
    assert junit_count.count_ran(ran) == 2


def _load(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, ROOT / ".ci" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_floor_counts_only_the_rule_modules_and_fails_below_it(tmp_path: Path) -> None:
    floor: Any = _load("coverage_floor")

    def summary(covered: int, statements: int) -> dict[str, object]:
        return {"summary": {"covered_lines": covered, "num_statements": statements}}

    report = tmp_path / "coverage.json"
    report.write_text(
        json.dumps(
            {
                "files": {
                    "src/bovenwater/intake/selectors.py": summary(90, 100),
                    "src/bovenwater/kompas/training_services.py": summary(50, 50),
                    "src/bovenwater/cases/services/referrals.py": summary(40, 50),
                    "src/bovenwater/intake/views.py": summary(0, 500),  # not a rule module
                }
            }
        )
    )
    assert sorted(floor.rule_modules(json.loads(report.read_text()))) == [
        "src/bovenwater/cases/services/referrals.py",
        "src/bovenwater/intake/selectors.py",
        "src/bovenwater/kompas/training_services.py",
    ]
    assert floor.main([str(report), "--floor", "90"]) == 0  # 180 of 200 lines
    assert floor.main([str(report), "--floor", "90.1"]) == 1
    assert floor.main([str(report)]) == 0  # measured and printed, no floor given
    report.write_text(json.dumps({"files": {}}))
    assert floor.main([str(report), "--floor", "0"]) == 1


def _anchor_test_without_openssl(
    tmp_path: Path, ci: str | None
) -> subprocess.CompletedProcess[str]:
    """The RFC 3161 test skips without the openssl command: run it with an empty PATH."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env["PATH"] = str(empty)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"),
            "tests/audit/test_anchor.py::test_the_time_stamp_request_is_valid_rfc_3161",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_skip_for_a_missing_tool_fails_under_ci(tmp_path: Path) -> None:
    result = _anchor_test_without_openssl(tmp_path, ci="true")
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert "skipped under CI=true, where every test must run: needs the openssl command" in output


def test_a_skip_for_a_missing_tool_stays_a_skip_outside_ci(tmp_path: Path) -> None:
    result = _anchor_test_without_openssl(tmp_path, ci=None)
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.OK, output
    assert "1 skipped" in output
    assert "needs the openssl command" in output


def test_the_pass_split_skip_is_accepted_under_ci() -> None:
    """The worker tests skip in the PostgreSQL pass by design (they run in the SQLite pass)."""
    env = dict(os.environ, CI="true", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"),
            "tests/worker/test_worker_processes.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.OK, output
    assert "runs in the SQLite pass" in output
    assert " skipped" in output
    assert "failed" not in output


def test_every_reviewed_equivalent_mutant_names_a_line_that_exists() -> None:
    """A listed equivalent whose line was changed or removed is stale: it must go."""

    listed = tomllib.loads((ROOT / ".ci" / "mutation_equivalents.toml").read_text())
    for entry in listed["equivalent"]:
        lines = [line.strip() for line in (ROOT / entry["module"]).read_text().splitlines()]
        assert entry["line"] in lines, entry
        assert entry["operator"].startswith("core/"), entry
        assert len(entry["why"]) > 40, entry


def test_mutation_leaves_out_annotations_only_under_postponed_evaluation(tmp_path: Path) -> None:
    _mspec = importlib.util.spec_from_file_location("mutation", ROOT / ".ci" / "mutation.py")
    assert _mspec is not None and _mspec.loader is not None
    mutation = importlib.util.module_from_spec(_mspec)
    sys.modules["mutation"] = mutation
    _mspec.loader.exec_module(mutation)
    source = "def f(a: int | None) -> str | None:\n    return a | 1\n"
    postponed = tmp_path / "postponed.py"
    postponed.write_text("from __future__ import annotations\n\n" + source)
    spans = mutation._annotation_spans(postponed)
    assert sorted(spans) == [((3, 9), (3, 19)), ((3, 24), (3, 34))]
    assert not any(a <= (4, 11) < b for a, b in spans)  # `a | 1` in the body is mutated
    evaluated = tmp_path / "evaluated.py"
    evaluated.write_text(source)
    assert mutation._annotation_spans(evaluated) == []
