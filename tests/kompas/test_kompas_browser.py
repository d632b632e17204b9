"""Kompas in Debian's headless Chromium: read, search, note, download, train, share and
self-assess, with axe-core on the chapter, scenario and self-assessment pages."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader
from tests.browser.axe import axe_violations
from tests.support import login

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Role
from bovenwater.kompas import demo, learning
from bovenwater.kompas.assessment import yardstick
from bovenwater.kompas.models import ActionItem, Note, SelfAssessment, Share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def _enter(tab: Any, base: str, membership: Membership) -> None:
    """Give the browser the session of a verified (password + TOTP) login."""
    client = login(Client(), membership)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    tab.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])


def _pdf_text(path: str) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(path).read_bytes())).pages)


@pytest.fixture
def officer(
    live_database: None,
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
) -> Membership:
    organisation = make_organisation(name="Gemeente Proefstad")
    return make_member(role=Role.POLICY_OFFICER, organisation=organisation)


def test_read_a_chapter_search_and_make_and_find_a_note(
    live_server: Any, officer: Membership, tab: Any
) -> None:
    base = live_server.url
    _enter(tab, base, officer)
    tab.goto(f"{base}/kompas/")
    tab.get_by_role("link", name="De bedenktijd en de B8-regeling").click()
    assert tab.get_by_role("heading", level=1).inner_text() == "De bedenktijd en de B8-regeling"
    assert "bedenktijd" in tab.get_by_test_id("chapter-summary").inner_text()
    assert tab.get_by_test_id("sources").locator("li").count() == 4
    assert axe_violations(tab) == []

    tab.get_by_label("Bij welk onderdeel?").select_option(label="Drie situaties")
    tab.get_by_label("Uw notitie").fill("Dublin: dertig dagen, navragen bij IND")
    tab.get_by_role("button", name="Notitie opslaan").click()
    assert "Uw notitie is opgeslagen." in tab.get_by_role("status").first.inner_text()
    assert Note.objects.get().target == "bedenktijd-b8#drie-situaties"

    tab.get_by_role("link", name="Mijn notities").first.click()
    table = tab.get_by_test_id("notes-table")
    assert "Dublin: dertig dagen, navragen bij IND" in table.inner_text()
    assert "De bedenktijd en de B8-regeling — Drie situaties" in table.inner_text()

    tab.get_by_label("Zoek in Kompas").fill("Bibob")
    tab.get_by_role("button", name="Zoeken").click()
    results = tab.get_by_test_id("search-group-hoofdstuk")
    assert results.locator("mark").count() > 0
    results.get_by_role("link", name=re.compile("^De bestuurlijke aanpak")).first.click()
    assert tab.get_by_role("heading", level=1).inner_text() == "De bestuurlijke aanpak"


def test_download_a_chapter_pdf_and_a_card_pdf(
    live_server: Any, officer: Membership, tab: Any
) -> None:
    base = live_server.url
    _enter(tab, base, officer)
    tab.goto(f"{base}/kompas/hoofdstuk/zorg-en-opvang/")
    with tab.expect_download() as chapter_download:
        tab.get_by_test_id("chapter-pdf").click()
    text = _pdf_text(chapter_download.value.path())
    assert "Zorg en opvang" in text
    assert "De rol van de zorgcoördinator" in text

    tab.goto(f"{base}/kompas/kaarten/")
    tab.get_by_role("link", name="Signalen voor het werkveld Onderwijs").click()
    with tab.expect_download() as card_download:
        tab.get_by_test_id("card-pdf").click()
    card_text = _pdf_text(card_download.value.path())
    assert "Signalen voor het werkveld Onderwijs" in card_text


def test_play_a_branching_scenario_to_its_end(
    live_server: Any, officer: Membership, tab: Any
) -> None:
    base = live_server.url
    _enter(tab, base, officer)
    tab.goto(f"{base}/kompas/casus/caravan-op-de-boerderij/")
    assert axe_violations(tab) == []
    tab.get_by_label("De boer direct confronteren met de paspoortkwestie.").check()
    tab.get_by_role("button", name="Kiezen").click()
    step = tab.get_by_test_id("step").last
    assert "Geen goede keuze." in step.inner_text()
    assert "de volgende dag is de caravan leeg" in step.get_by_test_id("consequence").inner_text()
    assert "Wat doet u nu?" in tab.get_by_test_id("choice-form").inner_text()  # the branch
    assert axe_violations(tab) == []
    while tab.get_by_test_id("choice-form").count():
        tab.get_by_test_id("choice-form").locator("input[type=radio]").first.check()
        tab.get_by_role("button", name="Kiezen").click()
    end = tab.get_by_test_id("scenario-end")
    assert "Uw score: 6 van 8 punten" in end.inner_text()  # one poor choice, three good
    assert tab.get_by_test_id("step").count() == 4
    assert axe_violations(tab) == []


def _answer_check(tab: Any) -> None:
    """Answer every drawn question with the right option, found in the question bank."""

    by_text = {q.text: q for bank in learning.banks().values() for q in bank}
    fieldsets = tab.get_by_test_id("quiz-form").locator("fieldset")
    for index in range(fieldsets.count()):
        fieldset = fieldsets.nth(index)
        legend = fieldset.locator("legend").inner_text().split(". ", 1)[1].strip()
        fieldset.get_by_label(by_text[legend].options[0], exact=True).check()
    tab.get_by_role("button", name="Toets inleveren").click()


def test_follow_a_learning_path_to_a_verified_certificate(
    live_server: Any, officer: Membership, tab: Any
) -> None:
    base = live_server.url
    _enter(tab, base, officer)
    tab.goto(f"{base}/kompas/training/")
    tab.get_by_role("link", name="Leerroute baliemedewerker").click()
    assert "Cesuur: 70%" in tab.get_by_test_id("pass-mark").inner_text()
    assert axe_violations(tab) == []
    first = True
    while tab.locator("[data-testid^=quiz-]").count():
        tab.locator("[data-testid^=quiz-]").first.click()
        if first:
            assert axe_violations(tab) == []
            first = False
        _answer_check(tab)
        assert "Gehaald" in tab.get_by_test_id("quiz-result").inner_text()
        tab.get_by_test_id("back-to-path").click()
    tab.get_by_test_id("final-link").click()
    assert tab.get_by_test_id("quiz-form").locator("fieldset").count() == 10
    _answer_check(tab)
    assert "10 van 10 goed" in tab.get_by_test_id("quiz-result").inner_text()
    assert axe_violations(tab) == []
    tab.get_by_test_id("back-to-path").click()
    with tab.expect_download() as download:
        tab.get_by_test_id("certificate").click()
    text = _pdf_text(download.value.path())
    assert officer.user.display_name in text and "Leerroute baliemedewerker" in text
    tab.reload()
    code = tab.get_by_test_id("certificate-code").inner_text()
    assert code in text
    tab.context.clear_cookies()  # the verification page is public
    tab.goto(f"{base}/kompas/verificatie/")
    tab.get_by_label("Verificatiecode").fill(code.lower())
    tab.get_by_role("button", name="Controleren").click()
    verification = tab.get_by_test_id("verification").inner_text()
    assert "Geldig" in verification and officer.user.display_name in verification
    assert officer.organisation.name not in tab.content()
    assert axe_violations(tab) == []


def test_find_a_shelter_for_a_minor_in_twente_on_the_sociale_kaart(
    live_server: Any, officer: Membership, tab: Any
) -> None:
    demo._seed_social_map()
    base = live_server.url
    _enter(tab, base, officer)
    tab.goto(f"{base}/kompas/")
    tab.get_by_role("link", name="Sociale kaart").click()
    tab.get_by_label("Wat zoekt u?").fill("Ik zoek opvang voor een minderjarige in Twente")
    tab.get_by_test_id("need-form").get_by_role("button", name="Zoeken").click()
    understood = tab.get_by_test_id("need-understood").inner_text()
    assert "opvang" in understood and "minderjarigen" in understood and "Twente" in understood
    here = tab.get_by_test_id("help-here")
    assert here.get_by_test_id("help-entry").count() == 1
    assert "Jeugdopvang De Linde Twente" in here.inner_text()
    assert "053 - 700 12 34" in here.get_by_test_id("help-phone").inner_text()
    assert "dag en nacht" in here.get_by_test_id("help-hours").inner_text()
    assert tab.locator("svg title", has_text="Enschede").count() == 1
    assert axe_violations(tab) == []
    here.get_by_role("link", name="Jeugdopvang De Linde Twente").click()
    assert "Zo verwijst u door" in tab.get_by_test_id("help-detail").inner_text()
    assert axe_violations(tab) == []


def test_share_a_card_and_it_arrives_for_the_colleague(
    live_server: Any,
    officer: Membership,
    make_member: Callable[..., Membership],
    tab: Any,
    browser: Any,
) -> None:
    base = live_server.url
    colleague = make_member(role=Role.SIGNALLER, organisation=officer.organisation)
    colleague.user.first_name, colleague.user.last_name = "Karin", "Collegiaal"
    colleague.user.save()
    _enter(tab, base, officer)
    tab.goto(f"{base}/kompas/kaarten/vorm-labour/")
    tab.get_by_label("Collega", exact=True).select_option(label="Karin Collegiaal")
    tab.get_by_label("Bericht").fill("Voor de controle van volgende week")
    tab.get_by_role("button", name="Delen", exact=True).click()
    assert "Gedeeld met Karin Collegiaal." in tab.get_by_role("status").first.inner_text()
    assert Share.objects.get().recipient == colleague.user

    context = browser.new_context(locale="nl-NL")
    other = context.new_page()
    _enter(other, base, colleague)
    other.goto(f"{base}/kompas/")
    assert "1 nieuw" in other.get_by_test_id("shared-link").inner_text()
    other.get_by_test_id("shared-link").click()
    table = other.get_by_test_id("shared-table")
    assert "Voor de controle van volgende week" in table.inner_text()
    table.get_by_role("button").first.click()
    assert other.url.endswith("/kompas/kaarten/vorm-labour/")
    assert "nieuw" not in other.get_by_test_id("shared-link").inner_text()
    context.close()


def test_fill_the_self_assessment_and_add_an_action_item(
    live_server: Any, officer: Membership, tab: Any
) -> None:
    base = live_server.url
    _enter(tab, base, officer)
    tab.goto(f"{base}/kompas/zelfevaluatie/")
    assert axe_violations(tab) == []
    for statement in yardstick().statements:
        answer = "Deels" if statement.code.startswith("opvang") else "Ja"
        tab.locator(f'fieldset[data-code="{statement.code}"]').get_by_label(
            answer, exact=True
        ).check()
    tab.get_by_role("button", name="Zelfevaluatie opslaan").click()
    assert SelfAssessment.objects.get().answers["opvang-b1"] == 1
    scores = tab.get_by_test_id("scores-table").inner_text()
    assert "Opvang van en hulpverlening aan slachtoffers/daders\t50%\t50%" in scores
    tab.get_by_label("Actie", exact=True).fill("Afspraken opvang buiten kantoortijden")
    tab.get_by_label("Eigenaar").fill("Beleidsmedewerker zorg")
    tab.get_by_label("Deadline").fill("2027-03-31")
    tab.get_by_label("Bij welk tekort?").select_option("opvang-b1")
    tab.get_by_role("button", name="Actiepunt toevoegen").click()
    actions = tab.get_by_test_id("actions-table").inner_text()
    assert "Afspraken opvang buiten kantoortijden" in actions
    assert ActionItem.objects.get().statement_code == "opvang-b1"
    assert axe_violations(tab) == []


def test_the_other_kompas_pages_are_axe_clean(
    live_server: Any,
    officer: Membership,
    make_member: Callable[..., Membership],
    tab: Any,
) -> None:
    base = live_server.url
    _enter(tab, base, officer)
    pages = (
        "/kompas/",
        "/kompas/zoeken/?q=zorgcoördinator",
        "/kompas/kaarten/",
        "/kompas/kaarten/vorm-sexual/",
        "/kompas/sociale-kaart/",
        "/kompas/training/",
        "/kompas/training/team/",
        "/kompas/training/wijkteam/",
        "/kompas/notities/",
        "/kompas/gedeeld/",
    )
    for path in pages:
        tab.goto(base + path)
        assert (path, axe_violations(tab)) == (path, [])
    director = make_member(role=Role.CHAIN_DIRECTOR, organisation=officer.organisation)
    _enter(tab, base, director)
    tab.goto(base + "/kompas/zelfevaluatie/regio/")
    assert tab.get_by_role("heading", level=1).inner_text().startswith("Zelfevaluaties in de regio")
    assert axe_violations(tab) == []
    beheerder = make_member(role=Role.ADMINISTRATOR, organisation=officer.organisation)
    _enter(tab, base, beheerder)
    for path in ("/kompas/sociale-kaart/nieuw/", "/kompas/sociale-kaart/import/"):
        tab.goto(base + path)
        assert (path, axe_violations(tab)) == (path, [])
