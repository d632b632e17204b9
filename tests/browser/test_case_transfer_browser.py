"""Issue #13, point 4, walked in Chromium as two users: the Amsterdam care coordinator
proposes the transfer of a case to the care coordination of Rotterdam (the victim
moves); the Rotterdam coordinator finds it in the work queue and accepts it, and then
owns and coordinates the case; Amsterdam is told the case was transferred and sees no
more of it. axe-core (colour contrast included) finds nothing on the new pages."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.axe import axe_violations
from tests.browser.support import log_in
from tests.cases import factories

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, User
from bovenwater.cases.models import Case
from bovenwater.cases.transfers import Transfer
from bovenwater.core import demo as core_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMSTERDAM = "demo.zorgcoordinator.amsterdam"
ROTTERDAM = "demo.zorgcoordinator.rotterdam"


@pytest.fixture
def case(live_database: None, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Case:
    settings.DEMO_MODE = True
    monkeypatch.setattr(core_demo, "DEMO_STEPS", ())  # organisations and accounts only
    core_demo.seed_demo()
    membership = Membership.objects.get(user__username=AMSTERDAM)
    return factories.open_case(Actor(user=membership.user, membership=membership))


def test_propose_and_accept_a_transfer_as_two_users(
    live_server: Any, case: Case, page: Any, browser: Any
) -> None:
    base = live_server.url
    rotterdam_org = Membership.objects.get(user__username=ROTTERDAM).organisation

    # Amsterdam proposes the transfer from the case page.
    log_in(page, base, AMSTERDAM)
    page.goto(f"{base}/casussen/{case.pk}/")
    page.get_by_test_id("transfer-case").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.get_by_label("Naar zorgcoördinatie").select_option(value=str(rotterdam_org.pk))
    page.get_by_label("Reden").fill("Het slachtoffer verhuist naar Rotterdam.")
    page.get_by_label("Wettelijke grondslag").fill("Taak zorgcoördinatie, met medeweten")
    page.get_by_role("button", name="Overdracht voorstellen").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("transfer-status").inner_text() == "Voorgesteld"
    assert axe_violations(page) == []
    page.goto(f"{base}/casussen/{case.pk}/")
    assert rotterdam_org.name in page.get_by_test_id("header-transfer").inner_text()

    # Rotterdam finds it in the work queue and accepts.
    other_context = browser.new_context(locale="nl-NL")
    other = other_context.new_page()
    other.set_default_timeout(60_000)
    log_in(other, base, ROTTERDAM)
    other.goto(f"{base}/casussen/")
    queue = other.get_by_test_id("incoming-transfers")
    assert axe_violations(other) == []
    queue.get_by_role("link", name=case.number).click()
    other.wait_for_load_state()
    assert "verhuist naar Rotterdam" in other.get_by_test_id("transfer").inner_text()
    assert axe_violations(other) == []
    other.get_by_label("Antwoord").select_option(value="accepted")
    other.get_by_role("button", name="Antwoord vastleggen").click()
    other.wait_for_url(f"{base}/casussen/{case.pk}/")
    me = User.objects.get(username=ROTTERDAM)
    assert me.display_name in other.get_by_test_id("header-coordinator").inner_text()
    other_context.close()

    # Amsterdam no longer sees the case: an explanation, and its own part at the transfer.
    page.goto(f"{base}/casussen/{case.pk}/")
    assert "Rijnmond" in page.get_by_test_id("transferred").inner_text()
    assert "Geheimvoet" not in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Naar de overdracht").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("transfer-status").inner_text() == "Geaccepteerd"
    assert page.get_by_test_id("own-history").count() == 1
    assert Transfer.objects.get().status == "accepted"
    assert Case.objects.get(pk=case.pk).owner == rotterdam_org
