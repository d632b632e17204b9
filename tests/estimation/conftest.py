"""Fixtures of the estimation tests: a small synthetic registry with overlapping lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.estimation.factories import add_registrations, synthetic_rows

from bovenwater.accounts.models import Organisation
from bovenwater.registry.models import MelderType

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Estimates run at once in tests, whatever the environment says."""
    settings.TASKS = {
        "default": {"BACKEND": IMMEDIATE, "QUEUES": ["default", "audit", "notifications"]}
    }


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
