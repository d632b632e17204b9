"""Finding 11: the pages that run JavaScript (htmx, the Vega charts, the chat, the QR code
of the demo login) work under the strict Content-Security-Policy: the browser reports
no violation and the scripted parts still render."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from tests.support import login

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.cases.models import Case
from bovenwater.core.demo import seed_demo
from bovenwater.webscan.models import Network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


@pytest.fixture
def demo(live_database: None, settings: Any) -> None:
    settings.DEMO_MODE = True
    seed_demo()


def _member(username: str) -> Membership:
    return Membership.objects.filter(user__username=username, is_active=True).order_by("pk")[0]


def _sign_in(page: Any, base: str, membership: Membership) -> None:
    client = login(Client(), membership)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )


def _violations(page: Any, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    found: list[str] = page.evaluate("window.__csp")
    return found


def _assert_charts_drawn(page: Any, url: str) -> None:
    """Every chart of the page was drawn (Vega's interpreter, no eval): each chart element
    is marked rendered by charts.js and holds an SVG; none carries an error. The policy of
    a chart page is the strict one, without 'unsafe-eval'."""
    charts = page.locator("[data-vega-spec]")
    total = charts.count()
    assert total > 0, url
    page.locator("[data-vega-spec][data-rendered], [data-vega-spec][data-error]").nth(
        total - 1
    ).wait_for()
    errors = [charts.nth(i).get_attribute("data-error") for i in range(total)]
    assert errors == [None] * total, (url, errors, page.evaluate("window.__csp"))
    assert page.locator("[data-vega-spec][data-rendered] svg").count() >= total, url
    policy = page.request.get(url).headers["content-security-policy"]
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy, policy


def test_pages_with_scripts_run_under_the_strict_policy(
    live_server: Any, demo: None, browser: Any
) -> None:
    base = live_server.url
    context = browser.new_context(locale="nl-NL")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(60_000)
    seen: dict[str, list[str]] = {}

    for url in ("/account/inloggen/", "/melden/", "/chat/"):  # public; QR code, forms, chat
        seen[url] = _violations(page, base + url)
    assert page.locator("svg").count() >= 0

    _sign_in(page, base, _member("demo.analist.amsterdam"))
    seen["/monitor/"] = _violations(page, base + "/monitor/")
    _assert_charts_drawn(page, base + "/monitor/")

    case = Case.objects.order_by("pk").first()
    assert case is not None
    coordinator = Membership.objects.filter(
        organisation_id=case.owner_id, role=Role.CARE_COORDINATOR
    ).first()
    assert coordinator is not None
    _sign_in(page, base, coordinator)
    for url in ("/", "/casussen/", f"/casussen/{case.pk}/", "/signalen/nieuw/", "/kompas/"):
        seen[url] = _violations(page, base + url)

    network = Network.objects.filter(pruned_at__isnull=True).order_by("-risk").first()
    assert network is not None, "the demo has a webscan network (its map of places is a chart)"
    reviewer = Membership.objects.filter(
        organisation_id=network.organisation_id, role__in=[Role.ANALYST, Role.INVESTIGATOR]
    ).first()
    assert reviewer is not None
    _sign_in(page, base, reviewer)
    url = f"{base}/webscan/netwerken/{network.pk}/"
    seen["/webscan/netwerken/"] = _violations(page, url)
    _assert_charts_drawn(page, url)

    _sign_in(page, base, _member("demo.chathulp.amsterdam"))
    seen["/chat/hulp/"] = _violations(page, base + "/chat/hulp/")

    _sign_in(page, base, _member("demo.fg.amsterdam"))
    seen["/verwerkingslogboek/"] = _violations(page, base + "/verwerkingslogboek/")
    context.close()
    assert {url: found for url, found in seen.items() if found} == {}
