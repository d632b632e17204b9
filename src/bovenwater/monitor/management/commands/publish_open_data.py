"""Publish a new open-data release from the count tables (fill them first)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.models import OpenDataRelease
from bovenwater.monitor.opendata import release_create


def _years(text: str) -> list[int]:
    first, _dash, last = text.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise CommandError("--years takes a year or a range such as 2015-2025.") from None
    if start > end:
        raise CommandError("--years: the first year comes after the last.")
    return list(range(start, end + 1))


class Command(BaseCommand):
    help = (
        "Fill the count tables and publish an open-data release: k-anonymous, or with "
        "differential privacy (OpenDP) on top."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--k", type=int, default=None, help="Minimum cell size (default: setting)."
        )
        parser.add_argument(
            "--privacy",
            choices=OpenDataRelease.Privacy.values,
            default=None,
            help="k_anonymity or differential_privacy (default: OPEN_DATA_PRIVACY).",
        )
        parser.add_argument(
            "--epsilon",
            type=float,
            default=None,
            help="Total privacy budget of a differentially private release "
            "(default: OPEN_DATA_EPSILON).",
        )
        parser.add_argument(
            "--years",
            default=None,
            help="Years of a differentially private release, e.g. 2015-2025 "
            "(default: 2015 up to this year).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = _years(options["years"]) if options["years"] else None
        epsilon = options["epsilon"]
        if epsilon is not None and not epsilon > 0:
            raise CommandError("--epsilon must be a positive number.")
        fill_counts()
        try:
            release = release_create(
                k=options["k"], privacy=options["privacy"], epsilon=epsilon, years=years
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        if release.privacy == OpenDataRelease.Privacy.DIFFERENTIAL_PRIVACY:
            self.stdout.write(
                f"Open-data release {release.pk} published with differential privacy "
                f"(epsilon={release.epsilon:g}, delta=0, {release.library}) and k={release.k}."
            )
        else:
            self.stdout.write(f"Open-data release {release.pk} published with k={release.k}.")
