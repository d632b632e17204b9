"""Cases API: scoping like the pages, 409 problem details, idempotent creates."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.cases import factories
from tests.support import api_token

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services
from bovenwater.cases.models import (
    Case,
    CaseEvent,
    Placement,
    PlacementRequest,
    Referral,
    Shelter,
    ShelterCapacity,
)
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db
VICTIM = {
    "victim": {
        "estimated_age": 30,
        "gender": "male",
        "nationality": "PL",
        "last_name": "Geheimski",
    },
    "forms": [],
    "reason": "Via API",
}


def test_create_is_idempotent_per_key(client: Client) -> None:
    org = factories.organisation()
    auth = api_token(Role.CARE_COORDINATOR, org)
    first = client.post(
        "/api/v1/cases/",
        VICTIM,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **auth,
    )
    assert first.status_code == 201, first.content
    again = client.post(
        "/api/v1/cases/",
        VICTIM,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **auth,
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1
    other = client.post(
        "/api/v1/cases/",
        VICTIM,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
        **auth,
    )
    assert other.status_code == 201
    assert Case.objects.count() == 2
    # The same key from another caller is another request.
    auth_b = api_token(Role.CARE_COORDINATOR, org)
    third = client.post(
        "/api/v1/cases/",
        VICTIM,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **auth_b,
    )
    assert third.status_code == 201
    assert Case.objects.count() == 3
    assert first.json()["victim"]["last_name"] == "Geheimski"


def test_create_needs_manage_permission_and_valid_input(client: Client) -> None:
    org = factories.organisation()
    response = client.post(
        "/api/v1/cases/",
        VICTIM,
        content_type="application/json",
        **api_token(Role.SIGNALLER, org),
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    response = client.post(
        "/api/v1/cases/",
        {"victim": {"gender": "robot"}},
        content_type="application/json",
        **api_token(Role.CARE_COORDINATOR, org),
    )
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalid_params"]] == ["victim.gender"]
    assert Case.objects.count() == 0


def test_illegal_transition_is_409_problem_and_writes_nothing(client: Client) -> None:
    org = factories.organisation()
    auth = api_token(Role.CARE_COORDINATOR, org)
    case = factories.open_case(factories.actor(Role.CARE_COORDINATOR, org))
    events = CaseEvent.objects.count()
    response = client.post(
        f"/api/v1/cases/{case.pk}/transition/",
        {"to_state": "aftercare"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 409
    assert body["detail"] == "Een casus met status ‘Aangemeld’ kan niet naar ‘Nazorg’."
    assert CaseEvent.objects.count() == events
    response = client.post(
        f"/api/v1/cases/{case.pk}/transition/",
        {"to_state": "intake"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["state"] == "intake"


def test_referral_flow_and_scope(client: Client) -> None:
    owner = factories.organisation()
    police = factories.organisation(OrganisationKind.POLICE)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator, last_name="Geheimsma-API")
    consent = services.consent_record(
        actor=coordinator,
        case=case,
        subject_matter="Verklaring",
        recipient=police,
        purpose="Aangifte",
        given_on=timezone.localdate(),
        given_by="Betrokkene",
    )
    owner_auth = api_token(Role.CARE_COORDINATOR, owner)
    police_auth = api_token(Role.INVESTIGATOR, police)
    payload = {
        "case_id": case.pk,
        "to_organisation": police.pk,
        "kind": "police_report",
        "shared_parts": ["summary", "victim"],
        "consent_id": consent.pk,
    }
    first = client.post(
        "/api/v1/referrals/",
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="ref-1",
        **owner_auth,
    )
    assert first.status_code == 201, first.content
    again = client.post(
        "/api/v1/referrals/",
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="ref-1",
        **owner_auth,
    )
    assert again.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == 1
    referral_id = first.json()["id"]

    assert client.get(f"/api/v1/cases/{case.pk}/", **police_auth).status_code == 404
    assert client.get("/api/v1/cases/", **police_auth).json()["count"] == 0
    response = client.post(
        f"/api/v1/referrals/{referral_id}/respond/",
        {"accept": True},
        content_type="application/json",
        **police_auth,
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    detail = client.get(f"/api/v1/cases/{case.pk}/", **police_auth).json()
    assert detail["access"] == "referral"
    assert detail["parts"] == ["summary", "victim"]
    assert detail["victim"]["last_name"] == "Geheimsma-API"
    assert detail["b8"] is None
    assert client.get("/api/v1/cases/", **police_auth).json()["count"] == 1
    # The receiver cannot change the case.
    response = client.post(
        f"/api/v1/cases/{case.pk}/transition/",
        {"to_state": "intake"},
        content_type="application/json",
        **police_auth,
    )
    assert response.status_code == 404

    services.consent_withdraw(actor=coordinator, consent=consent)
    assert client.get(f"/api/v1/cases/{case.pk}/", **police_auth).status_code == 404
    assert client.get("/api/v1/cases/", **police_auth).json()["count"] == 0


def test_placements_api(client: Client) -> None:
    owner = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator)
    auth = api_token(Role.CARE_COORDINATOR, owner)
    municipality = Municipality.objects.get(code="GM0363")
    shelter = Shelter.objects.create(
        name="API-opvang",
        organisation=factories.organisation(OrganisationKind.SHELTER),
        region_id=municipality.police_unit_id,
        municipality=municipality,
    )
    ShelterCapacity.objects.create(shelter=shelter, category="men", places=1)
    response = client.post(
        "/api/v1/placement-requests/",
        {"case_id": case.pk, "category": "men", "region": municipality.police_unit.code},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="pr-1",
        **auth,
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    for expected in (201, 200):
        response = client.post(
            "/api/v1/placements/",
            {"request_id": request_id, "shelter": shelter.pk},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="pl-1",
            **auth,
        )
        assert response.status_code == expected, response.content
    assert Placement.objects.count() == 1
    assert PlacementRequest.objects.count() == 1
    placement_id = response.json()["id"]
    assert client.get(f"/api/v1/placements/{placement_id}/", **auth).status_code == 200
    stranger: dict[str, Any] = api_token(Role.CARE_COORDINATOR, factories.organisation())
    assert client.get(f"/api/v1/placements/{placement_id}/", **stranger).status_code == 404
    assert client.get("/api/v1/placements/", **stranger).json()["count"] == 0
    response = client.post(
        f"/api/v1/placements/{placement_id}/depart/",
        {"departed_on": timezone.localdate().isoformat(), "reason": "Terug naar land van herkomst"},
        content_type="application/json",
        **stranger,
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/placements/{placement_id}/depart/",
        {"departed_on": timezone.localdate().isoformat(), "reason": "Terug naar land van herkomst"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["departed_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_another_organisation_sees_nothing(client: Client, role: Role) -> None:
    owner = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator, last_name="Geheimsma-B")
    police = factories.organisation(OrganisationKind.POLICE)
    referral = services.referral_send(
        actor=coordinator,
        case=case,
        to_organisation=police,
        kind="police_report",
        shared_parts=["summary"],
        legal_basis="Wpg art. 8",
    )
    auth = api_token(role, factories.organisation())
    for url in (
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/referrals/{referral.pk}/",
    ):
        response = client.get(url, **auth)
        assert response.status_code in (403, 404)
        assert b"Geheimsma-B" not in response.content
    for url in ("/api/v1/cases/", "/api/v1/referrals/", "/api/v1/placements/"):
        response = client.get(url, **auth)
        assert response.status_code == 200
        assert response.json()["count"] == 0
    for url, body in (
        (f"/api/v1/cases/{case.pk}/transition/", {"to_state": "intake"}),
        (f"/api/v1/referrals/{referral.pk}/respond/", {"accept": True}),
    ):
        response = client.post(url, body, content_type="application/json", **auth)
        assert response.status_code in (403, 404)
    case.refresh_from_db()
    referral.refresh_from_db()
    assert (case.state, referral.status) == ("reported", "requested")
