"""Colour contrast that axe leaves undecided is computed, and an invisible button fails."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.axe import axe_violations, computed_contrast_failures
from tests.browser.support import fill_login

pytestmark = [pytest.mark.browser]

SAME = "rgb(36, 87, 143)"


def test_text_in_the_colour_of_its_background_fails(page: Any) -> None:
    page.set_content(
        f'<main><p id="ok" style="color:#1a1a1a;background:#fff">Leesbaar</p>'
        f'<a id="bad" href="#" style="color:{SAME};background:{SAME};padding:4px">'
        f"Nieuw signaal melden</a></main>"
    )
    failures = computed_contrast_failures(page, ["#ok", "#bad"])
    assert [f["nodes"] for f in failures] == [["#bad"]]
    assert failures[0]["ratio"] == 1.0
    assert axe_violations(page) != []


def test_a_half_transparent_layer_is_blended_before_judging(page: Any) -> None:
    page.set_content(
        '<div style="background:#000"><p id="t" style="color:#fff;'
        'background:rgba(255,255,255,0.9)">Tekst</p></div>'
    )
    assert computed_contrast_failures(page, ["#t"]) != []


@pytest.mark.django_db(transaction=True)
def test_the_new_signal_button_is_readable_and_the_skip_link_hidden_until_focused(
    live_server: Any,
    accounts: None,
    page: Any,
) -> None:
    fill_login(page, live_server.url, "demo.aandachtsfunctionaris.rotterdam")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/signalen/")
    button = page.get_by_role("link", name="Nieuw signaal melden").first
    assert button.is_visible()
    assert computed_contrast_failures(page, ["main a.utrecht-button-link"]) == []
    assert axe_violations(page) == []
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    box = skip.bounding_box()
    assert box is None or box["y"] + box["height"] <= 0  # off screen until focused
    page.keyboard.press("Tab")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0
    response = page.request.get(f"{live_server.url}/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] == "image/vnd.microsoft.icon"
