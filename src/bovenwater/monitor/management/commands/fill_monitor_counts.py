"""Fill the monitor's count tables from the registry (incrementally, or ``--full``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bovenwater.monitor.fill import fill_counts


class Command(BaseCommand):
    help = "Fill the monitor's count tables from new registrations (--full rebuilds them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Rebuild all count tables.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = fill_counts(full=options["full"])
        self.stdout.write(
            f"{result.registrations_added} registrations added, {result.cells_written} cells "
            f"written, up to registration {result.last_registration_id}; suppression "
            f"recomputed for {len(result.years_resuppressed)} years."
        )
