"""Line coverage of the access-rule modules (selectors and services), with a floor.

    python3 .ci/coverage_floor.py COVERAGE.json [--floor PERCENT]

Reads ``coverage json`` output, sums the statements of every ``selectors`` and
``services`` module (``*/selectors.py``, ``*_services.py``, ``*/services/*.py`` …),
prints each module's percentage (lowest first) and, when ``--floor`` is given, exits 1
when their total is below it. The whole package's floor is ``fail_under`` in
pyproject.toml (``coverage report``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

RULE_MODULES = re.compile(r"(^|/)(\w+_)?(selectors|services)(\.py$|/)")


def rule_modules(report: dict[str, object]) -> dict[str, tuple[int, int]]:
    """Path -> (covered lines, statements) of the selectors and services modules."""
    files = report["files"]
    assert isinstance(files, dict)
    found = {}
    for path, data in files.items():
        if RULE_MODULES.search(path.replace("\\", "/")):
            summary = data["summary"]
            found[path] = (int(summary["covered_lines"]), int(summary["num_statements"]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--floor", type=float)
    args = parser.parse_args(argv)
    modules = rule_modules(json.loads(args.report.read_text()))
    covered = sum(c for c, _n in modules.values())
    statements = sum(n for _c, n in modules.values())
    if statements == 0:
        print("coverage floor: no selectors or services modules measured", file=sys.stderr)
        return 1
    for path, (c, n) in sorted(modules.items(), key=lambda item: item[1][0] / max(item[1][1], 1)):
        print(f"  {100 * c / max(n, 1):6.1f} %  {path}")
    total = 100 * covered / statements
    if args.floor is None:
        print(f"selectors and services: {total:.1f} % of {statements} lines (no floor set)")
        return 0
    verdict = "ok" if total >= args.floor else "BELOW THE FLOOR"
    print(
        f"selectors and services: {total:.1f} % of {statements} lines "
        f"(floor {args.floor} %): {verdict}"
    )
    return 0 if total >= args.floor else 1


if __name__ == "__main__":
    sys.exit(main())
