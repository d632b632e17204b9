"""Need-to-know: owner, accepted referral with standing consent, break-the-glass; B8; shelters."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.cases import selectors, services
from bovenwater.cases.corrections import AppendOnlyError
from bovenwater.cases.models import (
    CaseEvent,
    CaseState,
    Consent,
    EmergencyAccess,
    Placement,
    PlacementRequestStatus,
    Referral,
    ReferralStatus,
    SharedPart,
    Shelter,
    ShelterCapacity,
    ShelterCategory,
)
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    police = factories.organisation(OrganisationKind.POLICE)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    case = factories.open_case(coordinator)
    return {
        "owner": owner,
        "police": police,
        "coordinator": coordinator,
        "investigator": investigator,
        "case": case,
    }


def _refer(
    world: dict[str, Any], parts: Sequence[SharedPart] = (SharedPart.SUMMARY, SharedPart.VICTIM)
) -> tuple[Consent, Referral]:
    consent = services.consent_record(
        actor=world["coordinator"],
        case=world["case"],
        subject_matter="Persoonsgegevens en verklaring",
        recipient=world["police"],
        purpose="Aangifte mensenhandel",
        given_on=timezone.localdate(),
        given_by="Betrokkene zelf",
    )
    referral = services.referral_send(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=world["police"],
        kind="police_report",
        shared_parts=list(parts),
        consent=consent,
    )
    return consent, referral


def test_case_number_is_pseudonymous_and_sequential(world) -> None:  # type: ignore[no-untyped-def]
    year = timezone.localdate().year
    second = factories.open_case(world["coordinator"])
    first_number = int(world["case"].number.rsplit("-", 1)[1])
    assert world["case"].number.startswith(f"C-{year}-")
    assert second.number == f"C-{year}-{first_number + 1:05d}"
    assert "Geheimvoet" not in world["case"].number


def test_owner_sees_everything_and_read_is_logged(world) -> None:  # type: ignore[no-untyped-def]
    before = ProcessingLogEntry.objects.count()
    access = selectors.case_get_for_actor(actor=world["coordinator"], case_id=world["case"].pk)
    assert access.via == "owner"
    assert access.parts == selectors.ALL_PARTS
    victim = selectors.victim_for_access(actor=world["coordinator"], access=access)
    assert victim is not None and victim.last_name == "Geheimvoet"
    entries = list(ProcessingLogEntry.objects.order_by("pk")[before:])
    assert [(e.object_type, e.data_subject) for e in entries] == [
        ("cases.case", f"case:{world['case'].number}"),
        ("cases.victimprofile", f"case:{world['case'].number}"),
    ]


def test_other_organisation_gets_404_and_refusal_is_logged(world) -> None:  # type: ignore[no-untyped-def]
    before = ProcessingLogEntry.objects.count()
    with pytest.raises(Http404):
        selectors.case_get_for_actor(actor=world["investigator"], case_id=world["case"].pk)
    entry = ProcessingLogEntry.objects.order_by("-pk").first()
    assert ProcessingLogEntry.objects.count() == before + 1
    assert entry is not None and entry.details == {"refused": "out_of_scope"}
    assert entry.data_subject == ""


def test_requested_referral_gives_no_access_accepted_gives_agreed_parts(world) -> None:  # type: ignore[no-untyped-def]
    _consent, referral = _refer(world)
    with pytest.raises(Http404):
        selectors.case_get_for_actor(actor=world["investigator"], case_id=world["case"].pk)
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    access = selectors.case_get_for_actor(actor=world["investigator"], case_id=world["case"].pk)
    assert access.via == "referral"
    assert access.parts == frozenset({SharedPart.SUMMARY, SharedPart.VICTIM})
    assert not access.can_manage
    assert selectors.timeline_for_access(access=access).count() == 0
    assert selectors.consents_for_access(access=access).count() == 0
    assert selectors.placements_for_access(access=access).count() == 0
    victim = selectors.victim_for_access(actor=world["investigator"], access=access)
    assert victim is not None and victim.first_name == "Anna"


def test_victim_details_need_the_victim_part(world) -> None:  # type: ignore[no-untyped-def]
    _consent, referral = _refer(world, parts=(SharedPart.SUMMARY, SharedPart.B8))
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    access = selectors.case_get_for_actor(actor=world["investigator"], case_id=world["case"].pk)
    assert access.can_see_victim is False
    assert selectors.victim_for_access(actor=world["investigator"], access=access) is None


def test_consent_withdrawal_ends_access_and_is_logged(world) -> None:  # type: ignore[no-untyped-def]
    consent, referral = _refer(world)
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    selectors.case_get_for_actor(actor=world["investigator"], case_id=world["case"].pk)
    services.consent_withdraw(actor=world["coordinator"], consent=consent)
    with pytest.raises(Http404):
        selectors.case_get_for_actor(actor=world["investigator"], case_id=world["case"].pk)
    assert not selectors.cases_visible_to(world["investigator"]).exists()
    entry = ProcessingLogEntry.objects.filter(object_type="cases.consent").order_by("-pk").first()
    assert entry is not None
    assert entry.details == {"withdrawn": True, "access_ended_for": [world["police"].pk]}
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=world["coordinator"], consent=consent)


def test_referral_needs_consent_or_legal_basis_and_writes_nothing_otherwise(world) -> None:  # type: ignore[no-untyped-def]
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        services.referral_send(
            actor=world["coordinator"],
            case=world["case"],
            to_organisation=world["police"],
            kind="police_report",
            shared_parts=[SharedPart.SUMMARY],
        )
    assert "consent" in info.value.error_dict
    assert world["case"].referrals.count() == 0
    assert CaseEvent.objects.count() == events
    referral = services.referral_send(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=world["police"],
        kind="police_report",
        shared_parts=[SharedPart.SUMMARY],
        legal_basis="Wet politiegegevens art. 8",
    )
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    assert selectors.case_get_for_actor(actor=world["investigator"], case_id=world["case"].pk)


def test_withdrawn_consent_cannot_carry_a_new_referral(world) -> None:  # type: ignore[no-untyped-def]
    consent, _referral = _refer(world)
    services.consent_withdraw(actor=world["coordinator"], consent=consent)
    with pytest.raises(ValidationError):
        services.referral_send(
            actor=world["coordinator"],
            case=world["case"],
            to_organisation=world["police"],
            kind="police_report",
            shared_parts=[SharedPart.SUMMARY],
            consent=consent,
        )


def test_decline_needs_reason_and_gives_no_access(world) -> None:  # type: ignore[no-untyped-def]
    _consent, referral = _refer(world)
    with pytest.raises(ValidationError):
        services.referral_respond(actor=world["investigator"], referral=referral, accept=False)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED
    services.referral_respond(
        actor=world["investigator"], referral=referral, accept=False, reason="Geen capaciteit"
    )
    with pytest.raises(Http404):
        selectors.case_get_for_actor(actor=world["investigator"], case_id=world["case"].pk)


def test_only_the_receiver_responds(world) -> None:  # type: ignore[no-untyped-def]
    _consent, referral = _refer(world)
    stranger = factories.actor(Role.INVESTIGATOR, factories.organisation(OrganisationKind.POLICE))
    with pytest.raises(Http404):
        services.referral_respond(actor=stranger, referral=referral, accept=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_break_the_glass_needs_reason_is_flagged_and_listed(world) -> None:  # type: ignore[no-untyped-def]
    outsider = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    with pytest.raises(ValidationError):
        services.emergency_access_open(actor=outsider, case=world["case"], reason="kort")
    assert EmergencyAccess.objects.count() == 0
    services.emergency_access_open(
        actor=outsider, case=world["case"], reason="Acuut gevaar, eigenaar onbereikbaar"
    )
    access = selectors.case_get_for_actor(actor=outsider, case_id=world["case"].pk)
    assert access.via == "emergency"
    assert not access.can_manage
    flagged = ProcessingLogEntry.objects.filter(purpose=Purpose.EMERGENCY_ACCESS)
    assert flagged.filter(object_type="cases.emergencyaccess").count() == 1
    assert flagged.filter(object_type="cases.case").count() == 1
    officer = factories.actor(Role.PRIVACY_OFFICER, world["owner"])
    listed = list(selectors.emergency_accesses_for_privacy_officer(actor=officer))
    assert [a.reason for a in listed] == ["Acuut gevaar, eigenaar onbereikbaar"]
    stranger_officer = factories.actor(Role.PRIVACY_OFFICER, factories.organisation())
    assert list(selectors.emergency_accesses_for_privacy_officer(actor=stranger_officer)) == []
    with pytest.raises(AppendOnlyError):
        listed[0].delete()


def test_break_the_glass_expires(world) -> None:  # type: ignore[no-untyped-def]
    outsider = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    services.emergency_access_open(
        actor=outsider, case=world["case"], reason="Acuut gevaar, eigenaar onbereikbaar"
    )
    later = timezone.now() + datetime.timedelta(hours=services.EMERGENCY_ACCESS_HOURS + 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        with pytest.raises(Http404):
            selectors.case_get_for_actor(actor=outsider, case_id=world["case"].pk)


def test_roles_without_permission_cannot_break_the_glass(world) -> None:  # type: ignore[no-untyped-def]
    signaller = factories.actor(Role.SIGNALLER, factories.organisation())
    with pytest.raises(PermissionDenied):
        services.emergency_access_open(
            actor=signaller, case=world["case"], reason="Ik wil dit graag zien"
        )
    assert EmergencyAccess.objects.count() == 0


def test_timeline_is_append_only(world) -> None:  # type: ignore[no-untyped-def]
    event = CaseEvent.objects.filter(case=world["case"]).first()
    assert event is not None
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(text="x")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).delete()


# B8 track.


@pytest.mark.parametrize(
    ("start", "dublin", "deadline"),
    [
        (datetime.date(2026, 1, 10), False, datetime.date(2026, 4, 10)),
        (datetime.date(2026, 11, 30), False, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 1, 10), True, datetime.date(2026, 2, 9)),
    ],
)
def test_reflection_deadline(start: datetime.date, dublin: bool, deadline: datetime.date) -> None:
    assert services.reflection_deadline(started_on=start, dublin_claimant=dublin) == deadline


def test_entering_reflection_starts_the_period_and_deadline_shows(world) -> None:  # type: ignore[no-untyped-def]
    coordinator = world["coordinator"]
    services.case_transition(actor=coordinator, case=world["case"], to_state=CaseState.INTAKE)
    services.case_transition(actor=coordinator, case=world["case"], to_state=CaseState.REFLECTION)
    world["case"].refresh_from_db()
    today = timezone.localdate()
    assert world["case"].reflection_started_on == today
    assert world["case"].reflection_deadline == services.add_months(today, 3)
    services.case_b8_update(
        actor=coordinator,
        case=world["case"],
        dublin_claimant=True,
        reflection_started_on=today - datetime.timedelta(days=31),
        cooperation_decision="report",
        permit_status="applied",
    )
    deadlines = selectors.deadlines_for_actor(actor=coordinator, today=today)
    assert [(d.case_pk, d.kind, d.overdue) for d in deadlines] == [(world["case"].pk, "b8", True)]
    assert deadlines[0].due_on == today - datetime.timedelta(days=1)


# Shelters and placements.


@pytest.fixture
def shelter(world):  # type: ignore[no-untyped-def]
    municipality = Municipality.objects.get(code="GM0363")
    organisation = factories.organisation(OrganisationKind.SHELTER)
    shelter = Shelter.objects.create(
        name="Testopvang",
        organisation=organisation,
        region_id=municipality.police_unit_id,
        municipality=municipality,
    )
    ShelterCapacity.objects.create(shelter=shelter, category=ShelterCategory.WOMEN, places=1)
    ShelterCapacity.objects.create(shelter=shelter, category=ShelterCategory.COSM, places=2)
    return shelter


def _request(world, category: str):  # type: ignore[no-untyped-def]
    return services.placement_request_create(
        actor=world["coordinator"],
        case=world["case"],
        category=category,
        region=world["case"].crime_municipality.police_unit,
    )


def test_placement_within_capacity(world, shelter) -> None:  # type: ignore[no-untyped-def]
    request = _request(world, ShelterCategory.WOMEN)
    placement = services.placement_create(
        actor=world["coordinator"], request=request, shelter=shelter
    )
    request.refresh_from_db()
    assert request.status == PlacementRequestStatus.PLACED
    other_case = factories.open_case(world["coordinator"])
    other = services.placement_request_create(
        actor=world["coordinator"],
        case=other_case,
        category=ShelterCategory.WOMEN,
        region=shelter.region,
    )
    with pytest.raises(ValidationError):
        services.placement_create(actor=world["coordinator"], request=other, shelter=shelter)
    assert Placement.objects.count() == 1
    board = selectors.capacity_board(actor=world["coordinator"], region_id=shelter.region_id)
    women = next(r for r in board if r.category == ShelterCategory.WOMEN)
    assert (women.places, women.occupied, women.available) == (1, 1, 0)
    services.placement_depart(
        actor=world["coordinator"],
        placement=placement,
        departed_on=timezone.localdate(),
        reason="Eigen woonruimte",
    )
    services.placement_create(actor=world["coordinator"], request=other, shelter=shelter)
    assert Placement.objects.filter(departed_on__isnull=True).count() == 1


def test_cosm_only_through_the_national_registrar(world, shelter) -> None:  # type: ignore[no-untyped-def]
    request = _request(world, ShelterCategory.COSM)
    with pytest.raises(PermissionDenied):
        services.placement_create(actor=world["coordinator"], request=request, shelter=shelter)
    assert Placement.objects.count() == 0
    registrar = factories.actor(
        Role.CARE_COORDINATOR, factories.organisation(OrganisationKind.NATIONAL_REGISTRAR)
    )
    assert selectors.is_national_registrar(registrar)
    assert not selectors.is_national_registrar(world["coordinator"])
    services.placement_create(actor=registrar, request=request, shelter=shelter)
    assert Placement.objects.filter(case=world["case"], category=ShelterCategory.COSM).count() == 1


def test_stranger_cannot_place(world, shelter) -> None:  # type: ignore[no-untyped-def]
    request = _request(world, ShelterCategory.WOMEN)
    stranger = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    with pytest.raises(Http404):
        services.placement_create(actor=stranger, request=request, shelter=shelter)
    assert Placement.objects.count() == 0


# Case meetings and measures.


def test_meeting_decisions_only_for_visible_cases(world) -> None:  # type: ignore[no-untyped-def]
    coordinator = world["coordinator"]
    meeting = services.meeting_create(
        actor=coordinator,
        title="Casusoverleg Amsterdam",
        held_on=timezone.localdate(),
        attendees=[world["police"]],
        agenda=[world["case"]],
    )
    services.meeting_decision_add(
        actor=coordinator,
        meeting=meeting,
        case=world["case"],
        text="Aangifte voorbereiden",
        owner_organisation=world["police"],
        deadline=timezone.localdate(),
    )
    # The police attend, but have no access to the case: the agenda hides it.
    assert selectors.meeting_get_for_actor(actor=world["investigator"], meeting_id=meeting.pk)
    assert not selectors.meeting_cases_visible(
        actor=world["investigator"], meeting=meeting
    ).exists()
    assert selectors.meeting_cases_visible(actor=coordinator, meeting=meeting).count() == 1
    stranger = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    with pytest.raises(Http404):
        selectors.meeting_get_for_actor(actor=stranger, meeting_id=meeting.pk)
    other_case = factories.open_case(stranger)
    with pytest.raises(ValidationError):
        services.meeting_create(
            actor=coordinator,
            title="x",
            held_on=timezone.localdate(),
            attendees=[],
            agenda=[other_case],
        )


def test_measures_visible_to_municipality_and_police_of_the_region(world) -> None:  # type: ignore[no-untyped-def]
    municipality = factories.organisation(OrganisationKind.MUNICIPALITY)
    officer = factories.actor(Role.CONTACT_OFFICER, municipality)
    measure = services.measure_create(
        actor=officer,
        kind="closure",
        target="Pand Voorbeeldstraat 1",
        legal_ground="Gemeentewet art. 174a",
        started_on=timezone.localdate(),
        signal_reference="S-2026-00002",
    )
    assert selectors.measure_get_for_actor(actor=world["investigator"], measure_id=measure.pk)
    shelter_worker = factories.actor(
        Role.CONTACT_OFFICER, factories.organisation(OrganisationKind.SHELTER)
    )
    with pytest.raises(Http404):
        selectors.measure_get_for_actor(actor=shelter_worker, measure_id=measure.pk)
    elsewhere = factories.actor(
        Role.INVESTIGATOR, factories.organisation(OrganisationKind.POLICE, "GM0935")
    )
    with pytest.raises(Http404):
        selectors.measure_get_for_actor(actor=elsewhere, measure_id=measure.pk)
    with pytest.raises(Http404):
        services.measure_set_status(
            actor=world["investigator"], measure=measure, status="active", ended_on=None
        )
    services.measure_set_status(actor=officer, measure=measure, status="active", ended_on=None)
    measure.refresh_from_db()
    assert measure.status == "active"


def test_an_accepted_referral_without_consent_or_basis_gives_no_access(world) -> None:  # type: ignore[no-untyped-def]
    # The services never create one; a row written behind them must not open the case.
    Referral.objects.create(
        case=world["case"],
        from_organisation=world["owner"],
        to_organisation=world["police"],
        kind="police_report",
        shared_parts=[SharedPart.SUMMARY, SharedPart.VICTIM],
        status=ReferralStatus.ACCEPTED,
        requested_by=world["coordinator"].user,
    )
    investigator = world["investigator"]
    with pytest.raises(Http404):
        selectors.case_get_for_actor(actor=investigator, case_id=world["case"].pk)
    dashboard = selectors.case_dashboard_for_actor(
        actor=investigator, filters=selectors.CaseListFilter()
    )
    assert dashboard.rows == [] and dashboard.page.paginator.count == 0
    assert not selectors.cases_visible_to(investigator).exists()
