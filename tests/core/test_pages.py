from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_is_dutch_by_default(client: Client) -> None:
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="nl"' in body
    assert "Inloggen bij Bovenwater" in body


def test_language_switch_to_english(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en"' in body
    assert "Log in to Bovenwater" in body


def test_not_found_page_is_dutch(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    login_as(make_member())
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_forbidden_page_is_dutch(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    login_as(make_member(role=Role.SIGNALLER))
    response = client.get(reverse("audit:log"))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_accessibility_statement_is_public(client: Client) -> None:
    response = client.get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert "WCAG 2.1" in response.content.decode()


def test_responses_carry_a_w3c_traceparent(client: Client) -> None:
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = client.get(reverse("core:accessibility"), HTTP_TRACEPARENT=parent)
    assert response["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (Role.PRIVACY_OFFICER, ["Verwerkingslogboek", "Leden"], []),
        (Role.SIGNALLER, ["Signalenlijsten"], ["Verwerkingslogboek", "Leden"]),
        (Role.ADMINISTRATOR, ["Leden"], ["Verwerkingslogboek"]),
    ],
)
def test_navigation_follows_the_role(
    role: Role,
    visible: list[str],
    hidden: list[str],
    client: Client,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    login_as(make_member(role=role))
    body = client.get(reverse("core:home")).content.decode()
    nav = body[body.index("Hoofdnavigatie") : body.index("</nav>")]
    for label in visible:
        assert label in nav
    for label in hidden:
        assert label not in nav


def test_demo_banner_only_in_demo_mode(client: Client, settings: object) -> None:
    assert "DEMO — fictieve gegevens" not in client.get(reverse("accounts:login")).content.decode()
    settings.DEMO_MODE = True  # type: ignore[attr-defined]
    assert "DEMO — fictieve gegevens" in client.get(reverse("accounts:login")).content.decode()
