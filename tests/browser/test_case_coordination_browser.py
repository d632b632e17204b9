"""Issue #13 walked in Chromium: from a signal to a case a coordinator owns and corrects.

A contact officer opens a case from a signal; the coordinator takes it from the work
queue, records the victim's name, nationality and language, finds it under "Alleen mijn
casussen", corrects the nationality and sees the old value in the history; a colleague
with the stale form gets the Dutch conflict message with the input kept; the registration
hand-off shows its date afterwards and no second button; a shelter whose consent was
withdrawn sees the explanation page. axe-core (colour contrast included) finds nothing on
the new pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from tests.browser.axe import axe_violations
from tests.browser.support import log_in
from tests.cases import factories
from tests.support import TEST_PASSWORD

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import Role
from bovenwater.cases import services
from bovenwater.cases.models import Case, SharedPart
from bovenwater.core import demo as core_demo
from bovenwater.intake import services as intake
from bovenwater.reference.models import Municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACT = "demo.aandachtsfunctionaris.amsterdam"
COORDINATOR = "demo.zorgcoordinator.amsterdam"
SIGNALLER = "demo.signaleerder.amsterdam"


@pytest.fixture
def region(live_database: None, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    settings.DEMO_MODE = True
    monkeypatch.setattr(core_demo, "DEMO_STEPS", ())  # organisations and accounts only
    core_demo.seed_demo()
    signaller = Membership.objects.get(user__username=SIGNALLER)
    signal = intake.signal_submit(
        actor=Actor(user=signaller.user, membership=signaller),
        data=intake.SignalInput(
            description="Jonge vrouw werkt dag en nacht in een nagelsalon, slaapt er ook.",
            municipality=Municipality.objects.get(code="GM0363"),
            victim=intake.PersonInput(estimated_age=22, gender="female"),
        ),
    )
    return signal.reference


def colleague(organisation: Organisation, role: Role, username: str) -> Membership:
    return factories.member(role, organisation, username=username, can_login=True)


def test_from_signal_to_an_owned_and_corrected_case(
    live_server: Any, region: str, page: Any, browser: Any
) -> None:
    base = live_server.url

    # The contact officer opens a case from the signal.
    contact_context = browser.new_context(locale="nl-NL")
    contact = contact_context.new_page()
    log_in(contact, base, CONTACT)
    contact.goto(f"{base}/signalen/{region}/")
    contact.get_by_label("Besluit").select_option(label="Casus geopend")
    contact.get_by_role("button", name="Besluit vastleggen").click()
    contact.wait_for_load_state()
    contact_context.close()
    case = Case.objects.get()
    assert case.coordinator is None

    # The coordinator finds it in the work queue and takes it.
    log_in(page, base, COORDINATOR)
    page.goto(f"{base}/casussen/")
    queue = page.get_by_test_id("work-queue")
    assert axe_violations(page) == []
    queue.get_by_role("link", name=case.number).click()
    header = page.get_by_test_id("case-header")
    assert "werkvoorraad" in header.inner_text()
    page.get_by_test_id("take").click()
    page.wait_for_load_state()
    me = User.objects.get(username=COORDINATOR)
    assert me.display_name in page.get_by_test_id("header-coordinator").inner_text()
    assert page.get_by_test_id("take").count() == 0
    assert axe_violations(page) == []

    # She records the victim's name, nationality and language.
    page.get_by_test_id("tab-persoon").click()
    page.get_by_test_id("edit-victim").click()
    assert axe_violations(page) == []
    page.get_by_label("Voornaam").fill("Ioana")
    page.get_by_label("Nationaliteit").select_option(label="Roemenië")
    page.get_by_label("Talen").fill("Roemeens")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert "Ioana" in page.get_by_test_id("victim-name").inner_text()
    assert page.get_by_test_id("victim-nationality").inner_text() == "Roemenië"
    assert page.get_by_test_id("victim-language").inner_text() == "Roemeens"
    assert axe_violations(page) == []
    case_url = page.url.split("?")[0]

    # Under "Alleen mijn casussen".
    page.goto(f"{base}/casussen/?mine=on")
    assert case.number in page.content()

    # A colleague opens the form; meanwhile the nationality is corrected.
    second = colleague(case.owner, Role.CARE_COORDINATOR, "zc.collega")
    other_context = browser.new_context(locale="nl-NL")
    other = other_context.new_page()
    log_in(other, base, second.user.username, password=TEST_PASSWORD)
    other.goto(f"{case_url}persoon/")
    other.get_by_label("Talen").fill("Roemeens, Engels")

    page.goto(f"{case_url}persoon/")
    page.get_by_label("Nationaliteit").select_option(label="Bulgarije")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("victim-nationality").inner_text() == "Bulgarije"
    history = page.get_by_test_id("history").inner_text()
    assert "Nationaliteit" in history and "Roemenië" in history and "Bulgarije" in history

    other.get_by_role("button", name="Opslaan").click()
    other.wait_for_load_state()
    stale = other.get_by_test_id("stale").inner_text()
    assert "Iemand anders heeft deze casus gewijzigd" in stale
    assert "Nationaliteit: Roemenië → Bulgarije" in stale
    assert other.get_by_label("Talen").input_value() == "Roemeens, Engels"  # input kept
    assert axe_violations(other) == []
    other_context.close()

    # Registration hand-off: afterwards its date, and no second button.
    registrar = Organisation.objects.get(name__startswith="CoMensha", municipality__code="GM0363")
    page.goto(f"{case_url}?tab=verwijzingen")
    page.locator("summary", has_text="Toestemming vastleggen").click()
    consent = page.get_by_test_id("consent-form")
    consent.get_by_label("Waarvoor (welke gegevens)").fill("Registratie bij CoMensha")
    consent.get_by_label("Aan wie").select_option(label=registrar.name)
    consent.get_by_label("Doel").fill("Landelijke registratie")
    consent.get_by_label("Datum").fill(timezone.localdate().isoformat())
    consent.get_by_label("Gegeven door").fill("Betrokkene zelf")
    consent.get_by_role("button", name="Toestemming vastleggen").click()
    page.wait_for_load_state()
    page.get_by_test_id("register-form").get_by_role(
        "button", name="Aanmelden bij de landelijke registratie"
    ).click()
    page.wait_for_load_state()
    done = page.get_by_test_id("registration-done").inner_text()
    today = timezone.localdate()
    assert done.startswith("Aangemeld op") and str(today.year) in done
    assert page.get_by_test_id("register-form").count() == 0
    assert axe_violations(page) == []

    # A shelter whose consent is withdrawn is told so, and no more.
    shelter = Organisation.objects.get(name="Opvanghuis De Vuurtoren Amsterdam")
    worker = colleague(shelter, Role.CARE_COORDINATOR, "opvang.medewerker")
    owner = Membership.objects.get(user=me)
    actor = Actor(user=me, membership=owner)
    given = services.consent_record(
        actor=actor,
        case=case,
        subject_matter="Kerngegevens",
        recipient=shelter,
        purpose="Opvang",
        given_on=timezone.localdate(),
        given_by="Betrokkene zelf",
    )
    referral = services.referral_send(
        actor=actor,
        case=case,
        to_organisation=shelter,
        kind="shelter",
        shared_parts=[SharedPart.SUMMARY],
        consent=given,
    )
    services.referral_respond(
        actor=Actor(user=worker.user, membership=worker), referral=referral, accept=True
    )
    services.consent_withdraw(actor=actor, consent=given)
    shelter_context = browser.new_context(locale="nl-NL")
    shelter_page = shelter_context.new_page()
    log_in(shelter_page, base, worker.user.username, password=TEST_PASSWORD)
    response = shelter_page.goto(case_url)
    assert response.status == 404
    explained = shelter_page.get_by_test_id("no-longer-shared").inner_text()
    assert "toestemming is ingetrokken" in explained
    assert "Ioana" not in shelter_page.content() and case.number not in shelter_page.content()
    assert axe_violations(shelter_page) == []
    # its notices: the withdrawal, by reference only
    shelter_page.goto(f"{base}/meldingen/")
    assert "Toestemming ingetrokken" in shelter_page.get_by_test_id("notices").inner_text()
    assert axe_violations(shelter_page) == []
    shelter_context.close()
