"""The count table behind the case list's totals (``CaseCount``): kept by the services,
equal to counting the cases for every filter, and rebuilt by a command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from tests.cases import factories

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import selectors, services
from bovenwater.cases.models import Case, CaseCount, CaseState
from bovenwater.cases.selectors.dashboard import _case_list_query

pytestmark = pytest.mark.django_db


def _stored(org_id: int) -> dict[str, int]:
    return {c.state: c.count for c in CaseCount.objects.filter(owner_id=org_id) if c.count}


def _actual(org_id: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for state in Case.objects.filter(owner_id=org_id).values_list("state", flat=True):
        out[state] = out.get(state, 0) + 1
    return out


def test_services_keep_the_counts_in_step_with_the_cases() -> None:
    org, other = factories.organisation(), factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    elsewhere = factories.actor(Role.CARE_COORDINATOR, other)
    cases = [factories.open_case(coordinator) for _ in range(4)]
    factories.open_case(elsewhere)
    path = {
        0: [CaseState.INTAKE, CaseState.REFLECTION, CaseState.CARE],
        1: [CaseState.INTAKE, CaseState.CARE, CaseState.AFTERCARE, CaseState.CLOSED],
        2: [CaseState.DROPPED_OUT, CaseState.REOPENED],
    }
    for index, states in path.items():
        for state in states:
            services.case_transition(
                actor=coordinator, case=cases[index], to_state=state, reason="Reden voor de test"
            )

    assert (
        _stored(org.pk)
        == _actual(org.pk)
        == {
            CaseState.CARE: 1,
            CaseState.CLOSED: 1,
            CaseState.REOPENED: 1,
            CaseState.REPORTED: 1,
        }
    )
    assert _stored(other.pk) == {CaseState.REPORTED: 1}
    assert services.case_counts_rebuild(check_only=True) == {}


def test_a_refused_transition_leaves_the_counts_alone() -> None:
    org = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    case = factories.open_case(coordinator)
    with pytest.raises(services.TransitionNotAllowed):
        services.case_transition(actor=coordinator, case=case, to_state=CaseState.AFTERCARE)
    assert _stored(org.pk) == {CaseState.REPORTED: 1}


@pytest.mark.parametrize(
    "filters",
    [
        selectors.CaseListFilter(),
        selectors.CaseListFilter(state=CaseState.CARE),
        selectors.CaseListFilter(state=CaseState.CLOSED),
        selectors.CaseListFilter(mine=True),
        selectors.CaseListFilter(state=CaseState.REPORTED, mine=True),
        selectors.CaseListFilter(open_only=False),
    ],
    ids=["open", "care", "closed", "mine", "reported-mine", "all"],
)
def test_the_list_total_equals_counting_the_visible_cases(
    filters: selectors.CaseListFilter,
) -> None:
    org = factories.organisation()
    police = factories.organisation(kind=OrganisationKind.POLICE)
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    colleague = factories.actor(Role.CARE_COORDINATOR, org)
    officer = factories.actor(Role.INVESTIGATOR, police)
    mine = [factories.open_case(coordinator) for _ in range(3)]
    theirs = [factories.open_case(colleague) for _ in range(2)]
    services.case_transition(actor=coordinator, case=mine[0], to_state=CaseState.INTAKE)
    services.case_transition(actor=coordinator, case=mine[0], to_state=CaseState.CARE)
    services.case_transition(
        actor=colleague, case=theirs[0], to_state=CaseState.DROPPED_OUT, reason="Vertrokken"
    )
    # A case shared with the police by an accepted referral counts for the police too.
    referral = factories.refer_with_consent(coordinator, mine[1], police)
    services.referral_respond(actor=officer, referral=referral, accept=True)

    for actor in (coordinator, colleague, officer):
        dashboard = selectors.case_dashboard_for_actor(actor=actor, filters=filters)
        expected = _case_list_query(actor, filters).count()
        assert dashboard.page.paginator.count == expected
        assert len(dashboard.rows) == expected
    police_view = selectors.case_dashboard_for_actor(
        actor=officer, filters=selectors.CaseListFilter()
    )
    assert [row.number for row in police_view.rows] == [mine[1].number]


def test_the_page_numbers_follow_the_count_table() -> None:
    org = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    # Pretend a bulk load of 120 open cases: only the count table is told, so the
    # page numbers prove where the total comes from.
    CaseCount.objects.create(owner=org, state=CaseState.CARE, count=120)
    factories.open_case(coordinator)
    dashboard = selectors.case_dashboard_for_actor(
        actor=coordinator, filters=selectors.CaseListFilter(), page_number=2
    )
    assert dashboard.page.paginator.count == 121
    assert dashboard.page.paginator.num_pages == 3
    assert dashboard.page.number == 2


def test_rebuild_command_reports_and_repairs_drift() -> None:
    org = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    case = factories.open_case(coordinator)
    factories.open_case(coordinator)
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.CARE
    )  # a bulk change behind the services

    out = io.StringIO()
    with pytest.raises(CommandError, match="2 case counts differ"):
        call_command("rebuild_case_counts", "--check", stdout=out)
    assert f"organisation {org.pk}, state care: -1" in out.getvalue()
    assert f"organisation {org.pk}, state reported: +1" in out.getvalue()
    assert _stored(org.pk) == {CaseState.REPORTED: 2}  # --check wrote nothing

    out = io.StringIO()
    call_command("rebuild_case_counts", stdout=out)
    assert "2 case counts corrected." in out.getvalue()
    assert _stored(org.pk) == _actual(org.pk) == {CaseState.REPORTED: 1, CaseState.CARE: 1}

    out = io.StringIO()
    call_command("rebuild_case_counts", "--check", stdout=out)
    assert "Case counts match the cases." in out.getvalue()
