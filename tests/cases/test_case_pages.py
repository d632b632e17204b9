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
from bovenwater.cases import services
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
    # closing with a current placement: refused, with what is still open (issue #13)
    blocked = client.post(f"{url}status/", {"to_state": "closed", "reason": "Zorg afgerond"})
    assert blocked.status_code == 409
    assert "Nog geplaatst in Opvang Test" in blocked.content.decode()
    placement = Placement.objects.get(case=case)
    departed = client.post(
        f"/casussen/plaatsingen/{placement.pk}/vertrek/",
        {"departed_on": timezone.localdate().isoformat(), "reason": "Eigen woonruimte"},
    )
    assert departed.status_code == 302
    response = client.post(f"{url}status/", {"to_state": "closed", "reason": "Zorg afgerond"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


@pytest.fixture
def organisation_b() -> dict[str, Any]:
    """Organisation B's case with every kind of object around it, marked with secrets."""

    owner = factories.organisation(name="Organisatie B zorg", municipality_code="GM0599")
    b_actor = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(b_actor, last_name="Geheimsma-B")
    partner = factories.organisation(OrganisationKind.POLICE, "GM0599")
    consent = services.consent_record(
        actor=b_actor,
        case=case,
        subject_matter="Geheim-B toestemming",
        recipient=partner,
        purpose="Aangifte",
        given_on=timezone.localdate(),
        given_by="Betrokkene",
    )
    referral = services.referral_send(
        actor=b_actor,
        case=case,
        to_organisation=partner,
        kind="police_report",
        shared_parts=["summary", "victim"],
        consent=consent,
    )
    task = services.task_create(
        actor=b_actor, case=case, title="Geheim-B taak", deadline=timezone.localdate()
    )
    municipality = Municipality.objects.get(code="GM0599")
    shelter = Shelter.objects.create(
        name="Opvang B",
        organisation=factories.organisation(OrganisationKind.SHELTER, "GM0599"),
        region_id=municipality.police_unit_id,
        municipality=municipality,
    )
    ShelterCapacity.objects.create(shelter=shelter, category="women", places=2)
    first = services.placement_request_create(
        actor=b_actor, case=case, category="women", region=municipality.police_unit
    )
    placement = services.placement_create(actor=b_actor, request=first, shelter=shelter)
    other_case = factories.open_case(b_actor, last_name="Geheimsma-B2")
    waiting = services.placement_request_create(
        actor=b_actor, case=other_case, category="women", region=municipality.police_unit
    )
    meeting = services.meeting_create(
        actor=b_actor,
        title="Geheim-B overleg",
        held_on=timezone.localdate(),
        attendees=[partner],
        agenda=[case],
    )
    measure = services.measure_create(
        actor=factories.actor(
            Role.CONTACT_OFFICER, factories.organisation(OrganisationKind.MUNICIPALITY, "GM0599")
        ),
        kind="closure",
        target="Geheim-B pand",
        legal_ground="Gemeentewet art. 174a",
        started_on=timezone.localdate(),
    )
    urls = [
        f"/casussen/{case.pk}/",
        f"/casussen/{case.pk}/status/",
        f"/casussen/{case.pk}/notitie/",
        f"/casussen/{case.pk}/toestemming/",
        f"/casussen/{case.pk}/verwijzing/",
        f"/casussen/{case.pk}/plaatsing/",
        f"/casussen/{case.pk}/taak/",
        f"/casussen/{case.pk}/b8/",
        f"/casussen/{case.pk}/registratie/",
        f"/casussen/toestemming/{consent.pk}/intrekken/",
        f"/casussen/taken/{task.pk}/afgerond/",
        f"/casussen/plaatsingen/{placement.pk}/vertrek/",
        f"/casussen/verwijzingen/{referral.pk}/",
        f"/casussen/verwijzingen/{referral.pk}/intrekken/",
        f"/casussen/opvang/verzoek/{waiting.pk}/plaatsen/",
        f"/casussen/overleg/{meeting.pk}/",
        f"/casussen/maatregelen/{measure.pk}/",
    ]
    return {
        "case": case,
        "urls": urls,
        "markers": (b"Geheimsma-B", b"Geheim-B", case.number.encode()),
        "state": lambda: (
            Case.objects.get(pk=case.pk).state,
            Referral.objects.get(pk=referral.pk).status,
            Consent.objects.get(pk=consent.pk).withdrawn_at,
            Placement.objects.get(pk=placement.pk).departed_on,
            Placement.objects.count(),
            CaseEvent.objects.count(),
        ),
    }


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_another_organisation_gets_404(
    role: Role,
    client: Client,
    organisation_b: dict[str, Any],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    login_as(make_member(role=role))
    before = organisation_b["state"]()
    post = {
        "to_state": "intake",
        "text": "x",
        "reason": "x",
        "decision": "accept",
        "basis": "obligation",
        "status": "withdrawn",
        "departed_on": timezone.localdate().isoformat(),
    }
    for url in organisation_b["urls"]:
        for response in (client.get(url), client.post(url, post)):
            assert response.status_code in (403, 404, 405), (url, response.status_code)
            for marker in organisation_b["markers"]:
                assert marker not in response.content, (url, marker)
    for url in (
        "/casussen/",
        "/casussen/verwijzingen/",
        "/casussen/opvang/?regio=alle",
        "/casussen/overleg/",
        "/casussen/maatregelen/",
        "/casussen/noodtoegang/overzicht/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        for marker in organisation_b["markers"]:
            assert marker not in response.content, (url, marker)
    assert organisation_b["state"]() == before


def test_break_the_glass_page_needs_a_reason_and_opens_the_case(
    client: Client,
    coordinator: Membership,
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    owner = factories.organisation(name="Eigenaar noodtoegang")
    case = factories.open_case(factories.actor(Role.CARE_COORDINATOR, owner))
    login_as(coordinator)
    assert client.get(f"/casussen/{case.pk}/").status_code == 404
    assert (
        "Noodtoegang tot een casus van een andere organisatie"
        in client.get("/casussen/").content.decode()
    )
    response = client.post("/casussen/noodtoegang/", {"number": case.number, "reason": "kort"})
    assert response.status_code == 400
    assert "minstens tien tekens" in response.content.decode()
    assert f'value="{case.number}"' in response.content.decode()
    response = client.post(
        "/casussen/noodtoegang/",
        {"number": case.number, "reason": "Acuut gevaar, eigenaar niet bereikbaar"},
    )
    assert response.status_code == 302
    assert "Noodtoegang" in client.get(f"/casussen/{case.pk}/").content.decode()
    officer = make_member(role=Role.PRIVACY_OFFICER, organisation=owner)
    login_as(officer)
    log = client.get("/casussen/noodtoegang/overzicht/").content.decode()
    assert "Acuut gevaar, eigenaar niet bereikbaar" in log and case.number in log
