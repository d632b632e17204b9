"""The committed OpenAPI schema and the validation agree (issue 17, finding 9).

What schemathesis' positive and negative checks found on the create operations, pinned
one case each: reference codes are enums of exactly the current codes; ids of other
objects in a body answer 404 when unknown; JSON values of the wrong type are refused
rather than coerced; the API takes JSON only; an indicator named twice is recorded once
(it gave a 500).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from tests.cases import factories
from tests.support import api_token

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.intake.models import Signal
from bovenwater.reference.models import Indicator, Municipality, Nationality

pytestmark = pytest.mark.django_db
SCHEMA = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "src/bovenwater/api/openapi.yaml").read_text()
)


def _post(client: Client, url: str, body: Any, auth: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json", **auth)


def test_reference_codes_in_the_schema_are_exactly_the_current_codes() -> None:
    schemas = SCHEMA["components"]["schemas"]
    assert set(schemas["MunicipalityCode"]["enum"]) == set(
        Municipality.objects.current().values_list("code", flat=True)
    )
    assert set(schemas["NationalityCodeOrNull"]["enum"]) == {
        *Nationality.objects.current().values_list("code", flat=True),
        None,
    }
    signal_body = schemas["SignalCreateRequest"]["properties"]
    assert signal_body["indicators"]["items"] == {"$ref": "#/components/schemas/IndicatorCode"}
    assert signal_body["description"]["pattern"] == "^[^\\u0000]*$"


def test_a_closed_reference_code_is_refused_like_any_code_not_in_the_enum(
    client: Client,
) -> None:
    organisation = factories.organisation()
    auth = api_token(Role.CARE_COORDINATOR, organisation)
    Nationality.objects.filter(code="PL").update(valid_to="2020-01-01")
    response = _post(client, "/api/v1/cases/", {"victim": {"nationality": "PL"}, "forms": []}, auth)
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "victim.nationality"


def test_wrong_json_types_are_refused_not_coerced(client: Client) -> None:
    auth = api_token(Role.CARE_COORDINATOR, factories.organisation())
    for body, field in (
        ({"victim": {}, "reason": 0}, "reason"),
        ({"victim": {"is_minor": 0}}, "victim.is_minor"),
        ({"victim": {"estimated_age": "30"}}, "victim.estimated_age"),
        ({"victim": [], "forms": []}, "victim"),
    ):
        response = _post(client, "/api/v1/cases/", body, auth)
        assert response.status_code == 400, body
        assert [row["name"] for row in response.json()["invalid_params"]] == [field]
    response = _post(client, "/api/v1/placement-requests/", {"case_id": "5"}, auth)
    assert response.status_code == 400


def test_an_unknown_shelter_or_organisation_in_a_body_is_404(client: Client) -> None:
    coordinator = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    auth = api_token(Role.CARE_COORDINATOR, coordinator.organisation)
    case = factories.open_case(coordinator)
    response = _post(
        client,
        "/api/v1/referrals/",
        {"case_id": case.pk, "to_organisation": 999_999, "kind": "shelter", "shared_parts": []},
        auth,
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert "404" in SCHEMA["paths"]["/api/v1/referrals/"]["post"]["responses"]
    assert "404" in SCHEMA["paths"]["/api/v1/placements/"]["post"]["responses"]


def test_the_api_takes_json_only(client: Client) -> None:
    auth = api_token(Role.CARE_COORDINATOR, factories.organisation())
    response = client.post("/api/v1/cases/", {"reason": "x"}, **auth)  # multipart form
    assert response.status_code == 415
    body = SCHEMA["paths"]["/api/v1/cases/"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json"}


def test_an_indicator_named_twice_is_recorded_once(client: Client) -> None:
    police = factories.organisation(kind=OrganisationKind.POLICE, municipality_code="GM0599")
    auth = api_token(Role.SIGNALLER, police)
    code = Indicator.objects.current().order_by("code").values_list("code", flat=True)[0]
    response = _post(
        client,
        "/api/v1/signals/",
        {
            "description": "Gezien bij de haven.",
            "municipality": "GM0599",
            "indicators": [code, code],
        },
        auth,
    )
    assert response.status_code == 201, response.content
    signal = Signal.objects.get(reference=response.json()["reference"])
    assert signal.indicators.count() == 1
