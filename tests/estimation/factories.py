"""Test data of the estimation tests: registrations with overlapping melder lists."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from bovenwater.accounts.models import Organisation
from bovenwater.registry.models import Person, Registration, Source


def add_registrations(
    rows: Sequence[tuple[str, int, str]], organisation: Organisation | None = None
) -> None:
    """Create registrations from ``(person key, year, melder type)`` rows."""
    persons: dict[str, Person] = {}
    for key, _year, _melder in rows:
        if key not in persons:
            persons[key] = Person.objects.get_or_create(pseudonym=f"test-{key}".ljust(64, "0"))[0]
    Registration.objects.bulk_create(
        [
            Registration(
                person=persons[key],
                registration_date=date(year, 3, 1 + i % 28),
                melder_type=melder,
                reporting_organisation=organisation,
                source=Source.IMPORT,
            )
            for i, (key, year, melder) in enumerate(rows)
        ]
    )


def synthetic_rows(
    year: int, population: int, probabilities: dict[str, float], seed: int, prefix: str = "p"
) -> list[tuple[str, int, str]]:
    """Independent lists over a hidden population: a capture-recapture textbook case."""
    rng = random.Random(seed)
    rows: list[tuple[str, int, str]] = []
    for n in range(population):
        for melder, p in probabilities.items():
            if rng.random() < p:
                rows.append((f"{prefix}{year}-{n}", year, melder))
    return rows
