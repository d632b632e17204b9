"""Dashboard, CSV and API: what each role sees, and that small numbers never leave."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.monitor.registry_factory import Spec, create

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.monitor.fill import fill_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled() -> None:
    specs = [
        Spec(
            2024,
            "PE-AMSTERDAM",
            "politie",
            False,
            "female",
            "NL",
            forms=("SEXUAL",),
            municipalities=("GM0363",),
        )
        for _ in range(30)
    ]
    specs += [
        Spec(2024, "PE-ROTTERDAM", "ngo", False, "male", "PL", forms=("LABOUR",)) for _ in range(14)
    ]
    specs += [
        Spec(2024, "PE-LIMBURG", "kmar", True, "female", "NG", forms=("SEXUAL",)) for _ in range(3)
    ]
    specs += [
        Spec(2023, "PE-AMSTERDAM", "politie", False, "female", "NL", forms=("SEXUAL",))
        for _ in range(25)
    ]
    create(specs)
    fill_counts()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.POLICY_OFFICER, Role.CHAIN_DIRECTOR])
def test_monitor_roles_see_the_dashboard_with_suppressed_cells(
    role: Role,
    filled: None,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    client = login_as(make_member(role=role))
    response = client.get(reverse("monitor:dashboard"), {"jaar": "2024"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="total">47' in page
    assert 'data-testid="chart-map"' in page
    melder = next(s for s in response.context["sections"] if s.stat == "melder")
    assert [(c.value, c.display) for c in melder.table.cells] == [
        ("politie", "30"),
        ("kmar", "<10"),
        ("ngo", "<10"),
    ]


def test_csv_download_carries_the_suppression(
    filled: None, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(make_member(role=Role.ANALYST))
    response = client.get(reverse("monitor:table_csv", args=["police_unit"]), {"jaar": "2024"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "jaar",
        "politie-eenheid",
        "uitbuitingsvorm",
        "code",
        "omschrijving",
        "aantal",
    ]
    by_code = {row[3]: row[5] for row in rows[1:]}
    assert by_code == {"": "47", "PE-AMSTERDAM": "30", "PE-ROTTERDAM": "<10", "PE-LIMBURG": "<10"}
    trend = client.get(reverse("monitor:trend_csv"), {"eenheid": "PE-AMSTERDAM"})
    assert list(csv.reader(io.StringIO(trend.content.decode())))[1:] == [
        ["2023", "PE-AMSTERDAM", "*", "25", ""],
        ["2024", "PE-AMSTERDAM", "*", "30", "+5"],
    ]


def test_filtered_view_of_a_small_unit_shows_the_suppression(
    filled: None, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(make_member(role=Role.ANALYST))
    response = client.get(reverse("monitor:dashboard"), {"jaar": "2024", "eenheid": "PE-LIMBURG"})
    assert response.context["current"].cell.display == "<10"
    assert "3" not in [c.display for s in response.context["sections"] for c in s.table.cells]


def test_api_returns_null_for_suppressed_cells(
    filled: None, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(make_member(role=Role.POLICY_OFFICER))
    response = client.get("/api/v1/monitor/tables/melder/", {"year": 2024})
    assert response.status_code == 200
    data = response.json()
    assert data["total"]["count"] == 47
    assert {c["value"]: (c["count"], c["display"]) for c in data["cells"]} == {
        "politie": (30, "30"),
        "kmar": (None, "<10"),
        "ngo": (None, "<10"),
    }


@pytest.mark.parametrize(
    "role", [Role.SIGNALLER, Role.CARE_COORDINATOR, Role.INVESTIGATOR, Role.PRIVACY_OFFICER]
)
def test_other_roles_get_403_everywhere(
    role: Role,
    filled: None,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    client = login_as(make_member(role=role))
    assert client.get(reverse("monitor:dashboard")).status_code == 403
    assert client.get(reverse("monitor:table_csv", args=["melder"])).status_code == 403
    assert client.get(reverse("monitor:trend_csv")).status_code == 403
    assert client.get("/api/v1/monitor/tables/melder/", {"year": 2024}).status_code == 403
    assert client.get("/api/v1/monitor/trend/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(filled: None, client: Client) -> None:
    response = client.get(reverse("monitor:dashboard"))
    assert response.status_code == 302
    assert client.get("/api/v1/monitor/trend/").status_code in (401, 403)
