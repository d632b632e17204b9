from __future__ import annotations

from typing import Any

import pytest
from tests.browser.axe import axe_violations
from tests.browser.support import fill_login

from bovenwater.accounts.models import User
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.core.demo import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARE_COORDINATOR = "demo.zorgcoordinator.amsterdam"
CONTACT_OFFICER = "demo.aandachtsfunctionaris.amsterdam"
PRIVACY_OFFICER = "demo.fg.amsterdam"


@pytest.fixture
def demo(live_database: None, settings: Any) -> None:
    settings.DEMO_MODE = True
    seed_demo()


def test_care_coordinator_logs_in_with_totp_switches_language_and_sees_role_navigation(
    live_server: Any, demo: None, page: Any
) -> None:
    page.goto(f"{live_server.url}/account/inloggen/")
    assert "demo.zorgcoordinator.amsterdam" in page.content()  # demo accounts listed in demo mode
    assert axe_violations(page) == []

    fill_login(page, live_server.url, CARE_COORDINATOR)
    page.wait_for_url(f"{live_server.url}/")
    acting = page.get_by_test_id("acting").inner_text()
    assert "Zorgcoördinatie mensenhandel Amstelland" in acting
    assert "Zorgcoördinator" in acting
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    assert nav.get_by_role("link", name="Signalenlijsten").is_visible()
    assert nav.get_by_role("link", name="Leden").is_visible()
    assert nav.get_by_role("link", name="Verwerkingslogboek").count() == 0
    assert axe_violations(page) == []

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Indicator lists").is_visible()
    assert "Care coordinator" in page.get_by_test_id("acting").inner_text()


def test_wrong_totp_shows_a_clear_dutch_error(live_server: Any, demo: None, page: Any) -> None:
    fill_login(page, live_server.url, CARE_COORDINATOR, token="123456")
    error = page.get_by_test_id("token-error")
    assert "De code is onjuist of verlopen" in error.inner_text()
    assert page.url.endswith("/account/inloggen/code/")


def test_privacy_officer_sees_the_login_in_the_processing_log(
    live_server: Any, demo: None, page: Any, browser: Any
) -> None:
    colleague_context = browser.new_context(locale="nl-NL")
    colleague = colleague_context.new_page()
    fill_login(colleague, live_server.url, CONTACT_OFFICER)
    colleague.wait_for_url(f"{live_server.url}/")
    colleague_context.close()
    user = User.objects.get(username=CONTACT_OFFICER)
    assert ProcessingLogEntry.objects.filter(action=Action.LOGIN, actor_user_id=user.pk).exists()

    fill_login(page, live_server.url, PRIVACY_OFFICER)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Verwerkingslogboek"
    ).click()
    # People are picked by name, not typed as user names.
    page.locator("#id_actor").select_option(CONTACT_OFFICER)  # the "Medewerker" select
    page.get_by_label("Handeling").select_option("login")
    page.get_by_role("button", name="Toon").click()
    table = page.get_by_test_id("log-table")
    rows = table.locator("tbody tr")
    assert rows.count() == 1
    assert user.get_full_name() in rows.first.inner_text()
    assert CONTACT_OFFICER not in rows.first.inner_text()
    assert "inloggen" in rows.first.inner_text()
    assert axe_violations(page) == []
