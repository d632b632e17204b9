"""A case walked through the real UI: open → referral with consent → shelter placement →
B8 deadline on the dashboard → closure; consent withdrawal ends the partner's access;
axe-core finds nothing on the case page and the capacity board."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.axe import axe_violations
from tests.browser.support import log_in

from bovenwater.accounts.models import Organisation
from bovenwater.cases.models import Case, Shelter, ShelterCapacity
from bovenwater.core import demo as core_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "demo.zorgcoordinator.amsterdam"
INVESTIGATOR = "demo.opsporing.amsterdam"
POLICE = "Politie Amsterdam — team mensenhandel"


@pytest.fixture
def region(live_database: None, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Shelter:
    settings.DEMO_MODE = True
    monkeypatch.setattr(core_demo, "DEMO_STEPS", ())  # organisations and accounts only
    core_demo.seed_demo()
    organisation = Organisation.objects.get(name="Opvanghuis De Vuurtoren Amsterdam")
    shelter = Shelter.objects.create(
        name="De Vuurtoren Amsterdam — locatie Oost",
        organisation=organisation,
        region_id=organisation.municipality.police_unit_id,
        municipality=organisation.municipality,
    )
    ShelterCapacity.objects.create(shelter=shelter, category="women", places=2)
    return shelter


def _transition(page: Any, state: str, reason: str = "") -> None:
    form = page.get_by_test_id("transition-form")
    form.get_by_label("Nieuwe status").select_option(label=state)
    if reason:
        form.get_by_label("Reden").fill(reason)
    form.get_by_role("button", name="Status wijzigen").click()
    page.wait_for_load_state()


def test_case_from_opening_to_closure(
    live_server: Any, region: Shelter, page: Any, browser: Any
) -> None:
    base = live_server.url
    log_in(page, base, COORDINATOR)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Casussen"
    ).click()
    page.get_by_role("link", name="Nieuwe casus openen").click()

    # A mistake first: the form says what is missing, in Dutch, and keeps the input.
    page.get_by_label("Taal").fill("Roemeens")
    page.get_by_role("button", name="Casus openen").click()
    assert "Vul een geschatte leeftijd of een geboortedatum in." in page.content()
    assert page.get_by_label("Taal").input_value() == "Roemeens"
    page.get_by_label("Geschatte leeftijd").fill("23")
    page.get_by_label("Gender").select_option(label="Vrouw")
    page.get_by_label("Nationaliteit").select_option(label="Roemenië")
    page.get_by_label("Voornaam").fill("Ioana")
    page.get_by_role("button", name="Casus openen").click()
    page.wait_for_url("**/casussen/*/")
    case = Case.objects.get()
    assert case.number in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("case-state").inner_text() == "Aangemeld"
    assert axe_violations(page) == []

    _transition(page, "Intake")
    _transition(page, "Bedenktijd (B8)")
    assert page.get_by_test_id("case-state").inner_text() == "Bedenktijd (B8)"
    case_base = page.url.split("?")[0]
    page.get_by_test_id("tab-traject").click()
    assert "niet gestart" not in page.get_by_test_id("b8").inner_text()

    # Consent, then a referral to the police resting on it.
    page.get_by_test_id("tab-verwijzingen").click()
    page.locator("summary", has_text="Toestemming vastleggen").click()
    consent = page.get_by_test_id("consent-form")
    consent.get_by_label("Waarvoor (welke gegevens)").fill("Persoonsgegevens en verklaring")
    consent.get_by_label("Aan wie").select_option(label=POLICE)
    consent.get_by_label("Doel").fill("Aangifte mensenhandel")
    consent.get_by_label("Datum").fill(case.opened_at.date().isoformat())
    consent.get_by_label("Gegeven door").fill("Betrokkene zelf")
    consent.get_by_role("button", name="Toestemming vastleggen").click()
    page.wait_for_load_state()
    assert "Persoonsgegevens en verklaring" in page.get_by_test_id("consents").inner_text()

    page.locator("summary", has_text="Verwijzing versturen").click()
    referral = page.get_by_test_id("referral-form")
    referral.get_by_label("Naar organisatie").select_option(label=POLICE)
    referral.get_by_label("Soort verwijzing").select_option(label="Politie (aangifte)")
    referral.get_by_label("Toestemming").select_option(index=1)
    referral.get_by_label("Kerngegevens (nummer, status, vormen)").check()
    referral.get_by_label("Persoonsgegevens slachtoffer").check()
    referral.get_by_role("button", name="Verwijzing versturen").click()
    page.wait_for_load_state()
    assert "Verzonden" in page.get_by_test_id("referrals").inner_text()
    case_url = page.url

    # The police accept and see the agreed parts only.
    police_context = browser.new_context(locale="nl-NL")
    police = police_context.new_page()
    log_in(police, base, INVESTIGATOR)
    police.goto(f"{base}/casussen/verwijzingen/")
    police.get_by_role("link", name=case.number).click()
    police.get_by_role("button", name="Accepteren").click()
    police.wait_for_load_state()
    assert police.get_by_test_id("referral-status").inner_text() == "Geaccepteerd"
    police.goto(f"{case_base}?tab=persoon")
    assert "Ioana" in police.get_by_test_id("victim").inner_text()
    assert police.get_by_test_id("tab-tijdlijn").count() == 0

    # A shelter placement through the capacity board.
    page.get_by_test_id("tab-opvang").click()
    page.locator("summary", has_text="Plaatsing aanvragen").click()
    placement = page.get_by_test_id("placement-form")
    placement.get_by_label("Categorie opvang").select_option(label="Vrouwenopvang")
    placement.get_by_role("button", name="Plaatsing aanvragen").click()
    page.wait_for_load_state()
    page.goto(f"{base}/casussen/opvang/")
    assert (
        "De Vuurtoren Amsterdam — locatie Oost"
        in page.get_by_test_id("capacity-table").inner_text()
    )
    assert axe_violations(page) == []
    waiting = page.get_by_test_id("waiting-list")
    waiting.get_by_label("Opvanglocatie").select_option(label=region.name)
    waiting.get_by_role("button", name="Plaatsen").click()
    page.wait_for_load_state()
    assert "De wachtlijst is leeg." in page.get_by_test_id("waiting-list").inner_text()
    row = page.get_by_test_id("capacity-table").get_by_role("row", name=region.name)
    assert row.get_by_role("cell").nth(2).inner_text() == "1"  # occupied

    # The B8 deadline is on the coordinator's dashboard, in words as well as colour.
    page.goto(f"{base}/casussen/")
    deadlines = page.get_by_test_id("deadlines").inner_text()
    assert case.number in deadlines and "Einde bedenktijd (B8)" in deadlines
    assert axe_violations(page) == []

    # Withdrawing the consent ends the police's access from that moment.
    page.goto(f"{case_base}?tab=verwijzingen")
    page.get_by_test_id("withdraw-consent").click()
    page.wait_for_load_state()
    assert "Ingetrokken op" in page.get_by_test_id("consents").inner_text()
    response = police.goto(case_url)
    assert response.status == 404
    assert "Ioana" not in police.content()
    assert "niet meer met u gedeeld" in police.content()
    police_context.close()

    # Closure needs a reason.
    page.goto(case_base)
    _transition(page, "Afgesloten")
    assert "Geef een reden op" in page.get_by_test_id("transition-error").inner_text()
    # ... and no open work: the current placement is listed until its departure is recorded
    _transition(page, "Afgesloten", reason="Betrokkene is veilig en zelfstandig.")
    assert "Nog geplaatst in" in page.get_by_test_id("open-items").inner_text()
    page.goto(f"{case_base}?tab=opvang")
    page.get_by_label("Datum vertrek").fill(case.opened_at.date().isoformat())
    page.get_by_label("Reden vertrek").fill("Eigen woonruimte")
    page.get_by_role("button", name="Vertrek vastleggen").click()
    page.wait_for_load_state()
    page.goto(case_base)
    _transition(page, "Afgesloten", reason="Betrokkene is veilig en zelfstandig.")
    assert page.get_by_test_id("case-state").inner_text() == "Afgesloten"
    page.get_by_test_id("tab-tijdlijn").click()
    assert "Betrokkene is veilig en zelfstandig." in page.get_by_test_id("timeline").inner_text()
