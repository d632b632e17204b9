"""No role of another organisation reads registry records, by URL or API."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role

pytestmark = pytest.mark.django_db


def exported_rows(client: Client) -> list[list[str]]:
    response = client.post(reverse("registry:htcds_export"))
    if response.status_code != 200:
        return []
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))[1:]


@pytest.mark.parametrize("role", list(Role))
def test_no_role_of_another_organisation_reads_the_records(
    role: Role,
    police_registrations: Organisation,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    other = make_organisation(kind=OrganisationKind.OTHER)
    client = login_as(make_member(role=role, organisation=other))
    assert exported_rows(client) == []
    page = client.get(reverse("registry:htcds_export"))
    assert page.status_code in (200, 403)
    if page.status_code == 200:
        assert page.context["count"] == 0
    for path in ("/api/v1/monitor/trend/", "/api/v1/monitor/tables/total/?year=2024"):
        body = client.get(path).content.decode()
        assert "Voorbeeld" not in body
        assert "pseudonym" not in body


def test_own_organisation_and_the_national_registrar_do_read_them(
    police_registrations: Organisation,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    own = login_as(make_member(role=Role.ANALYST, organisation=police_registrations))
    assert len(exported_rows(own)) == 2
    registrar = make_organisation(kind=OrganisationKind.NATIONAL_REGISTRAR)
    national = login_as(make_member(role=Role.ANALYST, organisation=registrar))
    rows = exported_rows(national)
    assert len(rows) == 2
    assert all(len(row[0]) == 64 for row in rows)  # pseudonyms, never names
