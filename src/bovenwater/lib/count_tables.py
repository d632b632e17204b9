"""What the count tables (``cases.CaseCount``, ``intake.SignalCount``) share: comparing a
stored table with a recount, and the ``rebuild_*_counts [--check]`` commands.

Each app keeps its own table in its services, in the transaction of the change; after a
bulk load its ``*_counts_rebuild`` recounts and rewrites the table under a lock and
returns the difference it found (``drift``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

K = TypeVar("K", bound=Hashable)


def drift(stored: Mapping[K, int], actual: Mapping[K, int]) -> dict[K, int]:
    """``{key: stored - actual}`` for every key whose counts differ (absent counts 0)."""
    return {
        key: stored.get(key, 0) - actual.get(key, 0)
        for key in stored.keys() | actual.keys()
        if stored.get(key, 0) != actual.get(key, 0)
    }


class RebuildCountsCommand(BaseCommand):
    """``rebuild_<noun>_counts [--check]``: recount, or only compare and fail on drift."""

    noun = ""  # "case", "signal"

    def rebuild(self, *, check_only: bool) -> Mapping[tuple[Any, ...], int]:
        raise NotImplementedError

    def describe(self, key: tuple[Any, ...]) -> str:
        return ", ".join(str(part) for part in key)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare only; exit with an error when the table differs from the records.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = self.rebuild(check_only=options["check"])
        for key, difference in sorted(found.items()):
            self.stdout.write(f"{self.describe(key)}: {difference:+d}")
        if not found:
            self.stdout.write(f"{self.noun.capitalize()} counts match the {self.noun}s.")
        elif options["check"]:
            raise CommandError(f"{len(found)} {self.noun} counts differ from the {self.noun}s.")
        else:
            self.stdout.write(f"{len(found)} {self.noun} counts corrected.")
