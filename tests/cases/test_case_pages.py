"""The case pages: forms keep input with Dutch errors, illegal transitions answer 409,
cases of other organisations answer 404, and the whole coordinator flow works."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases.models import (
    Case,
    CaseEvent,
    CaseState,
    Consent,
    Placement,
    Referral,
    ReferralStatus,
    Shelter,
    ShelterCapacity,
)
from bovenwater.reference.models import Municipality, Nationality

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., Membership]
) -> Membership:
    org = make_organisation(name="Zorgcoördinatie Test", kind=OrganisationKind.CARE_COORDINATION)
    return make_member(role=Role.CARE_COORDINATOR, organisation=org)


def test_open_case_form_keeps_input_and_shows_dutch_errors(
    client: Client, coordinator: Membership, login_as: Callable[[Membership], Client]
) -> None:
    login_as(coordinator)
    response = client.post("/casussen/nieuw/", {"language": "Tigrinya", "gender": "female"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vul een geschatte leeftijd of een geboortedatum in." in body
    assert 'value="Tigrinya"' in body
    assert Case.objects.count() == 0


def test_coordinator_flow_through_pages(
    client: Client,
    coordinator: Membership,
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    login_as(coordinator)
    nationality = Nationality.objects.get(code="ER")
    response = client.post(
        "/casussen/nieuw/",
        {
            "estimated_age": "22",
            "gender": "female",
            "nationality": nationality.pk,
            "language": "Tigrinya",
            "first_name": "Selam",
            "reason": "Doorverwezen door politie",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    url = f"/casussen/{case.pk}/"
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert case.number in page and "Selam" in page

    # An illegal transition: 409 with a Dutch reason, nothing written.
    events = CaseEvent.objects.count()
    response = client.post(f"{url}status/", {"to_state": "aftercare", "reason": ""})
    assert response.status_code == 409
    assert "kan niet naar" in response.content.decode()
    assert CaseEvent.objects.count() == events
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED

    for state in ("intake", "reflection"):
        assert client.post(f"{url}status/", {"to_state": state}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REFLECTION
    page = client.get("/casussen/").content.decode()
    assert case.number in page and "Einde bedenktijd (B8)" in page

    police = make_organisation(name="Politie Test", kind=OrganisationKind.POLICE)
    response = client.post(
        f"{url}toestemming/",
        {
            "subject_matter": "Verklaring",
            "recipient": police.pk,
            "purpose": "Aangifte",
            "given_on": timezone.localdate().isoformat(),
            "given_by": "Betrokkene",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    response = client.post(
        f"{url}verwijzing/",
        {"to_organisation": police.pk, "kind": "police_report", "shared_parts": ["summary"]},
    )
    assert response.status_code == 400
    assert "Kies een toestemming of leg een wettelijke grondslag vast." in response.content.decode()
    response = client.post(
        f"{url}verwijzing/",
        {
            "to_organisation": police.pk,
            "kind": "police_report",
            "consent": consent.pk,
            "shared_parts": ["summary", "victim"],
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()

    investigator = make_member(role=Role.INVESTIGATOR, organisation=police)
    login_as(investigator)
    assert client.get(url).status_code == 404
    response = client.post(f"/casussen/verwijzingen/{referral.pk}/", {"decision": "accept"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    page = client.get(url).content.decode()
    assert "Selam" in page and "Tijdlijn" not in page
    assert client.post(f"{url}status/", {"to_state": "care"}).status_code == 404

    login_as(coordinator)
    assert client.post(f"/casussen/toestemming/{consent.pk}/intrekken/").status_code == 302
    login_as(investigator)
    assert client.get(url).status_code == 404

    login_as(coordinator)
    municipality = Municipality.objects.get(code="GM0363")
    shelter = Shelter.objects.create(
        name="Opvang Test",
        organisation=make_organisation(kind=OrganisationKind.SHELTER),
        region_id=municipality.police_unit_id,
        municipality=municipality,
    )
    ShelterCapacity.objects.create(shelter=shelter, category="women", places=3)
    response = client.post(
        f"{url}plaatsing/", {"category": "women", "region": municipality.police_unit_id}
    )
    assert response.status_code == 302
    request = case.placement_requests.get()
    board = client.get("/casussen/opvang/").content.decode()
    assert "Opvang Test" in board and case.number in board
    response = client.post(
        f"/casussen/opvang/verzoek/{request.pk}/plaatsen/", {f"r{request.pk}-shelter": shelter.pk}
    )
    assert response.status_code == 302
    assert Placement.objects.filter(case=case, shelter=shelter).count() == 1

    assert client.post(f"{url}status/", {"to_state": "closed"}).status_code == 409
    response = client.post(f"{url}status/", {"to_state": "closed", "reason": "Zorg afgerond"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_another_organisation_gets_404(
    role: Role,
    client: Client,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    owner = factories.organisation(name="Organisatie B zorg")
    b_actor = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(b_actor, last_name="Geheimsma-B")
    login_as(make_member(role=role))
    before = CaseEvent.objects.count()
    for url in (
        f"/casussen/{case.pk}/",
        f"/casussen/{case.pk}/status/",
        f"/casussen/{case.pk}/notitie/",
        f"/casussen/{case.pk}/toestemming/",
        f"/casussen/{case.pk}/verwijzing/",
        f"/casussen/{case.pk}/plaatsing/",
        f"/casussen/{case.pk}/taak/",
        f"/casussen/{case.pk}/b8/",
    ):
        for response in (
            client.get(url),
            client.post(url, {"to_state": "intake", "text": "x", "reason": "x"}),
        ):
            assert response.status_code in (403, 404, 405), (url, response.status_code)
            assert b"Geheimsma-B" not in response.content
            assert case.number.encode() not in response.content
    for url in ("/casussen/", "/casussen/verwijzingen/", "/casussen/opvang/"):
        response: Any = client.get(url)
        assert response.status_code in (200, 403)
        assert case.number.encode() not in response.content
    assert CaseEvent.objects.count() == before
