"""Browser: the analyst's dashboard (filters, map, chart + table, CSV), roles, axe-core."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from tests.browser.axe import axe_violations
from tests.monitor.registry_factory import Spec, create
from tests.support import login

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.opendata import release_create

pytestmark = pytest.mark.browser


@pytest.fixture
def monitor_data(live_database: None) -> None:
    specs = []
    for year, scale in ((2023, 1), (2024, 2)):
        specs += [
            Spec(
                year,
                "PE-AMSTERDAM",
                "politie",
                False,
                "female",
                "NL",
                ("SEXUAL",),
                ("REC-LOVERBOY",),
                ("GM0363",),
            )
            for _ in range(20 * scale)
        ]
        specs += [
            Spec(
                year,
                "PE-ROTTERDAM",
                "ngo",
                False,
                "male",
                "PL",
                ("LABOUR",),
                ("CTL-DEBT-BONDAGE",),
                ("GM0599",),
            )
            for _ in range(15 * scale)
        ]
        specs += [
            Spec(year, "PE-LIMBURG", "kmar", True, "female", "NG", ("CRIMINAL",)) for _ in range(3)
        ]
    create(specs)
    fill_counts()
    release_create()


def sign_in(tab: Any, base: str, membership: Membership) -> None:
    """A verified session (password + TOTP done) handed to the browser as its cookie."""
    client = login(Client(), membership)
    tab.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )


def test_analyst_filters_sees_map_and_chart_with_table_and_downloads_csv(
    live_server: Any,
    monitor_data: None,
    page: Any,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Any],
) -> None:
    analyst = make_member(
        role=Role.ANALYST, organisation=make_organisation(kind=OrganisationKind.OTHER)
    )
    sign_in(page, live_server.url, analyst)
    page.goto(f"{live_server.url}/monitor/")
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    assert nav.get_by_role("link", name="Monitor").is_visible()
    filters = page.get_by_test_id("filters")
    filters.get_by_label("Jaar").select_option("2023")
    filters.get_by_role("button", name="Toon").click()
    page.wait_for_url("**/monitor/?jaar=2023*")
    assert page.get_by_test_id("total").inner_text().startswith("38")
    filters = page.get_by_test_id("filters")
    filters.get_by_label("Jaar").select_option("2024")
    filters.get_by_label("Politie-eenheid van de melder").select_option("PE-AMSTERDAM")
    filters.get_by_role("button", name="Toon").click()
    page.wait_for_url("**/monitor/?jaar=2024&eenheid=PE-AMSTERDAM*")
    assert page.get_by_test_id("total").inner_text().startswith("40")
    page.locator('[data-testid="chart-map"][data-rendered="true"]').wait_for()
    assert page.locator('[data-testid="chart-map"] svg path').count() > 300
    page.locator('[data-testid="chart-form"][data-rendered="true"]').wait_for()
    form_table = page.get_by_test_id("table-form")
    assert "Seksuele uitbuiting" in form_table.inner_text()
    assert "40" in form_table.inner_text()
    with page.expect_download() as download_info:
        page.get_by_test_id("csv-form").click()
    path = download_info.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "jaar,politie-eenheid,uitbuitingsvorm,code,omschrijving,aantal"
    assert "2024,PE-AMSTERDAM,*,SEXUAL,Seksuele uitbuiting,40" in text
    assert axe_violations(page) == []


def test_policy_officer_sees_the_monitor_but_not_the_import(
    live_server: Any,
    monitor_data: None,
    page: Any,
    make_member: Callable[..., Membership],
) -> None:
    sign_in(page, live_server.url, make_member(role=Role.POLICY_OFFICER))
    page.goto(f"{live_server.url}/monitor/?jaar=2024")
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    assert nav.get_by_role("link", name="Monitor").is_visible()
    assert nav.get_by_role("link", name="Registraties importeren").count() == 0
    assert page.get_by_test_id("total").inner_text().startswith("73")
    response = page.goto(f"{live_server.url}/registratie/import/")
    assert response.status == 403


def test_public_open_data_page_is_accessible_without_login(
    live_server: Any,
    monitor_data: None,
    page: Any,
) -> None:
    page.goto(f"{live_server.url}/monitor/open-data/")
    assert page.get_by_test_id("release-facts").is_visible()
    assert "<10" in page.get_by_test_id("open-melder").inner_text()
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("language", "grouped", "foreign"), [("nl", "1.000", "1,000"), ("en", "1,000", "1.000")]
)
def test_chart_axes_write_numbers_as_the_page_language_does(
    live_server: Any, page: Any, language: str, grouped: str, foreign: str
) -> None:
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"year": "2024", "count": 1250}, {"year": "2025", "count": 980}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "year", "type": "nominal"},
            "y": {
                "field": "count",
                "type": "quantitative",
                "axis": {"format": ",d", "tickMinStep": 1},
            },
        },
    }
    static = f"{live_server.url}/static"
    page.goto(f"{live_server.url}/toegankelijkheid/")  # same origin for the scripts
    page.set_content(
        f'<html lang="{language}"><body><div data-vega-spec="s"></div>'
        f'<script type="application/json" id="s">{json.dumps(spec)}</script>'
        f'<script src="{static}/vendor/vega/vega.min.js"></script>'
        f'<script src="{static}/vendor/vega/vega-lite.min.js"></script>'
        f'<script src="{static}/vendor/vega/vega-embed.min.js"></script>'
        f'<script src="{static}/monitor/charts.js"></script></body></html>'
    )
    page.locator("[data-vega-spec][data-rendered], [data-vega-spec][data-error]").wait_for()
    assert page.locator("[data-vega-spec]").get_attribute("data-error") is None
    page.locator('[data-vega-spec][data-rendered="true"]').wait_for()
    ticks = page.evaluate("Array.from(document.querySelectorAll('svg text'), t => t.textContent)")
    assert grouped in ticks
    assert foreign not in ticks
