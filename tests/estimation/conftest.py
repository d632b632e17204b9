"""Fixtures of the estimation tests: a small synthetic registry with overlapping lists."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pytest

from bovenwater.accounts.models import Organisation
from bovenwater.registry.models import MelderType, Person, Registration, Source

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Estimates run at once in tests, whatever the environment says."""
    settings.TASKS = {
        "default": {"BACKEND": IMMEDIATE, "QUEUES": ["default", "audit", "notifications"]}
    }


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


THREE_LISTS: dict[str, float] = {
    MelderType.POLICE: 0.35,
    MelderType.CARE_COORDINATION: 0.30,
    MelderType.NGO: 0.25,
}


@pytest.fixture
def registry(db: None) -> Callable[..., None]:
    """Two years of synthetic registrations (hidden populations 400 and 300)."""

    def make(organisation: Organisation | None = None) -> None:
        add_registrations(
            synthetic_rows(2023, 400, THREE_LISTS, seed=1)
            + synthetic_rows(2024, 300, THREE_LISTS, seed=2),
            organisation,
        )

    return make
