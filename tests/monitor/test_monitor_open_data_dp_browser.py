"""Browser: the public page of a differentially private release, axe-core clean."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.axe import axe_violations
from tests.monitor.registry_factory import Spec, create

from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.models import OpenDataRelease
from bovenwater.monitor.opendata import release_create

pytestmark = pytest.mark.browser


def test_dp_open_data_page_is_accessible_without_login(
    live_server: Any, live_database: None, page: Any
) -> None:
    create([Spec(2024, "PE-AMSTERDAM", "politie", False, "female", "NL") for _ in range(30)])
    fill_counts()
    release_create(
        privacy=OpenDataRelease.Privacy.DIFFERENTIAL_PRIVACY, epsilon=1.0, years=[2023, 2024]
    )
    page.goto(f"{live_server.url}/monitor/open-data/")
    method = page.get_by_test_id("release-method").inner_text()
    assert method.startswith("Differentiële privacy")
    assert page.get_by_test_id("release-budget").inner_text().startswith("ε = 1 (δ = 0)")
    assert page.get_by_test_id("margin-total").is_visible()
    assert axe_violations(page) == []
