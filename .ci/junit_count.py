"""Fail unless a pytest JUnit XML report shows tests that ran (CI's category guard).

    python3 .ci/junit_count.py REPORT.xml [--category browser] [--label TEXT]

Counts the test cases that ran (not skipped); with ``--category`` only those carrying
that ``category`` property (tests/conftest.py marks browser tests). Exit 1 when the
count is 0 or the report is missing, so a category cannot vanish silently.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def count_ran(report: Path, category: str | None = None) -> int:
    ran = 0
    for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314 (our own report)
        if case.find("skipped") is not None:
            continue
        if category is not None:
            properties = {prop.get("name"): prop.get("value") for prop in case.iter("property")}
            if properties.get("category") != category:
                continue
        ran += 1
    return ran


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--category")
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    what = f"{args.category} tests" if args.category else "tests"
    label = f" ({args.label})" if args.label else ""
    if not args.report.is_file():
        print(f"CI guard{label}: no test report at {args.report}", file=sys.stderr)
        return 1
    ran = count_ran(args.report, args.category)
    if ran == 0:
        print(f"CI guard{label}: no {what} ran", file=sys.stderr)
        return 1
    print(f"CI guard{label}: {ran} {what} ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
