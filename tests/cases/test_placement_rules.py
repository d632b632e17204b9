"""Rules of the placement, capacity, meeting and registration reads that a mutation of
``cases/selectors`` showed unpinned (issue #20, `make mutation` group case-coordination):
who may place which waiting request, what an overbooked or empty shelter shows, a
shelter's beheerder with a large organisation id, what a meeting hides, and who handed a
case to the national registration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.cases import factories
from tests.support import login

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.cases import selectors, services
from bovenwater.cases.corrections import CaseFieldChange
from bovenwater.cases.fields import field_label
from bovenwater.cases.models import (
    Case,
    PlacementRequest,
    Shelter,
    ShelterCapacity,
    ShelterCategory,
)
from bovenwater.cases.selectors.shelter_capacity import (
    own_shelter_capacities,
    own_shelter_capacity,
)
from bovenwater.cases.services.coordination import VictimData, case_assign, victim_update
from bovenwater.cases.types import VictimDetails
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db


def _shelter(organisation: Organisation, places: dict[str, int]) -> Shelter:
    municipality = Municipality.objects.get(code="GM0363")
    shelter = Shelter.objects.create(
        name=f"Opvang {organisation.pk}",
        organisation=organisation,
        region_id=municipality.police_unit_id,
        municipality=municipality,
    )
    for category, count in places.items():
        ShelterCapacity.objects.create(shelter=shelter, category=category, places=count)
    return shelter


@pytest.fixture
def world() -> dict[str, Any]:
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator)
    shelter = _shelter(
        factories.organisation(OrganisationKind.SHELTER),
        {ShelterCategory.WOMEN: 1, ShelterCategory.COSM: 1},
    )
    return {"owner": owner, "coordinator": coordinator, "case": case, "shelter": shelter}


def _request(world: dict[str, Any], category: str) -> Any:
    return services.placement_request_create(
        actor=world["coordinator"],
        case=world["case"],
        category=category,
        region=world["shelter"].region,
    )


def test_who_may_place_a_waiting_request_the_owner_but_not_cosm_the_registrar_all(
    world: dict[str, Any],
) -> None:
    women = _request(world, ShelterCategory.WOMEN)
    cosm = _request(world, ShelterCategory.COSM)
    region = world["shelter"].region_id
    stranger = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    registrar = factories.actor(
        Role.CARE_COORDINATOR, factories.organisation(OrganisationKind.NATIONAL_REGISTRAR)
    )

    def can_place(actor: Any) -> dict[int, tuple[bool, bool]]:
        rows = selectors.waiting_rows(actor=actor, region_id=region)
        return {row.request.pk: (row.own, row.can_place) for row in rows}

    assert can_place(world["coordinator"]) == {women.pk: (True, True), cosm.pk: (True, False)}
    # another region's coordinator sees the waiting list but places nothing of it
    assert can_place(stranger) == {women.pk: (False, False), cosm.pk: (False, False)}
    # the national registrar places everywhere, COSM included
    assert can_place(registrar) == {women.pk: (False, True), cosm.pk: (False, True)}
    shelters = {
        row.request.pk: row.shelters
        for row in selectors.waiting_rows(actor=registrar, region_id=region)
    }
    assert shelters[women.pk] == [(world["shelter"].pk, world["shelter"].name)]


def test_an_overbooked_category_shows_no_free_place_not_a_negative_one(
    world: dict[str, Any],
) -> None:
    request = _request(world, ShelterCategory.WOMEN)
    services.placement_create(actor=world["coordinator"], request=request, shelter=world["shelter"])
    # the platform administrator lowers the places in the admin below the places taken
    ShelterCapacity.objects.filter(shelter=world["shelter"], category=ShelterCategory.WOMEN).update(
        places=0
    )
    board = selectors.capacity_board(
        actor=world["coordinator"], region_id=world["shelter"].region_id
    )
    women = next(row for row in board if row.category == ShelterCategory.WOMEN)
    assert (women.places, women.occupied, women.available) == (0, 1, 0)
    cosm = next(row for row in board if row.category == ShelterCategory.COSM)
    assert (cosm.places, cosm.occupied, cosm.available) == (1, 0, 1)  # nobody placed


def test_the_placements_of_a_case_only_through_an_access_that_shows_them(
    world: dict[str, Any],
) -> None:
    request = _request(world, ShelterCategory.WOMEN)
    police = factories.organisation(OrganisationKind.POLICE)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    referral = factories.refer_with_consent(world["coordinator"], world["case"], police)
    services.referral_respond(actor=investigator, referral=referral, accept=True)
    own = selectors.case_access(actor=world["coordinator"], case=world["case"])
    shared = selectors.case_access(actor=investigator, case=world["case"])
    assert own is not None and shared is not None
    assert list(selectors.placement_requests_for_access(access=own)) == [request]
    assert not selectors.placement_requests_for_access(access=shared).exists()  # summary only


def test_a_beheerder_reads_its_own_shelters_whatever_the_organisation_id() -> None:
    """Compared by value: organisation ids above 256 are distinct int objects."""
    biggest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    organisation = Organisation.objects.create(
        pk=biggest + 1000,
        name="Opvang met een groot id",
        kind=OrganisationKind.SHELTER,
        municipality=Municipality.objects.get(code="GM0363"),
    )
    shelter = _shelter(organisation, {ShelterCategory.WOMEN: 3})
    beheerder = factories.actor(Role.ADMINISTRATOR, organisation)
    capacity = shelter.capacities.get()
    assert own_shelter_capacity(actor=beheerder, capacity_id=capacity.pk) == capacity
    (row,) = own_shelter_capacities(actor=beheerder)
    assert (row.places, row.occupied) == (3, 0)  # nobody placed yet: none taken


def test_a_meeting_counts_the_agenda_cases_the_reader_may_not_see(
    world: dict[str, Any],
) -> None:
    other = factories.open_case(world["coordinator"])
    police = factories.organisation(OrganisationKind.POLICE)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    referral = factories.refer_with_consent(world["coordinator"], world["case"], police)
    services.referral_respond(actor=investigator, referral=referral, accept=True)
    meeting = services.meeting_create(
        actor=world["coordinator"],
        title="Casusoverleg",
        held_on=timezone.localdate(),
        attendees=[police],
        agenda=[world["case"], other],
    )
    visible = set(
        selectors.meeting_cases_visible(actor=investigator, meeting=meeting).values_list(
            "pk", flat=True
        )
    )
    assert visible == {world["case"].pk}
    assert selectors.meeting_hidden_count(meeting=meeting, visible_ids=visible) == 1


def test_the_registration_hand_off_names_who_did_it_for_the_own_organisation_only(
    world: dict[str, Any],
) -> None:
    coordinator, case = world["coordinator"], world["case"]
    assert selectors.registration_of(actor=coordinator, case=case) is None
    services.consent_record(
        actor=coordinator,
        case=case,
        subject_matter="Registratie",
        recipient=factories.organisation(OrganisationKind.NATIONAL_REGISTRAR),
        purpose="Landelijke registratie",
        given_on=timezone.localdate(),
        given_by="Betrokkene",
    )
    services.case_register(actor=coordinator, case=case, basis="consent")
    done = selectors.registration_of(actor=coordinator, case=case)
    assert done is not None
    assert (done.by_user, done.by_organisation) == (
        coordinator.user.display_name,
        world["owner"].name,
    )
    other = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    assert selectors.registration_of(actor=other, case=case) is None


def test_the_work_queue_shows_the_oldest_ten_on_the_list_and_two_hundred_on_its_page(
    client: Client,
) -> None:
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    contact = factories.actor(
        Role.CONTACT_OFFICER, factories.organisation(OrganisationKind.MUNICIPALITY)
    )
    first = services.case_open(
        actor=contact,
        owner=owner,
        victim=VictimDetails(estimated_age=30),
        origin_signal_reference="S-2026-000001",
        reason="Uit triage",
    )
    fields = {
        f.attname: getattr(first, f.attname)
        for f in Case._meta.concrete_fields
        if not f.primary_key and f.attname not in ("number", "opened_at")
    }
    Case.objects.bulk_create(
        Case(**fields, number=f"Q-{i:04d}", opened_at=first.opened_at + timedelta(seconds=i + 1))
        for i in range(201)
    )
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    listed = selectors.work_queue_for_actor(actor=coordinator)
    assert [row.number for row in listed] == [first.number] + [f"Q-{i:04d}" for i in range(9)]
    login(client, factories.member(Role.CARE_COORDINATOR, owner, can_login=True))
    page = client.get(reverse("cases:work_queue")).content.decode()
    assert "Alleen de oudste 200 staan hier." in page
    assert "Q-0198" in page and "Q-0199" not in page


def test_the_placement_list_needs_the_right_to_see_cases(world: dict[str, Any]) -> None:
    request = _request(world, ShelterCategory.WOMEN)
    placement = services.placement_create(
        actor=world["coordinator"], request=request, shelter=world["shelter"]
    )
    assert list(selectors.placements_list_for_actor(actor=world["coordinator"])) == [placement]
    signaller = factories.actor(Role.SIGNALLER, world["owner"])
    with pytest.raises(PermissionDenied):
        selectors.placements_list_for_actor(actor=signaller)


def test_the_capacity_board_lists_the_oldest_two_hundred_waiting_requests(
    world: dict[str, Any],
) -> None:
    first = _request(world, ShelterCategory.WOMEN)
    fields = {
        f.attname: getattr(first, f.attname)
        for f in PlacementRequest._meta.concrete_fields
        if not f.primary_key and f.attname != "requested_at"
    }
    PlacementRequest.objects.bulk_create(
        PlacementRequest(**fields, requested_at=first.requested_at + timedelta(seconds=i + 1))
        for i in range(200)
    )
    rows = selectors.waiting_rows(actor=world["coordinator"], region_id=first.region_id)
    assert len(rows) == 200
    assert rows[0].request == first


def test_a_victim_history_read_by_break_the_glass_is_logged_as_emergency_access(
    world: dict[str, Any],
) -> None:
    coordinator, case = world["coordinator"], world["case"]
    victim_update(
        actor=coordinator,
        case=case,
        data=VictimData(first_name="Ioana", estimated_age=30),
        expected_version=None,
    )
    outsider = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    services.emergency_access_open(
        actor=outsider, case=case, reason="Acuut gevaar, politie belt nu"
    )
    access = selectors.case_access(actor=outsider, case=case)
    assert access is not None
    rows = selectors.field_history_for_access(actor=outsider, access=access)
    assert {row.part for row in rows} >= {"victim"}
    entry = ProcessingLogEntry.objects.filter(
        object_type="cases.casefieldchange", object_id=str(case.pk)
    ).latest("seq")
    assert entry.purpose == Purpose.EMERGENCY_ACCESS
    assert entry.actor_user_id == outsider.user.pk


def test_placement_requests_are_read_by_the_owners_coordinator_or_the_registrar(
    world: dict[str, Any],
) -> None:
    request = _request(world, ShelterCategory.WOMEN)
    assert list(selectors.placement_requests_of_own_cases(actor=world["coordinator"])) == [request]
    with pytest.raises(PermissionDenied):
        selectors.placement_requests_of_own_cases(
            actor=factories.actor(Role.SIGNALLER, world["owner"])
        )
    got = selectors.placement_request_get_for_actor(
        actor=world["coordinator"], request_id=request.pk
    )
    assert got == request
    stranger = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    with pytest.raises(Http404):
        selectors.placement_request_get_for_actor(actor=stranger, request_id=request.pk)
    refusal = ProcessingLogEntry.objects.order_by("-pk").first()
    assert refusal is not None and refusal.refused
    assert refusal.owner_organisation_id == world["owner"].pk  # the owner's officer sees it


def test_a_receiver_is_told_only_of_a_share_whose_consent_was_withdrawn(
    world: dict[str, Any],
) -> None:
    police = factories.organisation(OrganisationKind.POLICE)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    referral = factories.refer_with_consent(world["coordinator"], world["case"], police)
    services.referral_respond(actor=investigator, referral=referral, accept=True)
    case_id = world["case"].pk
    assert selectors.ended_share_for_actor(actor=investigator, case_id=case_id) is None
    referral.refresh_from_db()
    assert referral.consent is not None
    services.consent_withdraw(actor=world["coordinator"], consent=referral.consent)
    assert selectors.ended_share_for_actor(actor=investigator, case_id=case_id) == referral


def test_a_referral_reader_sees_corrections_of_the_case_but_not_who_coordinates_it(
    world: dict[str, Any],
) -> None:
    coordinator, case = world["coordinator"], world["case"]
    colleague = factories.actor(Role.CARE_COORDINATOR, world["owner"])
    case_assign(actor=coordinator, case=case, coordinator=colleague.user, reason="Verlof")
    police = factories.organisation(OrganisationKind.POLICE)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    referral = factories.refer_with_consent(coordinator, case, police)
    services.referral_respond(actor=investigator, referral=referral, accept=True)
    own = selectors.case_access(actor=coordinator, case=case)
    shared = selectors.case_access(actor=investigator, case=case)
    assert own is not None and shared is not None
    assert "coordinator" in {
        r.field for r in selectors.field_history_for_access(actor=coordinator, access=own)
    }
    assert "coordinator" not in {
        r.field for r in selectors.field_history_for_access(actor=investigator, access=shared)
    }


def test_the_history_of_corrections_shows_the_newest_two_hundred(
    world: dict[str, Any],
) -> None:
    case = world["case"]
    CaseFieldChange.objects.bulk_create(
        CaseFieldChange(
            case=case, version=i, part="case", field="summary", old_value="", new_value=str(i)
        )
        for i in range(1, 202)
    )
    access = selectors.case_access(actor=world["coordinator"], case=case)
    assert access is not None
    rows = selectors.field_history_for_access(actor=world["coordinator"], access=access)
    assert len(rows) == 200


def test_a_placement_is_read_through_an_access_that_shows_placements_only(
    world: dict[str, Any],
) -> None:
    request = _request(world, ShelterCategory.WOMEN)
    placement = services.placement_create(
        actor=world["coordinator"], request=request, shelter=world["shelter"]
    )
    police = factories.organisation(OrganisationKind.POLICE)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    referral = factories.refer_with_consent(world["coordinator"], world["case"], police)
    services.referral_respond(actor=investigator, referral=referral, accept=True)
    own = selectors.case_access(actor=world["coordinator"], case=world["case"])
    shared = selectors.case_access(actor=investigator, case=world["case"])
    assert own is not None and shared is not None
    assert list(selectors.placements_for_access(access=own)) == [placement]
    assert not selectors.placements_for_access(access=shared).exists()  # summary only
    got = selectors.placement_get_for_actor(actor=world["coordinator"], placement_id=placement.pk)
    assert got == placement
    with pytest.raises(Http404):
        selectors.placement_get_for_actor(actor=investigator, placement_id=placement.pk)
    refusal = ProcessingLogEntry.objects.order_by("-pk").first()
    assert refusal is not None and refusal.owner_organisation_id == world["owner"].pk


def test_the_owner_places_its_own_request_whatever_the_organisation_id() -> None:
    """Compared by value: organisation ids above 256 are distinct int objects."""
    biggest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    owner = Organisation.objects.create(
        pk=biggest + 1000,
        name="Zorgcoördinatie met een groot id",
        kind=OrganisationKind.CARE_COORDINATION,
        municipality=Municipality.objects.get(code="GM0363"),
    )
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator)
    shelter = _shelter(factories.organisation(OrganisationKind.SHELTER), {ShelterCategory.WOMEN: 1})
    request = services.placement_request_create(
        actor=coordinator, case=case, category=ShelterCategory.WOMEN, region=shelter.region
    )
    (row,) = selectors.waiting_rows(actor=coordinator, region_id=shelter.region_id)
    assert (row.request, row.own, row.can_place) == (request, True, True)
    got = selectors.placement_request_get_for_actor(actor=coordinator, request_id=request.pk)
    assert got == request


def test_a_history_of_case_fields_alone_is_no_read_of_the_victim(
    world: dict[str, Any],
) -> None:
    coordinator, case = world["coordinator"], world["case"]
    colleague = factories.actor(Role.CARE_COORDINATOR, world["owner"])
    case_assign(actor=coordinator, case=case, coordinator=colleague.user, reason="Verlof")
    access = selectors.case_access(actor=coordinator, case=case)
    assert access is not None
    rows = selectors.field_history_for_access(actor=coordinator, access=access)
    assert {row.part for row in rows} == {"case"}
    assert not ProcessingLogEntry.objects.filter(
        object_type="cases.casefieldchange", object_id=str(case.pk)
    ).exists()


def test_the_capacity_board_of_a_region_shows_that_regions_shelters(
    world: dict[str, Any],
) -> None:
    elsewhere = Municipality.objects.exclude(police_unit_id=world["shelter"].region_id).first()
    assert elsewhere is not None
    other = Shelter.objects.create(
        name="Opvang elders",
        organisation=factories.organisation(OrganisationKind.SHELTER),
        region_id=elsewhere.police_unit_id,
        municipality=elsewhere,
    )
    ShelterCapacity.objects.create(shelter=other, category=ShelterCategory.WOMEN, places=2)
    region = world["shelter"].region_id
    shown = {
        row.shelter
        for row in selectors.capacity_board(actor=world["coordinator"], region_id=region)
    }
    assert shown == {world["shelter"]}
    everywhere = selectors.capacity_board(actor=world["coordinator"], region_id=None)
    assert {row.shelter for row in everywhere} == {world["shelter"], other}


def test_another_organisations_beheerder_is_refused_a_capacity_whatever_the_ids() -> None:
    """Compared for equality: a later organisation (a larger id) is refused as well."""
    first = factories.organisation(OrganisationKind.SHELTER)
    capacity = _shelter(first, {ShelterCategory.WOMEN: 2}).capacities.get()
    later = factories.organisation(OrganisationKind.SHELTER)
    assert later.pk > first.pk
    with pytest.raises(Http404):
        own_shelter_capacity(
            actor=factories.actor(Role.ADMINISTRATOR, later), capacity_id=capacity.pk
        )


def test_the_work_queue_page_says_there_is_more_only_beyond_its_length(
    world: dict[str, Any],
) -> None:
    owner = world["owner"]
    contact = factories.actor(
        Role.CONTACT_OFFICER, factories.organisation(OrganisationKind.MUNICIPALITY)
    )
    for _ in range(2):
        services.case_open(
            actor=contact,
            owner=owner,
            victim=VictimDetails(estimated_age=30),
            origin_signal_reference="S-2026-000001",
            reason="Uit triage",
        )
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    rows, more = selectors.work_queue_page_for_actor(actor=coordinator, limit=2)
    assert (len(rows), more) == (2, False)  # exactly as many as the page holds
    rows, more = selectors.work_queue_page_for_actor(actor=coordinator, limit=1)
    assert (len(rows), more) == (1, True)


def test_an_earlier_organisation_does_not_own_a_later_ones_request() -> None:
    """Compared for equality: an organisation with a smaller id owns nothing of another."""
    earlier = factories.organisation(OrganisationKind.CARE_COORDINATION)
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    assert earlier.pk < owner.pk
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    shelter = _shelter(factories.organisation(OrganisationKind.SHELTER), {ShelterCategory.WOMEN: 1})
    request = services.placement_request_create(
        actor=coordinator,
        case=factories.open_case(coordinator),
        category=ShelterCategory.WOMEN,
        region=shelter.region,
    )
    stranger = factories.actor(Role.CARE_COORDINATOR, earlier)
    (row,) = selectors.waiting_rows(actor=stranger, region_id=shelter.region_id)
    assert (row.request, row.own, row.can_place) == (request, False, False)


def test_the_waiting_list_of_a_region_holds_that_regions_requests(
    world: dict[str, Any],
) -> None:
    here = _request(world, ShelterCategory.WOMEN)
    elsewhere = Municipality.objects.exclude(police_unit_id=world["shelter"].region_id).first()
    assert elsewhere is not None
    there = services.placement_request_create(
        actor=world["coordinator"],
        case=factories.open_case(world["coordinator"]),
        category=ShelterCategory.WOMEN,
        region=elsewhere.police_unit,
    )
    coordinator = world["coordinator"]
    region = world["shelter"].region_id
    assert [r.request for r in selectors.waiting_rows(actor=coordinator, region_id=region)] == [
        here
    ]
    everywhere = selectors.waiting_rows(actor=coordinator, region_id=None)
    assert {r.request for r in everywhere} == {here, there}


def test_a_beheerder_counts_the_places_taken_now_not_those_left(
    world: dict[str, Any],
) -> None:
    shelter = world["shelter"]
    request = _request(world, ShelterCategory.WOMEN)
    placement = services.placement_create(
        actor=world["coordinator"], request=request, shelter=shelter
    )
    beheerder = factories.actor(Role.ADMINISTRATOR, shelter.organisation)

    def taken() -> dict[str, int]:
        return {row.category_label: row.occupied for row in own_shelter_capacities(actor=beheerder)}

    assert sorted(taken().values()) == [0, 1]
    services.placement_depart(
        actor=world["coordinator"],
        placement=placement,
        departed_on=timezone.localdate(),
        reason="Eigen woonruimte",
    )
    assert sorted(taken().values()) == [0, 0]


def test_the_owners_victim_history_is_a_care_coordination_read_with_labels(
    world: dict[str, Any],
) -> None:
    coordinator, case = world["coordinator"], world["case"]
    victim_update(
        actor=coordinator,
        case=case,
        data=VictimData(first_name="Ioana", estimated_age=30),
        expected_version=None,
    )
    access = selectors.case_access(actor=coordinator, case=case)
    assert access is not None
    rows = selectors.field_history_for_access(actor=coordinator, access=access)
    labels = [getattr(row, "label", "") for row in rows]  # set by the selector, not a field
    assert rows and all(labels)
    assert field_label("victim", "first_name") in labels
    entry = ProcessingLogEntry.objects.filter(
        object_type="cases.casefieldchange", object_id=str(case.pk)
    ).latest("seq")
    assert entry.purpose == Purpose.CARE_COORDINATION
