"""Browser test: an analyst reviews a network and promotes it to a signal; axe-core is clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.browser.axe import axe_violations
from tests.browser.support import log_in
from tests.support import TEST_PASSWORD
from tests.webscan.factories import World

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.intake.models import Signal
from bovenwater.webscan.models import Network, NetworkState, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_reviews_a_network_and_promotes_it_to_a_signal(
    live_server: Any,
    live_database: None,
    page: Any,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    small_corpus: list[str],
) -> None:
    world = World(make_organisation, make_member, "Politie browsertest")
    world.scan(small_corpus)
    top = Network.objects.order_by("-risk", "-ad_count", "pk").first()
    assert top is not None
    analyst = world.analyst
    log_in(page, live_server.url, analyst.user.username, password=TEST_PASSWORD)

    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    nav.get_by_role("link", name="Webscan", exact=True).click()
    page.wait_for_url(f"{live_server.url}/webscan/")
    queue = page.get_by_test_id("queue")
    first_link = queue.get_by_role("link").first
    assert first_link.inner_text() == top.cluster_id
    assert axe_violations(page) == []

    first_link.click()
    page.wait_for_url(f"{live_server.url}/webscan/netwerken/{top.pk}/")
    assert page.get_by_test_id("template").locator("mark").count() >= 1
    indicators = page.get_by_test_id("indicators")
    assert indicators.locator("tbody tr").count() == len(top.indicators) + len(top.ad_indicators)
    city_map = page.locator("[data-testid=city-map][data-rendered=true]")
    city_map.wait_for()
    assert city_map.locator("path").count() > 300  # every municipality is drawn
    assert axe_violations(page) == []

    page.get_by_label("Signaal maken").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_url(f"{live_server.url}/webscan/netwerken/{top.pk}/")
    signal = Signal.objects.get()
    link = page.get_by_test_id("signal-link")
    assert link.inner_text() == signal.reference
    assert page.get_by_test_id("network-state").inner_text() == "Signaal gemaakt"
    top.refresh_from_db()
    assert top.state == NetworkState.PROMOTED and top.signal == signal
    assert axe_violations(page) == []
    link.click()
    page.wait_for_url(f"{live_server.url}/signalen/{signal.reference}/")

    # the scan, an advertisement and the source are accessible too
    page.goto(f"{live_server.url}/webscan/scans/{top.run_id}/")
    assert page.get_by_test_id("ads-read").inner_text() == "200"
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/webscan/netwerken/{top.pk}/")
    page.get_by_test_id("ad").first.get_by_role("link").click()
    page.wait_for_url("**/webscan/advertenties/*/")
    assert page.get_by_test_id("ad-body").is_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/webscan/bronnen/{top.run.source_id}/")
    assert page.get_by_role("button", name="Scan starten").is_visible()
    assert axe_violations(page) == []


def test_administrator_records_a_crawler_source_only_with_purpose_and_legal_basis(
    live_server: Any,
    live_database: None,
    page: Any,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
) -> None:
    world = World(make_organisation, make_member, "Politie bronnentest")
    log_in(page, live_server.url, world.admin.user.username, password=TEST_PASSWORD)
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    nav.get_by_role("link", name="Webscanbronnen").click()
    page.get_by_role("link", name="Nieuwe bron vastleggen").click()
    page.get_by_label("Naam van de bron").fill("Advertentiesite Z")
    page.get_by_label("Soort bron").select_option("crawler")
    page.get_by_label("Adres van de website (alleen bij een crawler)").fill(
        "https://ads.example.test"
    )
    page.get_by_label("Functie opdrachtgever").fill("Teamchef")
    page.get_by_label("Datum toestemming").fill("2026-01-01")
    page.get_by_role("button", name="Bron vastleggen").click()
    assert page.get_by_text(
        "Een crawler mag alleen draaien met een vastgelegd doel, grondslag en opdrachtgever."
    ).first.is_visible()
    assert page.get_by_label("Naam van de bron").input_value() == "Advertentiesite Z"
    assert Source.objects.count() == 0
    assert axe_violations(page) == []
    page.get_by_label("Doel").fill("Signalen van seksuele uitbuiting opsporen")
    page.get_by_label("Grondslag").fill("Wet politiegegevens art. 3")
    page.get_by_label("Naam opdrachtgever").fill("A. Opdracht")
    page.get_by_role("button", name="Bron vastleggen").click()
    page.wait_for_url("**/webscan/bronnen/*/")
    source = Source.objects.get()
    assert source.kind == "crawler" and source.authoriser_name == "A. Opdracht"
    assert axe_violations(page) == []
