"""Recompute the case list's count table from the cases (``--check``: only compare)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bovenwater.cases.services import case_counts_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the number of cases per organisation and state from the cases "
        "(after a bulk load); --check only reports differences."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare only; exit with an error when the table differs from the cases.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        drift = case_counts_rebuild(check_only=options["check"])
        for (owner_id, state), difference in sorted(drift.items()):
            self.stdout.write(f"organisation {owner_id}, state {state}: {difference:+d}")
        if not drift:
            self.stdout.write("Case counts match the cases.")
        elif options["check"]:
            raise CommandError(f"{len(drift)} case counts differ from the cases.")
        else:
            self.stdout.write(f"{len(drift)} case counts corrected.")
