from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bovenwater.audit.privacy_jobs import retention_preview
from bovenwater.audit.retention import RETENTION_TABLE


class Command(BaseCommand):
    help = (
        "Show the retention table and what the case and signal retention jobs would delete "
        "at their next run (a dry run: counts only, nothing is changed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation", type=int, default=None, help="Only this organisation (id)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for rule in RETENTION_TABLE:
            self.stdout.write(
                f"{rule.key}: {rule.term_text()} ({rule.setting}) after {rule.starts}; "
                f"{rule.action}; job {rule.job}"
            )
        for report in retention_preview(organisation_id=options["organisation"]):
            self.stdout.write(
                f"dry run, {report.noun}: {report.deleted} would be deleted, "
                f"{report.held} held, per organisation {report.by_organisation or {}}"
            )
