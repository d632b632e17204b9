from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.axe import axe_violations
from tests.browser.support import fill_login

from bovenwater.intake.models import PublicAddition, Signal, SignalState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_report_with_receipt_code_and_follow_up(
    live_server: Any, accounts: None, page: Any
) -> None:
    page.goto(f"{live_server.url}/account/inloggen/")
    page.get_by_role("link", name="Anoniem melden").click()
    assert page.get_by_test_id("acute-notice").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Melding versturen").click()  # empty: errors, nothing stored
    assert "Beschrijf wat u heeft gezien of gehoord." in page.content()
    page.get_by_label("Wat heeft u gezien of gehoord?").fill(
        "In de nagelstudio slapen meisjes achter in de zaak."
    )
    page.get_by_label("In welke gemeente was dit?").select_option(label="Rotterdam")
    page.get_by_label("Ja").check()
    page.get_by_role("button", name="Melding versturen").click()
    code = page.get_by_test_id("receipt-code").inner_text()
    assert len(code) == 14
    assert axe_violations(page) == []

    page.get_by_role("link", name="Informatie toevoegen aan een melding").click()
    page.get_by_label("Uw ontvangstcode").fill(code)
    page.get_by_label("Wat wilt u toevoegen?").fill("Er stopt elke avond een witte bus.")
    page.get_by_role("button", name="Toevoegen").click()
    assert page.get_by_test_id("addition-done").is_visible()
    signal = Signal.objects.get()
    assert signal.involves_minor is True
    assert PublicAddition.objects.get(signal=signal).text == "Er stopt elke avond een witte bus."


def test_professional_signal_is_triaged_into_a_case(
    live_server: Any, accounts: None, page: Any, browser: Any
) -> None:
    fill_login(page, live_server.url, "demo.signaleerder.rotterdam")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Signalen", exact=True
    ).click()
    page.get_by_role("link", name="Nieuw signaal melden").click()
    assert axe_violations(page) == []
    page.get_by_label("Wat is er gesignaleerd?").fill(
        "Slaapzakken in de achterkeuken van een restaurant."
    )
    page.get_by_label("Gemeente plaats delict").select_option(label="Rotterdam")
    with page.expect_response("**/signalen-kiezen/**"):
        page.get_by_label("Arbeidsuitbuiting").check()  # htmx reloads the checklist
    # Indicators come by theme, collapsed; a note field appears only once one is ticked.
    # The new checklist is swapped in and settled (a locator, not a JS string: the CSP
    # forbids eval, which wait_for_function with a string needs).
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    page.locator("#indicator-options details summary").first.click()
    first_indicator = page.locator("#indicator-options input[type=checkbox]").first
    note = page.locator("#indicator-options input.bw-note").first
    assert note.is_hidden()
    first_indicator.check()
    assert note.is_visible()
    note.fill("Zes slaapzakken, geen bedden.")
    page.get_by_label("Geschatte leeftijd").fill("29")
    page.get_by_role("button", name="Signaal versturen").click()
    page.wait_for_url("**/signalen/S-*/")
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert "Gemeente Rotterdam" in page.content()

    context = browser.new_context(locale="nl-NL")
    contact = context.new_page()
    fill_login(contact, live_server.url, "demo.aandachtsfunctionaris.rotterdam")
    contact.wait_for_url(f"{live_server.url}/")
    contact.goto(f"{live_server.url}/signalen/{reference}/")
    assert contact.get_by_role("heading", name=f"Signaal {reference}").is_visible(), (
        contact.content()[:3000]
    )
    assert axe_violations(contact) == []
    contact.get_by_label("Besluit").select_option("case_opened")
    contact.get_by_label("Toelichting").fill("Zorgcoördinatie inschakelen.")
    contact.get_by_role("button", name="Besluit vastleggen").click()
    assert contact.get_by_test_id("signal-state").inner_text() == "Casus geopend"
    case_number = contact.get_by_test_id("case-reference").inner_text()
    context.close()
    signal = Signal.objects.get(reference=reference)
    assert signal.state == SignalState.CASE_OPENED
    assert signal.case_reference == case_number
