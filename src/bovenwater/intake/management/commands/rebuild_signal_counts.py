"""Recompute the signal count table from the signals (``--check``: only compare)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bovenwater.intake.counts import signal_counts_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the number of signals per receiving organisation, state and response "
        "date from the signals (after a bulk load); --check only reports differences."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare only; exit with an error when the table differs from the signals.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        drift = signal_counts_rebuild(check_only=options["check"])
        for (organisation_id, state, due), difference in sorted(drift.items()):
            self.stdout.write(
                f"organisation {organisation_id}, state {state}, due {due}: {difference:+d}"
            )
        if not drift:
            self.stdout.write("Signal counts match the signals.")
        elif options["check"]:
            raise CommandError(f"{len(drift)} signal counts differ from the signals.")
        else:
            self.stdout.write(f"{len(drift)} signal counts corrected.")
