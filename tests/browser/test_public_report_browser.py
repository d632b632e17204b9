"""A citizen reports on a 360 × 740 phone: a category, then at most six interactions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.browser.axe import axe_violations

from bovenwater.intake.models import PublicReportDetails, Signal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_reports_on_a_phone_in_six_interactions(
    live_server: Any,
    accounts: None,
    browser: Any,
) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/melden/")
    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways on a phone"
    all_questions = page.locator("input[name=signs]").count()

    page.get_by_label("Iets rond werk of wonen").check()  # the category
    visible = page.locator("input[name=signs]:visible").count()
    assert 0 < visible < all_questions  # only this category's questions and the general ones
    assert page.get_by_label("Moet iemand seks hebben met anderen").is_hidden()

    interactions: list[Callable[[], object]] = [
        lambda: page.get_by_label(
            "Woont of slaapt iemand op de plek waar hij of zij werkt?"
        ).check(),
        lambda: page.get_by_label("Wat heeft u gezien of gehoord?").fill(
            "In de loods achter de kwekerij slapen elke nacht zes mannen."
        ),
        lambda: page.get_by_label("In welke gemeente was dit?").select_option(label="Rotterdam"),
        lambda: page.get_by_role("button", name="Melding versturen").click(),
    ]
    assert len(interactions) <= 6
    for interaction in interactions:
        interaction()
    code = page.get_by_test_id("receipt-code").inner_text()
    assert len(code) == 14
    assert axe_violations(page) == []
    details = PublicReportDetails.objects.get(signal=Signal.objects.get())
    assert details.answers["category"] == "werk"
    assert details.answers["B8-1A-SLEEPS-AT-WORK"] == "yes"
    context.close()
