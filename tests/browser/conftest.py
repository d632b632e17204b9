"""Fixtures shared by the browser tests."""

from __future__ import annotations

from typing import Any

import pytest

import bovenwater.core.demo as demo
from bovenwater.core.demo import seed_demo


@pytest.fixture
def accounts(live_database: None, settings: Any) -> None:
    """The demo organisations and accounts only (no demo signals or cases)."""
    settings.DEMO_MODE = True
    settings.PUBLIC_REPORT_RATE_LIMIT = 50

    steps = demo.DEMO_STEPS
    demo.DEMO_STEPS = ()
    try:
        seed_demo()
    finally:
        demo.DEMO_STEPS = steps
