"""The indicator and municipality pages for logged-in users."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(
    client: Client,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> Client:
    return login_as(make_member())


def _rows(body: str, testid: str) -> int:
    table = body.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return len(re.findall(r"<tr[ >]", table.split("<tbody>", 1)[1]))


@pytest.mark.parametrize("name", ["reference:indicators", "reference:municipalities"])
def test_anonymous_users_are_sent_to_login(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_indicator_page_lists_every_catalogue(member_client: Client) -> None:
    response = member_client.get(reverse("reference:indicators"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "94 signalen gevonden" in body
    assert 'data-code="ILO-03"' in body
    assert "Slaapt iemand op de plek waar hij of zij werkt?" in body
    assert '<label class="utrecht-form-label" for="vorm">' in body
    assert '<th scope="col">' in body
    assert _rows(body, "indicators-ilo") == 11
    assert "https://hvoquerido.nl/acm/voorlichting/waarom-3-maanden-opvang/" in body


def test_indicator_page_filters_by_form_domain_and_text(member_client: Client) -> None:
    url = reverse("reference:indicators")
    online = member_client.get(url, {"werkveld": "online"}).content.decode()
    assert 'data-testid="indicators-online"' in online
    assert 'data-testid="indicators-ilo"' not in online

    criminal = member_client.get(
        url, {"vorm": "CRIMINAL", "catalogus": "criminal"}
    ).content.decode()
    assert _rows(criminal, "indicators-criminal") == 9
    assert 'data-testid="indicators-b8"' not in criminal

    found = member_client.get(url, {"zoek": "bankpas"}).content.decode()
    assert 'data-code="CRIM-LENDS-BANK-CARD"' in found
    assert 'data-code="ILO-01"' not in found

    nothing = member_client.get(url, {"zoek": "bestaat-echt-niet"}).content.decode()
    assert "Geen signalen gevonden voor deze selectie." in nothing


def test_municipality_page_lists_342_municipalities_per_police_unit(member_client: Client) -> None:
    response = member_client.get(reverse("reference:municipalities"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "342 gemeenten gevonden" in body
    assert _rows(body, "unit-PE-AMSTERDAM") == 6
    assert _rows(body, "unit-PE-OOST-NEDERLAND") == 76
    assert "Amstelveen" in body
    assert '<th scope="col">' in body
    assert '<label class="utrecht-form-label" for="eenheid">' in body


def test_municipality_page_filters(member_client: Client) -> None:
    url = reverse("reference:municipalities")
    limburg = member_client.get(url, {"eenheid": "PE-LIMBURG"}).content.decode()
    assert "31 gemeenten gevonden" in limburg
    assert 'data-testid="unit-PE-AMSTERDAM"' not in limburg

    search = member_client.get(url, {"zoek": "GM0363"}).content.decode()
    assert "1 gemeente gevonden" in search
    assert "Amsterdam-Amstelland" in search


@pytest.mark.parametrize(
    "model",
    [
        "policeunit",
        "province",
        "safetyregion",
        "municipality",
        "exploitationform",
        "sector",
        "nationality",
        "traffickingmethod",
        "indicator",
    ],
)
def test_admin_shows_reference_data_read_only(
    client: Client,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
    model: str,
) -> None:
    membership = make_member(role=Role.PLATFORM_ADMINISTRATOR)
    membership.user.is_staff = True
    membership.user.is_superuser = True
    membership.user.save(update_fields=["is_staff", "is_superuser"])
    login_as(membership)

    listing = client.get(f"/beheer/reference/{model}/", {"geldig": "ja"})
    assert listing.status_code == 200
    assert client.get(f"/beheer/reference/{model}/add/").status_code == 403
    model_class = apps.get_model("reference", model)
    first = model_class._default_manager.order_by("pk").first()
    assert first is not None
    detail = client.get(f"/beheer/reference/{model}/{first.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
