"""The open-data release: k-anonymous tables on a public page with CSV downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from tests.monitor.registry_factory import Spec, create

from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.opendata import release_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrations() -> None:
    create([Spec(2024, "PE-AMSTERDAM", "politie", False, "female", "NL") for _ in range(40)])
    create([Spec(2024, "PE-ROTTERDAM", "ngo", False, "male", "PL") for _ in range(12)])
    create([Spec(2024, "PE-LIMBURG", "kmar", True, "female", "NG") for _ in range(4)])
    fill_counts()


def test_release_applies_k_with_secondary_suppression(registrations: None) -> None:
    release = release_create(k=10)
    melder = {row[1]: row[4] for row in release.tables["melder"]}
    assert melder == {"politie": "40", "ngo": "<10", "kmar": "<10"}
    assert release.tables["total"] == [[2024, "", "Totaal", 56, "56"]]
    stricter = release_create(k=50)
    assert {row[1]: row[4] for row in stricter.tables["melder"]} == {
        "politie": "<50",
        "ngo": "<50",
        "kmar": "<50",
    }
    for table in stricter.tables.values():
        for _year, _value, _label, count, _shown in table:
            assert count is None or count == 0 or count >= 50


def test_public_page_and_csv_need_no_login(registrations: None, client: Client) -> None:
    release = release_create()
    page = client.get(reverse("monitor:open_data"))
    assert page.status_code == 200
    assert 'data-testid="release-facts"' in page.content.decode()
    download = client.get(reverse("monitor:open_data_csv", args=[release.pk, "melder"]))
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["jaar", "code", "omschrijving", "aantal"]
    assert sorted(r[3] for r in rows[1:]) == ["40", "<10", "<10"]
    assert (
        client.get(reverse("monitor:open_data_csv", args=[release.pk, "municipality"])).status_code
        == 404
    )


def test_public_page_without_release(client: Client) -> None:
    page = client.get(reverse("monitor:open_data"))
    assert page.status_code == 200
    assert 'data-testid="no-release"' in page.content.decode()
