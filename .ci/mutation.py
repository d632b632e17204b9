"""Mutation testing of the access rules with Cosmic Ray (`make mutation`).

    .venv/bin/python .ci/mutation.py [GROUP ...] [--list]

Each group names the modules (or the functions in a module) whose conditions hold an
access rule, and the tests that must catch a change to them. For every group the
script copies ``src/`` and ``tests/`` to ``var/mutation/tree-GROUPS`` (the work tree is never
changed), runs the group's tests once on a kept SQLite test database, lets Cosmic Ray
apply each mutation in turn and run the tests (``pytest -x``), and prints the score.

A surviving mutant fails the run unless it is listed, with its reason, in
``.ci/mutation_equivalents.toml`` (reviewed equivalent mutants; docs/testing.md).
Operators that can only produce a type error on this code (powers, shifts, modulo,
floor division, exclusive or) are left out: they would always be killed and only cost
time.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "mutation"
TREE = WORK / "tree"  # one per run: WORK / "tree-GROUP…" (runs of other groups may go on beside it)
EQUIVALENTS = ROOT / ".ci" / "mutation_equivalents.toml"
EXCLUDED_OPERATORS = (
    r"core/ReplaceBinaryOperator_.*_(Pow|RShift|LShift|FloorDiv|Mod|BitXor)$",
    r"core/ReplaceBinaryOperator_(Pow|RShift|LShift|FloorDiv|Mod|BitXor)_.*",
)
TIMEOUT = 300.0
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")
SELECT = True  # per-line test selection (.ci/mutation_select.py); --full runs every test
ENV = {
    "DEBUG": "false",
    "DEMO_MODE": "false",
    "SECRET_KEY": "test-only-not-a-secret",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
    "PSEUDONYM_KEY": "test-only-pseudonym-key",
    "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
}


@dataclass(frozen=True)
class Group:
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    functions: tuple[str, ...] = field(default=())  # only these functions (all when empty)


def _app_tests(app: str, *also: str, leave_out: tuple[str, ...] = ()) -> tuple[str, ...]:
    """An app's test files without the browser and demo ones (slow, and they read no rule
    the others do not), plus ``also``."""
    found = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests" / app).glob("test_*.py")
        if not path.stem.endswith(("_browser", "_demo")) and path.name not in leave_out
    )
    return (*found, *also)


VALUES = "tests/test_selector_values_rules.py"  # every selectors dataclass is frozen

GROUPS: dict[str, Group] = {
    "case-access": Group(
        ("src/bovenwater/cases/selectors/access.py",),
        ("tests/cases/test_case_access.py", "tests/cases/test_access_rules.py", VALUES),
    ),
    "referral-consent": Group(
        ("src/bovenwater/cases/services/referral.py",),
        ("tests/cases/test_case_access.py", "tests/cases/test_access_rules.py"),
    ),
    "break-the-glass": Group(
        ("src/bovenwater/cases/services/case.py",),
        ("tests/cases/test_case_access.py", "tests/cases/test_access_rules.py"),
        functions=("emergency_access_open",),
    ),
    "signal-scope": Group(
        ("src/bovenwater/intake/selectors.py",),
        (
            "tests/intake/test_signal_scope.py",
            "tests/intake/test_signal_counts.py",
            "tests/intake/test_intake_services.py",
            VALUES,
        ),
    ),
    # The other reads of a case: by id or number, the victim's details, a break-the-glass
    # overview for the privacy officer, referrals and consents, transfers between regions.
    "case-reads": Group(
        (
            "src/bovenwater/cases/selectors/case.py",
            "src/bovenwater/cases/selectors/referral.py",
            "src/bovenwater/cases/selectors/transfer.py",
        ),
        (
            "tests/cases/test_case_access.py",
            "tests/cases/test_access_rules.py",
            "tests/cases/test_case_reads.py",
            "tests/cases/test_case_transfer.py",
            "tests/cases/test_service_refusals.py",
            "tests/cases/test_placement_rules.py",
            VALUES,
        ),
    ),
    # The count table the inbox totals read: which organisation's rows, which states,
    # which response dates (the recount itself is pinned by `rebuild_signal_counts --check`).
    "signal-counts": Group(
        ("src/bovenwater/intake/counts.py",),
        ("tests/intake/test_signal_counts.py", "tests/intake/test_signal_scope.py"),
        functions=("_add", "count_signal", "received_count"),
    ),
    # Who reads registry records: national bodies all, anyone else its own reports
    # (the system reads for linkage and estimation are not an actor's access rule).
    "registry-scope": Group(
        ("src/bovenwater/registry/selectors.py",),
        (
            "tests/registry/test_registry_access.py",
            "tests/registry/test_registry_list.py",
            "tests/registry/test_registry_scope.py",
        ),
        functions=(
            "registrations_in_scope",
            "registrations_for_export",
            "registration_count_for_actor",
            "registrations_browse",
            "registrations_listed",
            "registration_years",
        ),
    ),
    # Kompas: private notes, shares between colleagues, a municipality's self-assessment
    # and its region's, team progress and certificates (the content readers are not).
    "kompas-scope": Group(
        ("src/bovenwater/kompas/selectors.py",),
        (
            "tests/kompas/test_kompas_services.py",
            "tests/kompas/test_kompas_rules.py",
            "tests/kompas/test_kompas_training.py",
            "tests/kompas/test_kompas_views.py",
        ),
        functions=(
            "notes_for_actor",
            "_home_organisation_id",
            "note_get_for_actor",
            "shares_received_for_actor",
            "unread_share_count",
            "share_get_for_actor",
            "share_recipients_for_actor",
            "team_progress_for_actor",
            "certificate_get_for_manager",
            "certificate_verify",
            "region_organisations",
            "assessment_scope",
            "assessments_for_actor",
            "actions_for_actor",
            "action_get_for_actor",
            "consent_of",
            "region_assessments_for_actor",
        ),
    ),
    # The log's append-only guards and its hash; the field declarations of the module are
    # pinned by `makemigrations --check` (tests/test_migrations.py), not mutated here.
    "log-hash": Group(
        ("src/bovenwater/audit/models.py",),
        ("tests/audit/test_log_hash_fields.py", "tests/audit/test_processing_log.py"),
        functions=("update", "delete", "save", "refused", "content", "compute_hash"),
    ),
    # What one entry says (actor, owner, refusal); the queueing of the sealing task is
    # timing, pinned by tests/audit/test_processing_log.py and the worker test.
    "log-services": Group(
        ("src/bovenwater/audit/services.py",),
        ("tests/audit/test_log_rules.py", "tests/audit/test_refusals_for_owner.py"),
        functions=("log_processing", "log_refusal", "refuse", "log_list_read"),
    ),
    # The privacy officer's view of the log: own organisation's entries and those naming
    # it as the owner of the data, and the filters.
    "log-reads": Group(
        ("src/bovenwater/audit/selectors.py",),
        (
            "tests/audit/test_refusals_for_owner.py",
            "tests/accounts/test_token_and_log_rules.py",
            "tests/audit/test_processing_log.py",
            VALUES,
        ),
    ),
    "log-verify": Group(
        ("src/bovenwater/audit/verify.py",),
        ("tests/audit/test_log_rules.py", "tests/audit/test_processing_log.py"),
    ),
    # The rest of the cases selectors: coordination (team, tasks, decisions), meetings,
    # measures, placements and shelter capacity, the dashboards, the package's own reads.
    "case-coordination": Group(
        (
            "src/bovenwater/cases/selectors/__init__.py",
            "src/bovenwater/cases/selectors/coordination.py",
            "src/bovenwater/cases/selectors/measure.py",
            "src/bovenwater/cases/selectors/meeting.py",
            "src/bovenwater/cases/selectors/placement.py",
            "src/bovenwater/cases/selectors/shelter_capacity.py",
        ),
        _app_tests(
            "cases",
            "tests/audit/test_refusals_for_owner.py",
            "tests/accounts/test_member_management.py",
            VALUES,
        ),
    ),
    "case-dashboard": Group(
        ("src/bovenwater/cases/selectors/dashboard.py",),
        _app_tests("cases", VALUES),
    ),
    # Chat: a helper's conversations, transfers, hand-offs and canned responses.
    "chat-scope": Group(
        ("src/bovenwater/chat/selectors.py",),
        _app_tests("chat", VALUES, leave_out=("test_cross_process.py",)),
    ),
    "linkage-scope": Group(("src/bovenwater/linkage/selectors.py",), _app_tests("linkage", VALUES)),
    "accounts-scope": Group(
        ("src/bovenwater/accounts/selectors.py",),
        _app_tests(
            "accounts",
            "tests/hardening/test_platform_admin.py",
            VALUES,
            # mail delivery and the system-account command read no member of anybody
            leave_out=("test_invitation_mail.py", "test_system_account_command.py"),
        ),
    ),
    # The log's anchoring, retention, the privacy officer's jobs, the chain check, its pages.
    "audit-jobs": Group(
        (
            "src/bovenwater/audit/anchor.py",
            "src/bovenwater/audit/retention.py",
            "src/bovenwater/audit/privacy_jobs.py",
            "src/bovenwater/audit/chaincheck.py",
            "src/bovenwater/audit/views.py",
        ),
        _app_tests("audit", "tests/accounts/test_token_and_log_rules.py"),
    ),
    "webscan-scope": Group(("src/bovenwater/webscan/selectors.py",), _app_tests("webscan", VALUES)),
    "estimation-scope": Group(
        ("src/bovenwater/estimation/selectors.py",),
        _app_tests("estimation", "tests/linkage/test_linkage_registry_counts.py", VALUES),
    ),
    "monitor-scope": Group(
        ("src/bovenwater/monitor/selectors.py",),
        _app_tests("monitor", "tests/hardening/test_csv_injection.py", VALUES),
    ),
    "notifications-scope": Group(
        ("src/bovenwater/notifications/selectors.py",), _app_tests("notifications", VALUES)
    ),
}


def _copy_tree() -> None:
    if TREE.exists():
        shutil.rmtree(TREE)
    for name in ("src", "tests"):
        shutil.copytree(ROOT / name, TREE / name, ignore=IGNORE)
    shutil.copy2(ROOT / "pyproject.toml", TREE / "pyproject.toml")
    (TREE / "var").mkdir()
    (TREE.parent / f"{TREE.name}.base").write_text(_git("rev-parse", "HEAD"))


def _git(*args: str) -> str:
    return subprocess.run(  # noqa: S603
        ["git", *args],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _recheck_tests() -> None:
    """The tree's tests as they were at the commit it was copied from (they match its
    code), plus every test file added since: new tests only add kills. A file that
    changed since keeps its old version (it may need newer code)."""
    base = (TREE.parent / f"{TREE.name}.base").read_text().strip()
    shutil.rmtree(TREE / "tests")
    archive = subprocess.run(  # noqa: S603
        ["git", "archive", base, "tests"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(TREE)], input=archive, check=True)  # noqa: S603, S607
    known = set(_git("ls-tree", "-r", "--name-only", base, "tests").split())
    for path in sorted((ROOT / "tests").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name not in known:
            (TREE / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, TREE / name)


def _env() -> dict[str, str]:
    env = dict(os.environ, **ENV)
    env["DATABASE_URL"] = f"sqlite:///{TREE / 'var' / 'mutation.sqlite3'}"
    env["PYTHONPATH"] = str(TREE / "src")  # before the editable install's path
    env.pop("CI", None)
    return env


def _test_command(group: Group) -> list[str]:
    return [
        *(sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"),
        *("--reuse-db", "-W", "ignore"),
        *group.tests,
    ]


def _function_lines(module: Path, names: tuple[str, ...]) -> list[range]:
    tree = ast.parse(module.read_text())
    found = [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name in names
    ]
    spans = [range(node.lineno, (node.end_lineno or node.lineno) + 1) for node in found]
    if {node.name for node in found} != set(names):
        raise SystemExit(f"{module}: functions {names} not all found")
    return spans


def _annotation_spans(module: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the module's annotations are: with ``from __future__ import annotations``
    they are never evaluated, so a mutant there (``X | None`` -> ``X & None``) is
    equivalent by construction and is left out instead of run."""
    tree = ast.parse(module.read_text())
    if not any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    ):
        return []
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            found.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    return [
        ((n.lineno, n.col_offset), (n.end_lineno or n.lineno, n.end_col_offset or 0)) for n in found
    ]


def _equivalents() -> list[dict[str, Any]]:
    if not EQUIVALENTS.exists():
        return []
    return list(tomllib.loads(EQUIVALENTS.read_text()).get("equivalent", []))


def _line(module: str, lineno: int) -> str:
    return (TREE / module).read_text().splitlines()[lineno - 1].strip()  # the copied code


def _is_equivalent(
    module: str, operator: str, line: str, listed: list[dict[str, Any]], occurrence: int = -1
) -> bool:
    """Listed by module, operator and line; an entry with an ``occurrence`` (Cosmic Ray's
    count of that operator's mutants in the module) names one mutant of several alike."""
    return any(
        entry["module"] == module
        and entry["operator"] == operator
        and entry["line"] == line
        and entry.get("occurrence", occurrence) == occurrence
        for entry in listed
    )


def run_group(
    name: str, group: Group, resume: bool = False, recheck: bool = False
) -> tuple[int, int, list[str]]:
    """Mutate one group; (killed, mutants, unexplained survivors). ``resume`` goes on with
    the group's session and tree of an interrupted run (no new baseline); ``recheck`` runs
    the survivors of a finished run again against the current tests (same mutated code)."""

    env = _env()
    session = WORK / f"{name}.sqlite"
    config = WORK / f"{name}.toml"
    command = " ".join(_test_command(group))
    cosmic = [sys.executable, "-m", "cosmic_ray.cli"]
    _restore(name)
    if recheck:
        _baseline_and_init(name, group, config, session, command, init=False)
        _forget_survivors(session)
    elif not resume:
        session.unlink(missing_ok=True)
        _baseline_and_init(name, group, config, session, command)
    _leave_out(group, session)
    subprocess.run([*cosmic, "exec", str(config), str(session)], cwd=TREE, env=env, check=True)  # noqa: S603
    return _score(name, group, session)


def _restore(name: str) -> None:
    """Put back the pristine modules an interrupted run may have left mutated."""
    selection = WORK / f"{name}-select.json"
    if selection.exists() and TREE.exists():
        for module, known in json.loads(selection.read_text())["modules"].items():
            if (TREE / module).read_text() != known["pristine"]:
                print(f"== {name}: {module} restored", flush=True)
                (TREE / module).write_text(known["pristine"])


def _dotted(module: str) -> str:
    """src/bovenwater/cases/selectors/__init__.py -> bovenwater.cases.selectors"""
    parts = Path(module).with_suffix("").parts[1:]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _forget_survivors(session: Path) -> None:
    """Make the survivors of a finished run pending again (``--recheck``): the tests only
    grew since, so what they killed stays killed."""
    import sqlite3  # noqa: PLC0415

    with sqlite3.connect(session) as db:
        db.execute(
            "DELETE FROM work_results WHERE worker_outcome = 'NORMAL' AND test_outcome = 'SURVIVED'"
        )


def _baseline_and_init(
    name: str, group: Group, config: Path, session: Path, command: str, init: bool = True
) -> None:
    env = _env()
    print(f"== {name}: baseline ({' '.join(group.tests)})", flush=True)
    data_file = WORK / f"{name}.coverage"
    data_file.unlink(missing_ok=True)
    rcfile = WORK / "mutation.coveragerc"
    rcfile.write_text("[run]\n")
    measured = [
        *(sys.executable, "-m", "coverage", "run", f"--rcfile={rcfile}"),
        *(
            f"--data-file={data_file}",
            "--include=" + ",".join(str(TREE / m) for m in group.modules),
        ),
        *_test_command(group)[1:],
        *("-p", "mutation_select", "--create-db"),
    ]
    baseline = subprocess.run(  # noqa: S603 (our own interpreter and test files)
        measured if SELECT else [*_test_command(group), "--create-db"],
        cwd=TREE,
        env=dict(
            env,
            PYTHONPATH=f"{TREE / 'src'}{os.pathsep}{ROOT / '.ci'}",
            MUTATION_MODULES=",".join(_dotted(module) for module in group.modules),
        ),
        check=False,
    )
    if baseline.returncode != 0:
        raise SystemExit(f"{name}: the tests fail without any mutation")
    if SELECT:
        sys.path.insert(0, str(ROOT / ".ci"))
        import mutation_select  # noqa: PLC0415

        spec = {
            "command": _test_command(group)[: -len(group.tests)],
            "tests": list(group.tests),
            "modules": mutation_select.build(data_file, TREE, group.modules),
        }
        selection = WORK / f"{name}-select.json"
        selection.write_text(json.dumps(spec))
        command = f"{sys.executable} {ROOT / '.ci' / 'mutation_select.py'} {selection}"
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(list(group.modules))}\n"
        f"timeout = {TIMEOUT}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n"
        '[cosmic-ray.distributor]\nname = "local"\n'
    )
    if not init:
        return
    cosmic = [sys.executable, "-m", "cosmic_ray.cli"]
    subprocess.run([*cosmic, "init", str(config), str(session)], cwd=TREE, env=env, check=True)  # noqa: S603


def _left_out(group: Group) -> Any:
    """A test for what is never run: excluded operators, lines outside the group's
    functions, annotations."""
    excluded = re.compile("|".join(EXCLUDED_OPERATORS))
    spans = {
        module: _function_lines(TREE / module, group.functions) if group.functions else None
        for module in group.modules
    }
    annotations = {module: _annotation_spans(TREE / module) for module in group.modules}

    def left_out(mutation: Any) -> bool:
        module = str(Path(mutation.module_path))
        lines = spans.get(module)
        outside = lines is not None and not any(mutation.start_pos[0] in span for span in lines)
        start = tuple(mutation.start_pos)
        annotation = any(a <= start < b for a, b in annotations[module])
        return bool(excluded.match(mutation.operator_name)) or outside or annotation

    return left_out


def _leave_out(group: Group, session: Path) -> None:
    """Mark as skipped the pending mutants that are never run (``_left_out``)."""
    # Only `make mutation` needs cosmic-ray: importing this module does not.
    from cosmic_ray.work_db import WorkDB, use_db  # noqa: PLC0415
    from cosmic_ray.work_item import WorkerOutcome, WorkResult  # noqa: PLC0415

    left_out = _left_out(group)
    with use_db(str(session), WorkDB.Mode.open) as work_db:
        for item in list(work_db.pending_work_items):
            if left_out(item.mutations[0]):
                work_db.set_result(
                    item.job_id,
                    WorkResult(output="left out", worker_outcome=WorkerOutcome.SKIPPED),
                )
        pending = sum(1 for _ in work_db.pending_work_items)
    print(f"== {session.stem}: {pending} mutants to run", flush=True)


def _score(name: str, group: Group, session: Path) -> tuple[int, int, list[str]]:
    # Only `make mutation` needs cosmic-ray: importing this module does not.
    from cosmic_ray.work_db import WorkDB, use_db  # noqa: PLC0415
    from cosmic_ray.work_item import WorkerOutcome  # noqa: PLC0415

    left_out = _left_out(group)  # also what ran before a resumed run left it out
    listed = _equivalents()
    killed = mutants = 0
    survivors: list[str] = []
    per_module: dict[str, list[int]] = {}
    with use_db(str(session), WorkDB.Mode.open) as work_db:
        pending = sum(1 for _ in work_db.pending_work_items)
        for item, result in work_db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED or left_out(item.mutations[0]):
                continue
            if result.worker_outcome != WorkerOutcome.NORMAL:
                raise SystemExit(f"{name}: {item.job_id} {result.worker_outcome}: {result.output}")
            mutants += 1
            mutation = item.mutations[0]
            module = str(Path(mutation.module_path))
            counts = per_module.setdefault(module, [0, 0, 0, 0])  # mutants, killed, listed, left
            counts[0] += 1
            if result.is_killed:
                killed += 1
                counts[1] += 1
                continue
            line = _line(module, mutation.start_pos[0])
            if _is_equivalent(module, mutation.operator_name, line, listed, mutation.occurrence):
                killed += 1
                counts[2] += 1
                continue
            counts[3] += 1
            survivors.append(
                f"{module}:{mutation.start_pos[0]} {mutation.operator_name} "
                f"#{mutation.occurrence}\n    {line}\n{result.diff or ''}"
            )
    for module, (count, dead, equivalent, alive) in sorted(per_module.items()):
        print(
            f"== {name} {module}: {count} mutants, {dead} killed, {equivalent} listed "
            f"equivalent, {alive} survived"
        )
    if pending:
        print(f"== {name}: {pending} mutants not run (interrupted)")
    return killed, mutants, survivors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help=f"default: all of {', '.join(GROUPS)}")
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    parser.add_argument(
        "--resume", action="store_true", help="go on with an interrupted run (same groups)"
    )
    parser.add_argument(
        "--full", action="store_true", help="run all of a group's tests for every mutant"
    )
    parser.add_argument(
        "--recheck",
        action="store_true",
        help="run the survivors of a finished run again with the current tests (same groups)",
    )
    args = parser.parse_args(argv)
    global SELECT
    SELECT = not args.full
    if args.list:
        for name, group in GROUPS.items():
            scope = f" ({', '.join(group.functions)})" if group.functions else ""
            print(f"{name}: {', '.join(group.modules)}{scope} <- {' '.join(group.tests)}")
        return 0
    unknown = set(args.groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    WORK.mkdir(parents=True, exist_ok=True)
    global TREE
    TREE = WORK / ("tree-" + "-".join(args.groups or ["all"]))
    if args.recheck:  # the same code; its tests and the test files added since
        _recheck_tests()
    elif not args.resume:
        _copy_tree()
    scores: list[str] = []
    failed = False
    for name in args.groups or list(GROUPS):
        killed, mutants, survivors = run_group(
            name, GROUPS[name], resume=args.resume, recheck=args.recheck
        )
        for survivor in survivors:
            print(f"SURVIVED {survivor}")
        score = 100 * killed / mutants if mutants else 100.0
        scores.append(f"{name}: {killed}/{mutants} killed or listed equivalent ({score:.1f} %)")
        failed = failed or bool(survivors)
    print("\n".join(["== mutation score", *scores]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
