"""``manage.py load_reference_data``: load the versioned reference data files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bovenwater.reference.loader import (
    DATA_DIR,
    LoadReport,
    ReferenceDataError,
    load_reference_data,
)


class Command(BaseCommand):
    help = (
        "Load the reference data files (municipalities, forms of exploitation, indicators, "
        "sectors, nationalities, HTCDS methods) listed in data/manifest.yaml. Idempotent: "
        "only changed entries are written, removed entries are closed (valid_to), never deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="Folder with manifest.yaml and the data files (default: the packaged data).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and count what would change, then roll back.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_reference_data(options["data_dir"], dry_run=options["dry_run"])
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(format_report(report))


def format_report(report: LoadReport) -> str:
    header = ("model", "created", "updated", "unchanged", "closed")
    rows = [
        (name, str(c.created), str(c.updated), str(c.unchanged), str(c.closed))
        for name, c in report.counts.items()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        )
        for row in [header, *rows]
    ]
    versions = ", ".join(f"{name} {version}" for name, version in report.versions.items())
    if report.dry_run:
        verdict = "checked (dry run, nothing written)"
    else:
        verdict = "loaded" if report.changed else "already up to date"
    lines.append(f"Reference data {verdict} in {report.seconds:.2f}s ({versions}).")
    return "\n".join(lines)
