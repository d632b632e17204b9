"""Per-line test selection for `make mutation` (.ci/mutation.py).

Two roles in one file:

* a pytest plugin (``-p mutation_select``, loaded only by the group's baseline run under
  coverage) that names the dynamic coverage context after the test being run, set-up and
  tear-down included, so the baseline records which tests execute each line;
* the test command Cosmic Ray runs for every mutant::

      python .ci/mutation_select.py var/mutation/GROUP-select.json

  It compares the group's modules in the mutation tree with their pristine text, maps the
  changed lines to the tests that executed their statement in the baseline, and runs only
  those (``pytest -x``). A statement no test executes cannot change any test's outcome, so
  its mutant survives at once (exit 0). A statement executed outside any test (at import)
  runs all of the group's tests.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pytest

ALL = "*"  # run every test of the group


# -- the pytest plugin (baseline only) -----------------------------------------------------


def _switch(context: str) -> None:
    import coverage  # noqa: PLC0415 (only the baseline runs under coverage)

    current = coverage.Coverage.current()
    if current is not None:
        current.switch_context(context)


def pytest_collection_finish(session: Any) -> None:
    """Import the group's modules before the first test: a module first imported inside
    a test (a view's URLconf, say) would have its import-time lines (definitions,
    decorators, defaults) recorded for that test only, instead of for all of them."""
    for name in filter(None, os.environ.get("MUTATION_MODULES", "").split(",")):
        importlib.import_module(name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Generator[None, object, object]:
    _switch(item.nodeid)
    try:
        return (yield)
    finally:
        _switch("")


# -- the map from line to tests (built once per group) -------------------------------------


def _owners(tree: ast.Module) -> dict[int, ast.stmt]:
    """The innermost statement on each line (decorators count as their definition's)."""
    owners: dict[int, ast.stmt] = {}

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                for line in _span(child):
                    owners[line] = child
            visit(child)

    visit(tree)
    return owners


def _span(node: ast.stmt) -> range:
    starts = [node.lineno]
    starts += [d.lineno for d in getattr(node, "decorator_list", [])]
    return range(min(starts), (node.end_lineno or node.lineno) + 1)


def _relevant(node: ast.stmt, line: int) -> range:
    """The lines whose execution shows that a change on ``line`` can matter: the whole of
    a simple statement, the header of a compound one, all of it for a line that belongs to
    no nested statement (``except``, ``case``)."""
    body = getattr(node, "body", None)
    span = _span(node)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt) and line < body[0].lineno:
        return range(span.start, body[0].lineno)
    return span


def line_map(source: str, contexts: dict[int, Iterable[str]]) -> dict[str, Any]:
    """Line number -> the node ids of the tests that execute its statement, or ``ALL``."""
    tree = ast.parse(source)
    owners = _owners(tree)
    result: dict[str, Any] = {}
    for line in range(1, len(source.splitlines()) + 1):
        node = owners.get(line)
        if node is None:
            continue
        tests: set[str] = set()
        for executed in _relevant(node, line):
            tests.update(contexts.get(executed, ()))
        if "" in tests:
            result[str(line)] = ALL
        elif tests:
            result[str(line)] = sorted(tests)
    return result


def build(data_file: Path, tree: Path, modules: Iterable[str]) -> dict[str, Any]:
    from coverage import CoverageData  # noqa: PLC0415

    data = CoverageData(basename=str(data_file))
    data.read()
    found: dict[str, Any] = {}
    for module in modules:
        path = (tree / module).resolve()
        source = path.read_text()
        contexts = data.contexts_by_lineno(str(path)) if data.lines(str(path)) else {}
        found[module] = {"pristine": source, "lines": line_map(source, contexts)}
    return found


# -- the test command ----------------------------------------------------------------------


def _changed(pristine: str, mutated: str) -> set[int]:
    old, new = pristine.splitlines(), mutated.splitlines()
    lines: set[int] = set()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            lines.update(range(i1 + 1, i2 + 1))
        elif tag == "insert":
            lines.update({i1, i1 + 1})
    return lines


def select(spec: dict[str, Any], root: Path) -> list[str] | None:
    """The tests to run for the mutant in ``root``; None for all of the group's."""
    tests: set[str] = set()
    changed_any = False
    for module, known in spec["modules"].items():
        mutated = (root / module).read_text()
        if mutated == known["pristine"]:
            continue
        changed_any = True
        compile(mutated, module, "exec")  # a mutant that does not compile is killed
        for line in _changed(known["pristine"], mutated):
            found = known["lines"].get(str(line))
            if found == ALL:
                return None
            tests.update(found or ())
    return sorted(tests) if changed_any else None


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[1]).read_text())
    root = Path.cwd()
    try:
        tests = select(spec, root)
    except SyntaxError:
        return 1
    if tests == []:
        print("no test executes the mutated statement: survived")
        return 0
    command = [*spec["command"], *(spec["tests"] if tests is None else tests)]
    return subprocess.run(command, check=False, env=os.environ).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main(sys.argv))
