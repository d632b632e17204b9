from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.webscan.factories import World, corpus_lines

from bovenwater.accounts.models import Membership, Organisation


@pytest.fixture(autouse=True)
def _private_media_and_immediate_tasks(settings: Any, tmp_path: Path) -> None:
    """Uploads in a temporary folder; scans run at once, whatever the environment says."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "audit", "notifications"],
        }
    }


@pytest.fixture
def world(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., Membership]
) -> World:
    return World(make_organisation, make_member, "Politie Testeenheid")


@pytest.fixture
def other_world(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., Membership]
) -> World:
    return World(make_organisation, make_member, "Politie Andere Eenheid", "GM0599")


@pytest.fixture(scope="session")
def small_corpus() -> list[str]:
    return corpus_lines(200, seed=7)
