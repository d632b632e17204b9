"""Finding 1: an organisation's beheerder manages its own members and its shelters'
capacity in the normal UI, with reasons, in the processing log, and nothing of another
organisation (refusals answer 404 and are logged for the owning organisation)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from tests.cases.factories import actor, open_case

from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.cases.models import Placement, Shelter, ShelterCapacity, ShelterCategory

pytestmark = pytest.mark.django_db

Member = Callable[..., Membership]
Login = Callable[[Membership], Client]


def _entries(object_type: str, object_id: object) -> list[ProcessingLogEntry]:
    return list(
        ProcessingLogEntry.objects.filter(
            object_type=object_type, object_id=str(object_id)
        ).order_by("pk")
    )


@pytest.fixture
def beheerder(make_member: Member) -> Membership:
    return make_member(role=Role.ADMINISTRATOR)


def test_beheerder_adds_an_existing_account_of_another_organisation(
    beheerder: Membership, make_member: Member, login_as: Login
) -> None:
    elsewhere = make_member(role=Role.SIGNALLER)  # another organisation
    elsewhere.user.email = "femke@voorbeeld.invalid"
    elsewhere.user.save()
    client = login_as(beheerder)
    response = client.post(
        reverse("accounts:member_add"),
        {"email": "Femke@Voorbeeld.invalid", "role": Role.CONTACT_OFFICER, "reason": "detachering"},
    )
    assert response.status_code == 302
    added = Membership.objects.get(user=elsewhere.user, organisation=beheerder.organisation)
    assert added.role == Role.CONTACT_OFFICER and added.is_active
    assert User.objects.filter(email__iexact="femke@voorbeeld.invalid").count() == 1
    assert mail.outbox == []  # an existing account is not invited
    (entry,) = [e for e in _entries("accounts.membership", added.pk) if e.action == Action.CREATE]
    assert entry.actor_user_id == beheerder.user_id
    assert entry.organisation_id == beheerder.organisation_id
    assert entry.details["reason"] == "detachering"
    assert entry.details["role"] == Role.CONTACT_OFFICER


def test_beheerder_invites_a_new_person_who_chooses_a_password(
    beheerder: Membership, login_as: Login, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    login_as(beheerder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:member_add"),
            {
                "email": "nieuw@gemeente.invalid",
                "first_name": "Noor",
                "last_name": "Proefsma",
                "role": Role.POLICY_OFFICER,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@gemeente.invalid")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, organisation=beheerder.organisation).exists()
    (message,) = mail.outbox
    assert "Uitnodiging" in message.subject
    url = re.search(r"https?://\S+/account/uitnodiging/\S+/", str(message.body))
    assert url is not None
    path = "/" + url.group(0).split("/", 3)[3]
    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    weak = anonymous.post(path, {"password1": "kort", "password2": "kort"})
    assert weak.status_code == 400
    strong = "Lang-Genoeg-Wachtwoord-2026"
    assert anonymous.post(path, {"password1": strong, "password2": strong}).status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)
    assert anonymous.get(path).status_code == 404  # the link works once


def test_bad_input_keeps_what_was_typed_with_a_dutch_message(
    beheerder: Membership, login_as: Login
) -> None:
    client = login_as(beheerder)
    response = client.post(
        reverse("accounts:member_add"),
        {"email": "geen-adres", "first_name": "Anouk", "role": Role.SIGNALLER},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Vul een geldig e-mailadres in." in body
    assert 'value="Anouk"' in body
    # a new account needs both names; nothing is written
    response = client.post(
        reverse("accounts:member_add"),
        {"email": "onbekend@gemeente.invalid", "first_name": "Anouk", "role": Role.SIGNALLER},
    )
    assert response.status_code == 400
    assert "Vul voor- en achternaam in." in response.content.decode()
    assert not User.objects.filter(email="onbekend@gemeente.invalid").exists()


def test_beheerder_changes_a_role_and_ends_a_membership_with_reasons(
    beheerder: Membership, make_member: Member, login_as: Login
) -> None:
    colleague = make_member(role=Role.SIGNALLER, organisation=beheerder.organisation)
    client = login_as(beheerder)
    url = reverse("accounts:member", args=[colleague.pk])
    assert client.get(url).status_code == 200
    no_reason = client.post(url, {"action": "role", "role-role": Role.CONTACT_OFFICER})
    assert no_reason.status_code == 400
    assert "Geef een reden op." in no_reason.content.decode()
    response = client.post(
        url, {"action": "role", "role-role": Role.CONTACT_OFFICER, "role-reason": "nieuwe taak"}
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Role.CONTACT_OFFICER
    changed = [e for e in _entries("accounts.membership", colleague.pk) if e.action == "update"]
    assert changed[-1].details == {
        "changes": {"role": [Role.SIGNALLER, Role.CONTACT_OFFICER]},
        "reason": "nieuwe taak",
    }
    response = client.post(url, {"action": "end", "end-reason": "uit dienst"})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    ended = [e for e in _entries("accounts.membership", colleague.pk) if e.action == "update"]
    assert ended[-1].details == {"changes": {"is_active": [True, False]}, "reason": "uit dienst"}
    # the ended member no longer acts for the organisation
    assert login_as(colleague).get(reverse("core:home")).status_code == 302


def test_no_platform_administrator_role_and_not_the_own_membership(
    beheerder: Membership, make_member: Member, login_as: Login
) -> None:
    colleague = make_member(role=Role.SIGNALLER, organisation=beheerder.organisation)
    client = login_as(beheerder)
    response = client.post(
        reverse("accounts:member", args=[colleague.pk]),
        {"action": "role", "role-role": Role.PLATFORM_ADMINISTRATOR, "role-reason": "graag"},
    )
    assert response.status_code == 400
    colleague.refresh_from_db()
    assert colleague.role == Role.SIGNALLER
    response = client.post(
        reverse("accounts:member_add"),
        {
            "email": "x@y.invalid",
            "first_name": "X",
            "last_name": "Y",
            "role": "platform_administrator",
        },
    )
    assert response.status_code == 400
    own = reverse("accounts:member", args=[beheerder.pk])
    response = client.post(own, {"action": "end", "end-reason": "weg"})
    assert response.status_code == 400
    beheerder.refresh_from_db()
    assert beheerder.is_active
    # a platform administrator's membership in the organisation is not the beheerder's
    platform = make_member(role=Role.PLATFORM_ADMINISTRATOR, organisation=beheerder.organisation)
    assert client.get(reverse("accounts:member", args=[platform.pk])).status_code == 404


def test_another_organisations_members_answer_404_and_the_owner_sees_the_attempt(
    beheerder: Membership, make_member: Member, login_as: Login
) -> None:
    foreign = make_member(role=Role.SIGNALLER)
    client = login_as(beheerder)
    url = reverse("accounts:member", args=[foreign.pk])
    missing = reverse("accounts:member", args=[foreign.pk + 10_000])
    assert client.get(missing).status_code == 404
    for response in (
        client.get(url),
        client.post(url, {"action": "role", "role-role": Role.CONTACT_OFFICER, "role-reason": "x"}),
        client.post(url, {"action": "end", "end-reason": "x"}),
    ):
        assert response.status_code == 404
        assert foreign.user.username not in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.role == Role.SIGNALLER and foreign.is_active
    refusals = [e for e in _entries("accounts.membership", foreign.pk) if e.refused]
    assert len(refusals) == 3
    assert {e.owner_organisation_id for e in refusals} == {foreign.organisation_id}
    assert {e.organisation_id for e in refusals} == {beheerder.organisation_id}


def test_other_roles_cannot_manage_members(make_member: Member, login_as: Login) -> None:
    officer = make_member(role=Role.CONTACT_OFFICER)
    colleague = make_member(role=Role.SIGNALLER, organisation=officer.organisation)
    client = login_as(officer)
    assert client.get(reverse("accounts:members")).status_code == 200  # may view
    assert client.get(reverse("accounts:member_add")).status_code == 403
    assert client.get(reverse("accounts:member", args=[colleague.pk])).status_code == 403
    response = client.post(
        reverse("accounts:member", args=[colleague.pk]),
        {"action": "end", "end-reason": "x"},
    )
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active


@pytest.fixture
def shelter_org(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Opvang De Haven", kind=OrganisationKind.SHELTER)


def _shelter(organisation: Organisation, name: str) -> ShelterCapacity:
    municipality = organisation.municipality
    shelter = Shelter.objects.create(
        name=name,
        organisation=organisation,
        region_id=municipality.police_unit_id,
        municipality=municipality,
    )
    return ShelterCapacity.objects.create(shelter=shelter, category=ShelterCategory.WOMEN, places=4)


def test_shelter_beheerder_sets_capacity_with_a_reason(
    shelter_org: Organisation, make_member: Member, login_as: Login
) -> None:
    capacity = _shelter(shelter_org, "De Haven")
    client = login_as(make_member(role=Role.ADMINISTRATOR, organisation=shelter_org))
    url = reverse("cases:shelter_capacity")
    page = client.get(url)
    assert page.status_code == 200
    assert "De Haven" in page.content.decode()
    prefix = f"c{capacity.pk}"
    response = client.post(
        url, {"capacity": capacity.pk, f"{prefix}-places": "6", f"{prefix}-reason": "verbouwing"}
    )
    assert response.status_code == 302
    capacity.refresh_from_db()
    assert capacity.places == 6
    (entry,) = [e for e in _entries("cases.sheltercapacity", capacity.pk) if not e.refused]
    assert entry.details == {"changes": {"places": [4, 6]}, "reason": "verbouwing"}


def test_capacity_below_the_places_taken_is_refused_and_input_kept(
    shelter_org: Organisation, make_member: Member, login_as: Login
) -> None:
    capacity = _shelter(shelter_org, "De Haven")
    coordinator = actor(Role.CARE_COORDINATOR, shelter_org)
    case = open_case(coordinator)
    for _ in range(2):
        Placement.objects.create(
            case=case,
            shelter=capacity.shelter,
            category=capacity.category,
            started_on="2026-01-05",
            placed_by=coordinator.user,
        )
    client = login_as(make_member(role=Role.ADMINISTRATOR, organisation=shelter_org))
    prefix = f"c{capacity.pk}"
    response = client.post(
        reverse("cases:shelter_capacity"),
        {"capacity": capacity.pk, f"{prefix}-places": "1", f"{prefix}-reason": "minder"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Er verblijven nu 2 cliënten in deze categorie" in body
    assert 'value="minder"' in body
    capacity.refresh_from_db()
    assert capacity.places == 4


def test_another_organisations_shelter_capacity_is_out_of_reach(
    shelter_org: Organisation,
    make_organisation: Callable[..., Organisation],
    make_member: Member,
    login_as: Login,
) -> None:
    foreign = _shelter(
        make_organisation(name="Opvang Elders", kind=OrganisationKind.SHELTER), "Elders"
    )
    client = login_as(make_member(role=Role.ADMINISTRATOR, organisation=shelter_org))
    prefix = f"c{foreign.pk}"
    page = client.get(reverse("cases:shelter_capacity"))
    assert "Elders" not in page.content.decode()
    response = client.post(
        reverse("cases:shelter_capacity"),
        {"capacity": foreign.pk, f"{prefix}-places": "40", f"{prefix}-reason": "x"},
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.places == 4
    (refusal,) = [e for e in _entries("cases.sheltercapacity", foreign.pk) if e.refused]
    assert refusal.owner_organisation_id == foreign.shelter.organisation_id
    # a role without the beheerder's permission cannot change its own shelter either
    own = _shelter(shelter_org, "De Haven")
    coordinator = login_as(make_member(role=Role.CARE_COORDINATOR, organisation=shelter_org))
    assert coordinator.get(reverse("cases:shelter_capacity")).status_code == 403
    response = coordinator.post(
        reverse("cases:shelter_capacity"),
        {"capacity": own.pk, f"c{own.pk}-places": "40", f"c{own.pk}-reason": "x"},
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.places == 4
