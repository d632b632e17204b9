"""Publish a new open-data release from the count tables (fill them first)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.opendata import release_create


class Command(BaseCommand):
    help = "Fill the count tables and publish a k-anonymous open-data release."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--k", type=int, default=None, help="Minimum cell size (default: setting)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fill_counts()
        release = release_create(k=options["k"])
        self.stdout.write(f"Open-data release {release.pk} published with k={release.k}.")
