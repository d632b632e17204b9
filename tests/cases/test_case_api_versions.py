"""The case API's version checks (issue #13, point 2): the detail's ETag and version,
and a transition decided on a stale version refused as an RFC 7807 problem (412 for
If-Match, 409 for a ``version`` in the body) with what changed, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.cases import factories
from tests.support import api_token

from bovenwater.accounts.roles import Role
from bovenwater.cases.models import Case, CaseEvent
from bovenwater.cases.services.coordination import CaseCore, case_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client: Client) -> dict[str, Any]:
    org = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    case = factories.open_case(coordinator)
    return {
        "auth": api_token(Role.CARE_COORDINATOR, org),
        "case": case,
        "colleague": coordinator,
    }


def _transition(client: Client, setup: dict[str, Any], body: dict[str, Any], **headers: str) -> Any:
    extra: dict[str, Any] = {**setup["auth"], **headers}
    return client.post(
        f"/api/v1/cases/{setup['case'].pk}/transition/",
        body,
        content_type="application/json",
        **extra,
    )


def _change_meanwhile(setup: dict[str, Any]) -> None:
    case = Case.objects.get(pk=setup["case"].pk)
    case_update(
        actor=setup["colleague"],
        case=case,
        data=CaseCore(
            forms=list(case.forms.all()),
            sector=case.sector,
            crime_municipality=case.crime_municipality,
            came_into_view=case.came_into_view,
            urgency="acute",
        ),
        expected_version=case.version,
    )


def test_detail_carries_the_version_and_its_etag(client: Client, setup: dict[str, Any]) -> None:
    response = client.get(f"/api/v1/cases/{setup['case'].pk}/", **setup["auth"])
    assert response.status_code == 200
    version = response.json()["version"]
    assert version == Case.objects.get(pk=setup["case"].pk).version
    assert response["ETag"] == f'"{version}"'


def test_stale_if_match_is_412_with_the_changes_and_nothing_written(
    client: Client, setup: dict[str, Any]
) -> None:
    etag = client.get(f"/api/v1/cases/{setup['case'].pk}/", **setup["auth"])["ETag"]
    _change_meanwhile(setup)
    events = CaseEvent.objects.count()
    response = _transition(client, setup, {"to_state": "intake"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 412 and body["type"].endswith("precondition_failed")
    assert "Iemand anders heeft deze casus gewijzigd" in body["detail"]
    case = Case.objects.get(pk=setup["case"].pk)
    assert body["current_version"] == case.version
    assert [c["field"] for c in body["changes"]] == ["Urgentie"]
    assert body["changes"][0]["new"] == "Acuut"
    assert case.state == "reported"
    assert CaseEvent.objects.count() == events
    # with the current version the step goes through, and the new ETag comes back
    response = _transition(client, setup, {"to_state": "intake"}, HTTP_IF_MATCH=f'"{case.version}"')
    assert response.status_code == 200
    assert response.json()["state"] == "intake"
    assert response["ETag"] == f'"{case.version + 1}"'


def test_stale_version_in_the_body_is_409(client: Client, setup: dict[str, Any]) -> None:
    version = Case.objects.get(pk=setup["case"].pk).version
    _change_meanwhile(setup)
    response = _transition(client, setup, {"to_state": "intake", "version": version})
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == version + 1 and body["changes"]
    assert Case.objects.get(pk=setup["case"].pk).state == "reported"
    response = _transition(client, setup, {"to_state": "intake", "version": version + 1})
    assert response.status_code == 200


@pytest.mark.parametrize("header", ['"abc"', 'W/"0"', '"999"'])
def test_an_if_match_that_is_no_version_of_the_case_is_412(
    client: Client, setup: dict[str, Any], header: str
) -> None:
    response = _transition(client, setup, {"to_state": "intake"}, HTTP_IF_MATCH=header)
    assert response.status_code == 412
    assert Case.objects.get(pk=setup["case"].pk).state == "reported"


def test_without_a_version_or_with_a_wildcard_the_step_is_not_checked(
    client: Client, setup: dict[str, Any]
) -> None:
    _change_meanwhile(setup)
    assert _transition(client, setup, {"to_state": "intake"}, HTTP_IF_MATCH="*").status_code == 200
