"""Long pickers get a search box: a part of a name narrows the list, by keyboard only."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.axe import axe_violations
from tests.browser.support import fill_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_municipality_is_found_by_part_of_its_name_with_the_keyboard(
    live_server: Any,
    accounts: None,
    page: Any,
) -> None:
    fill_login(page, live_server.url, "demo.signaleerder.rotterdam")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/signalen/nieuw/")
    select = page.get_by_label("Gemeente plaats delict")
    total = select.locator("option").count()
    search = page.get_by_label("Zoek een gemeente op naam")
    search.focus()
    page.keyboard.type("terdam")  # part of a name: Amsterdam, Rotterdam
    visible = select.locator("option:not([hidden])").all_inner_texts()
    assert len(visible) < total
    assert "Amsterdam" in visible and "Rotterdam" in visible
    assert all("terdam" in name.lower() for name in visible if name != "Kies een gemeente")
    assert page.get_by_role("status").filter(has_text="gemeenten gevonden").is_visible()
    page.keyboard.press("Enter")  # does not submit the form
    assert page.url.endswith("/signalen/nieuw/")
    page.keyboard.type("  rott")
    page.keyboard.press("Tab")  # into the list
    page.keyboard.press("ArrowDown")
    assert select.evaluate("s => s.options[s.selectedIndex].text") == "Rotterdam"
    assert axe_violations(page) == []


def test_the_api_documentation_renders_every_operation_from_our_own_files(
    live_server: Any,
    page: Any,
) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10
    assert outside == []
