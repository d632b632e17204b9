"""The refusals and bad-input branches of the case services (issue #20): each one is
refused with the right exception and writes nothing (no row, no timeline event).

The happy paths are in test_case_access.py and test_access_rules.py; these are the
permission checks and validations that no other test reached.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services
from bovenwater.cases.models import (
    AdministrativeMeasure,
    Case,
    CaseEvent,
    CaseMeeting,
    MeetingDecision,
    Placement,
    PlacementRequest,
    PlacementRequestStatus,
    Shelter,
    ShelterCapacity,
    ShelterCategory,
    Task,
)
from bovenwater.cases.services.coordination import (
    CaseCore,
    VictimData,
    case_assign,
    case_take,
    case_update,
    victim_update,
)
from bovenwater.cases.services.shelter_capacity import shelter_capacity_set
from bovenwater.cases.types import VictimDetails
from bovenwater.reference.models import ExploitationForm, Municipality

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world() -> dict[str, Any]:
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator)
    municipality = Municipality.objects.get(code="GM0363")
    shelter = Shelter.objects.create(
        name="Opvang weigeringen",
        organisation=factories.organisation(OrganisationKind.SHELTER),
        region_id=municipality.police_unit_id,
        municipality=municipality,
    )
    ShelterCapacity.objects.create(shelter=shelter, category=ShelterCategory.WOMEN, places=1)
    return {
        "owner": owner,
        "coordinator": coordinator,
        "case": case,
        "shelter": shelter,
        "outsider": factories.actor(
            Role.CARE_COORDINATOR, factories.organisation(OrganisationKind.CARE_COORDINATION)
        ),
    }


def _events(world: dict[str, Any]) -> int:
    return CaseEvent.objects.filter(case=world["case"]).count()


def _request(world: dict[str, Any], category: str = ShelterCategory.WOMEN) -> PlacementRequest:
    return services.placement_request_create(
        actor=world["coordinator"],
        case=world["case"],
        category=category,
        region=world["shelter"].region,
    )


def test_placement_requests_refuse_an_unknown_category_and_a_closed_case(
    world: dict[str, Any],
) -> None:
    before = _events(world)
    with pytest.raises(ValidationError) as error:
        _request(world, category="hotel")
    assert "category" in error.value.message_dict
    for state in ("intake", "closed"):
        services.case_transition(
            actor=world["coordinator"], case=world["case"], to_state=state, reason="Afgerond"
        )
    before = _events(world)
    with pytest.raises(ValidationError, match="afgesloten casus"):
        _request(world)
    assert PlacementRequest.objects.count() == 0
    assert _events(world) == before


def test_placing_is_refused_to_outsiders_and_for_a_request_that_is_not_waiting(
    world: dict[str, Any],
) -> None:
    request = _request(world)
    with pytest.raises(Http404):
        services.placement_create(
            actor=world["outsider"], request=request, shelter=world["shelter"]
        )
    services.placement_request_cancel(
        actor=world["coordinator"], request=request, reason="Zelf woonruimte gevonden"
    )
    request.refresh_from_db()
    assert request.status == PlacementRequestStatus.CANCELLED
    with pytest.raises(ValidationError, match="niet meer op de wachtlijst"):
        services.placement_create(
            actor=world["coordinator"], request=request, shelter=world["shelter"]
        )
    with pytest.raises(ValidationError, match="niet meer op de wachtlijst"):
        services.placement_request_cancel(
            actor=world["coordinator"], request=request, reason="Nogmaals"
        )
    assert Placement.objects.count() == 0


def test_placing_in_a_shelter_without_that_category_is_refused(world: dict[str, Any]) -> None:
    request = _request(world, category=ShelterCategory.MEN)
    with pytest.raises(ValidationError) as error:
        services.placement_create(
            actor=world["coordinator"], request=request, shelter=world["shelter"]
        )
    assert "shelter" in error.value.message_dict
    assert Placement.objects.count() == 0


def test_a_departure_is_checked_and_recorded_once(world: dict[str, Any]) -> None:
    placement = services.placement_create(
        actor=world["coordinator"],
        request=_request(world),
        shelter=world["shelter"],
        started_on=TODAY,
    )
    depart = services.placement_depart
    with pytest.raises(Http404):
        depart(actor=world["outsider"], placement=placement, departed_on=TODAY, reason="Vertrokken")
    with pytest.raises(ValidationError) as early:
        depart(
            actor=world["coordinator"],
            placement=placement,
            departed_on=TODAY - datetime.timedelta(days=1),
            reason="Vertrokken",
        )
    assert "departed_on" in early.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        depart(actor=world["coordinator"], placement=placement, departed_on=TODAY, reason="  ")
    assert "reason" in no_reason.value.message_dict
    placement.refresh_from_db()
    assert placement.departed_on is None
    depart(actor=world["coordinator"], placement=placement, departed_on=TODAY, reason="Eigen huis")
    with pytest.raises(ValidationError, match="al vastgelegd"):
        depart(actor=world["coordinator"], placement=placement, departed_on=TODAY, reason="Weer")
    departed = Placement.objects.get(pk=placement.pk)
    assert (departed.departed_on, departed.departure_reason) == (TODAY, "Eigen huis")


def test_case_open_and_coordinator_refusals(world: dict[str, Any]) -> None:
    signaller = factories.actor(Role.SIGNALLER, world["owner"])
    with pytest.raises(PermissionDenied):
        factories.open_case(signaller)


def test_notes_and_tasks_need_text_and_are_completed_once(world: dict[str, Any]) -> None:
    before = _events(world)
    with pytest.raises(ValidationError) as note:
        services.case_note_add(actor=world["coordinator"], case=world["case"], text=" \n")
    assert "text" in note.value.message_dict
    with pytest.raises(ValidationError) as title:
        services.task_create(
            actor=world["coordinator"], case=world["case"], title="  ", deadline=TODAY
        )
    assert "title" in title.value.message_dict
    assert _events(world) == before and Task.objects.count() == 0
    task = services.task_create(
        actor=world["coordinator"], case=world["case"], title="Bellen", deadline=TODAY
    )
    with pytest.raises(Http404):
        services.task_complete(actor=world["outsider"], task=task)
    services.task_complete(actor=world["coordinator"], task=task)
    with pytest.raises(ValidationError, match="al afgerond"):
        services.task_complete(actor=world["coordinator"], task=task)


def _measure(actor: Any, **overrides: Any) -> AdministrativeMeasure:
    values: dict[str, Any] = {
        "kind": "closure",
        "target": "Pand Dorpsstraat 1",
        "legal_ground": "Gemeentewet art. 174a",
        "started_on": TODAY,
    }
    values.update(overrides)
    return services.measure_create(actor=actor, **values)


def test_measures_refuse_roles_kinds_cases_and_dates_they_may_not_have(
    world: dict[str, Any],
) -> None:
    municipality = factories.organisation(OrganisationKind.MUNICIPALITY)
    officer = factories.actor(Role.CONTACT_OFFICER, municipality)
    with pytest.raises(PermissionDenied):
        _measure(factories.actor(Role.SIGNALLER, municipality))
    with pytest.raises(ValidationError) as kind:
        _measure(officer, kind="sloop")
    assert "kind" in kind.value.message_dict
    with pytest.raises(ValidationError) as case:
        _measure(officer, case=world["case"])  # a case the municipality cannot see
    assert "case" in case.value.message_dict
    assert AdministrativeMeasure.objects.count() == 0

    measure = _measure(officer)
    other = factories.actor(
        Role.CONTACT_OFFICER, factories.organisation(OrganisationKind.MUNICIPALITY)
    )
    with pytest.raises(Http404):
        services.measure_set_status(actor=other, measure=measure, status="active", ended_on=None)
    with pytest.raises(ValidationError) as status:
        services.measure_set_status(actor=officer, measure=measure, status="klaar", ended_on=None)
    assert "status" in status.value.message_dict
    with pytest.raises(ValidationError) as ended:
        services.measure_set_status(
            actor=officer,
            measure=measure,
            status="completed",
            ended_on=TODAY - datetime.timedelta(days=1),
        )
    assert "ended_on" in ended.value.message_dict
    measure.refresh_from_db()
    assert (measure.status, measure.ended_on) == ("preparing", None)


def test_meetings_refuse_other_roles_invisible_cases_and_empty_decisions(
    world: dict[str, Any],
) -> None:
    meet = services.meeting_create
    with pytest.raises(PermissionDenied):
        meet(
            actor=factories.actor(Role.SIGNALLER, world["owner"]),
            title="Overleg",
            held_on=TODAY,
            attendees=[],
            agenda=[],
        )
    with pytest.raises(ValidationError) as agenda:
        meet(
            actor=world["outsider"],
            title="Overleg",
            held_on=TODAY,
            attendees=[],
            agenda=[world["case"]],
        )
    assert "agenda" in agenda.value.message_dict
    assert CaseMeeting.objects.count() == 0

    meeting = meet(
        actor=world["coordinator"],
        title="Overleg",
        held_on=TODAY,
        attendees=[],
        agenda=[world["case"]],
    )
    other_case = factories.open_case(world["coordinator"])
    decide = services.meeting_decision_add
    common = {"owner_organisation": world["owner"], "deadline": None}
    with pytest.raises(PermissionDenied):
        decide(actor=world["outsider"], meeting=meeting, case=world["case"], text="Doen", **common)
    with pytest.raises(ValidationError) as off_agenda:
        decide(actor=world["coordinator"], meeting=meeting, case=other_case, text="Doen", **common)
    assert "case" in off_agenda.value.message_dict
    with pytest.raises(ValidationError) as empty:
        decide(actor=world["coordinator"], meeting=meeting, case=world["case"], text=" ", **common)
    assert "text" in empty.value.message_dict
    assert MeetingDecision.objects.count() == 0


def test_registration_needs_a_known_basis(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as basis:
        services.case_register(actor=world["coordinator"], case=world["case"], basis="gewoon")
    assert "basis" in basis.value.message_dict
    with pytest.raises(Http404):
        services.case_register(actor=world["outsider"], case=world["case"], basis="consent")


def test_shelter_capacity_is_set_only_by_the_shelter_within_bounds(world: dict[str, Any]) -> None:
    capacity = ShelterCapacity.objects.get(shelter=world["shelter"])
    manager = factories.actor(Role.ADMINISTRATOR, world["shelter"].organisation)
    set_places = shelter_capacity_set
    with pytest.raises(PermissionDenied):
        set_places(actor=world["coordinator"], capacity=capacity, places=3, reason="Meer")
    with pytest.raises(PermissionDenied):
        set_places(
            actor=factories.actor(Role.SIGNALLER, world["shelter"].organisation),
            capacity=capacity,
            places=3,
            reason="Meer",
        )
    for places in (-1, 1000):
        with pytest.raises(ValidationError):
            set_places(actor=manager, capacity=capacity, places=places, reason="Fout")
    capacity.refresh_from_db()
    assert capacity.places == 1
    assert set_places(actor=manager, capacity=capacity, places=1, reason="Gelijk").places == 1


def _core(case: Any, **changes: Any) -> CaseCore:
    values = {
        "forms": list(case.forms.all()),
        "sector": case.sector,
        "crime_municipality": case.crime_municipality,
        "came_into_view": case.came_into_view,
        "urgency": case.urgency,
    }
    values.update(changes)
    return CaseCore(**values)


def test_taking_and_assigning_refuse_other_roles_and_needless_changes(
    world: dict[str, Any],
) -> None:
    case = world["case"]  # the coordinator opened it and coordinates it
    director = factories.actor(Role.CHAIN_DIRECTOR, world["owner"])
    with pytest.raises(PermissionDenied):
        case_take(actor=director, case=case)
    with pytest.raises(ValidationError) as mine:
        case_take(actor=world["coordinator"], case=case)
    assert mine.value.code == "mine"
    with pytest.raises(Http404):
        case_take(actor=world["outsider"], case=case)
    with pytest.raises(PermissionDenied):
        case_assign(
            actor=factories.actor(Role.CONTACT_OFFICER, world["owner"]),
            case=case,
            coordinator=world["coordinator"].user,
            reason="Overname",
        )
    with pytest.raises(ValidationError) as same:
        case_assign(actor=director, case=case, coordinator=world["coordinator"].user, reason="Zo")
    assert same.value.message_dict == {"coordinator": ["Deze zorgcoördinator heeft de casus al."]}

    # A case without a coordinator that is closed cannot be taken.
    unassigned = services.case_open(
        actor=factories.actor(Role.CONTACT_OFFICER, world["owner"]),
        owner=world["owner"],
        victim=VictimDetails(estimated_age=30),
        reason="Uit triage",
    )
    Case.objects.filter(pk=unassigned.pk).update(state="closed")
    with pytest.raises(ValidationError) as closed:
        case_take(actor=world["coordinator"], case=unassigned)
    assert closed.value.code == "closed"
    assert Case.objects.get(pk=unassigned.pk).coordinator_id is None


def test_corrections_refuse_roles_without_the_right_and_write_nothing_unchanged(
    world: dict[str, Any],
) -> None:
    case = world["case"]
    director = factories.actor(Role.CHAIN_DIRECTOR, world["owner"])
    with pytest.raises(PermissionDenied):
        case_update(actor=director, case=case, data=_core(case), expected_version=None)
    with pytest.raises(PermissionDenied):
        victim_update(actor=director, case=case, data=VictimData(), expected_version=None)
    version = Case.objects.get(pk=case.pk).version
    assert (
        case_update(actor=world["coordinator"], case=case, data=_core(case), expected_version=None)
        == []
    )
    with pytest.raises(ValidationError) as born:
        victim_update(
            actor=world["coordinator"],
            case=case,
            data=VictimData(date_of_birth=TODAY + datetime.timedelta(days=1)),
            expected_version=None,
        )
    assert "date_of_birth" in born.value.message_dict
    assert Case.objects.get(pk=case.pk).version == version
    # Adding a form to none, and removing every form again: changes shown with a dash.
    labour = ExploitationForm.objects.get(code="LABOUR")
    for forms in ([labour], []):
        changed = case_update(
            actor=world["coordinator"],
            case=case,
            data=_core(case, forms=forms),
            expected_version=None,
        )
        assert changed
        assert list(Case.objects.get(pk=case.pk).forms.all()) == forms
