"""The transition table walked edge by edge: every allowed edge for its roles succeeds,
every other (state, next state, role) combination is refused and writes nothing."""

from __future__ import annotations

import pytest
from django.http import Http404
from tests.cases import factories
from tests.lib.workflow_walk import role_edges

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import ROLE_PERMISSIONS, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cases import services
from bovenwater.cases.models import Case, CaseEvent, CaseState
from bovenwater.cases.workflow import REASON_REQUIRED, TRANSITIONS, WORKFLOW, TransitionNotAllowed

pytestmark = pytest.mark.django_db

ALLOWED, FORBIDDEN_BY_EDGE = role_edges(WORKFLOW, ROLE_PERMISSIONS)
FORBIDDEN = [(state, target, role) for state, target, roles in FORBIDDEN_BY_EDGE for role in roles]


def _case_in_state(owner_actor: Actor, state: CaseState) -> Case:
    case = factories.open_case(owner_actor)
    # Put the case in the wanted state directly: the path there is not under test here.
    Case.objects.filter(pk=case.pk).update(state=state)
    services.case_counts_rebuild()  # keep the count table in step with the shortcut
    case.refresh_from_db()
    return case


@pytest.fixture
def org() -> Organisation:
    return factories.organisation()


def test_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(CaseState)
    assert len(ALLOWED) > 30
    assert len(FORBIDDEN) == len(CaseState) ** 2 * len(Role) - len(ALLOWED)


def test_the_permissions_give_the_roles_of_the_former_role_table() -> None:
    """Permission-keyed since the shared workflow; the same roles take the same edges."""
    roles: dict[tuple[CaseState, CaseState], set[Role]] = {}
    for state, target, role in ALLOWED:
        roles.setdefault((state, target), set()).add(role)
    special = {
        (CaseState.REPORTED, CaseState.INTAKE): {Role.CARE_COORDINATOR, Role.CONTACT_OFFICER},
        (CaseState.DROPPED_OUT, CaseState.REOPENED): {Role.CARE_COORDINATOR, Role.CHAIN_DIRECTOR},
        (CaseState.CLOSED, CaseState.REOPENED): {Role.CARE_COORDINATOR, Role.CHAIN_DIRECTOR},
    }
    for edge, who in roles.items():
        assert who == special.get(edge, {Role.CARE_COORDINATOR}), edge
    assert len(roles) == sum(len(targets) for targets in TRANSITIONS.values())


@pytest.mark.parametrize(("state", "target", "role"), ALLOWED)
def test_allowed_edge(state: CaseState, target: CaseState, role: Role, org: Organisation) -> None:
    opener = factories.actor(Role.CARE_COORDINATOR, org)
    case = _case_in_state(opener, state)
    acting = factories.actor(role, org)
    events = CaseEvent.objects.filter(case=case).count()
    log = ProcessingLogEntry.objects.count()
    result = services.case_transition(
        actor=acting, case=case, to_state=target, reason="Reden voor de test"
    )
    assert result.state == target
    case.refresh_from_db()
    assert case.state == target
    assert CaseEvent.objects.filter(case=case).count() == events + 1
    last = CaseEvent.objects.filter(case=case).order_by("-pk").first()
    assert last is not None
    assert (last.from_state, last.to_state, last.text) == (state, target, "Reden voor de test")
    assert ProcessingLogEntry.objects.count() == log + 1
    closed = target in (CaseState.CLOSED, CaseState.DROPPED_OUT)
    assert (case.closed_at is not None) is closed


@pytest.mark.parametrize(("state", "target", "roles"), FORBIDDEN_BY_EDGE)
def test_forbidden_edges_write_nothing(
    state: CaseState,
    target: CaseState,
    roles: list[Role],
    org: Organisation,
) -> None:
    opener = factories.actor(Role.CARE_COORDINATOR, org)
    case = _case_in_state(opener, state)
    for role in roles:
        acting = factories.actor(role, org)
        events = CaseEvent.objects.count()
        log = ProcessingLogEntry.objects.count()
        with pytest.raises((TransitionNotAllowed, Http404)):
            services.case_transition(actor=acting, case=case, to_state=target, reason="Reden")
        case.refresh_from_db()
        assert case.state == state, role
        assert CaseEvent.objects.count() == events, role
        assert ProcessingLogEntry.objects.count() == log, role
    assert len(roles) == len([r for s, t, r in FORBIDDEN if (s, t) == (state, target)])


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED))
def test_reason_required(target: CaseState, org) -> None:  # type: ignore[no-untyped-def]
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    source = next(s for s, targets in TRANSITIONS.items() if target in targets)
    case = _case_in_state(coordinator, source)
    with pytest.raises(TransitionNotAllowed) as info:
        services.case_transition(actor=coordinator, case=case, to_state=target, reason="  ")
    assert "reden" in info.value.message
    case.refresh_from_db()
    assert case.state == source


def test_other_organisation_cannot_transition(org) -> None:  # type: ignore[no-untyped-def]

    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    case = factories.open_case(coordinator)
    stranger = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    events = CaseEvent.objects.count()
    with pytest.raises(Http404):
        services.case_transition(actor=stranger, case=case, to_state=CaseState.INTAKE)
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED
    assert CaseEvent.objects.count() == events
