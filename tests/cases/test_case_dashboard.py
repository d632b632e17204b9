"""The coordinator's dashboard (/casussen/): what it shows, and one log entry per view."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cases import selectors, services
from bovenwater.cases.models import CaseState

pytestmark = pytest.mark.django_db


def _new_entries(since: int) -> list[ProcessingLogEntry]:
    return list(ProcessingLogEntry.objects.filter(pk__gt=since).order_by("pk"))


def _last_id() -> int:
    return ProcessingLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_dashboard_shows_the_list_and_deadlines_and_logs_one_entry(
    client: Client, login_as: Callable[[Membership], Client]
) -> None:
    org = factories.organisation(name="Zorgcoördinatie Dashboard")
    membership = factories.member(Role.CARE_COORDINATOR, org, can_login=True)
    coordinator = Actor(user=membership.user, membership=membership)
    in_reflection = factories.open_case(coordinator)
    with_task = factories.open_case(coordinator)
    stranger = factories.open_case(factories.actor(Role.CARE_COORDINATOR, factories.organisation()))
    for state in (CaseState.INTAKE, CaseState.REFLECTION):
        services.case_transition(actor=coordinator, case=in_reflection, to_state=state)
    today = timezone.localdate()
    services.case_b8_update(
        actor=coordinator,
        case=in_reflection,
        dublin_claimant=True,
        reflection_started_on=today - datetime.timedelta(days=31),
        cooperation_decision="pending",
        permit_status="none",
    )
    services.task_create(
        actor=coordinator,
        case=with_task,
        title="Huisvesting regelen",
        deadline=today + datetime.timedelta(days=3),
    )
    login_as(membership)
    since = _last_id()

    response = client.get("/casussen/")

    assert response.status_code == 200
    body = response.content.decode()
    assert stranger.number not in body
    overdue = today - datetime.timedelta(days=1)
    assert (
        f'<td><a class="utrecht-link" href="/casussen/{in_reflection.pk}/">{in_reflection.number}</a></td>\n'
        "    <td>Einde bedenktijd (B8)</td>\n"
        '    <td><span class="bw-overdue">'
        f"Verlopen of vandaag: {overdue:%d-%m-%Y}</span></td>"
    ) in body
    assert (
        "<td>Huisvesting regelen</td>\n"
        '    <td><span class="bw-due-soon">'
        f"Binnenkort: {today + datetime.timedelta(days=3):%d-%m-%Y}</span></td>"
    ) in body
    opened = timezone.localtime(with_task.opened_at)
    assert (
        f'<td><a class="utrecht-link" href="/casussen/{with_task.pk}/">{with_task.number}</a></td>\n'
        "    <td>Aangemeld</td>\n"
        f"    <td>{org.name}</td>\n"
        "    <td>Case Tester</td>\n"
        "    <td>—</td>\n"
        f"    <td>{opened:%d-%m-%Y}</td>"
    ) in body
    assert f"<td>{overdue:%d-%m-%Y}</td>" in body  # the reflection deadline column
    assert "2 casussen" in body

    entries = _new_entries(since)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.object_type == "cases.case"
    assert entry.object_id == f"list:organisation:{org.pk}"
    assert entry.actor_user_id == membership.user_id
    assert entry.details == {"list": "cases", "state": "", "mine": False, "page": 1, "deadlines": 2}


def test_dashboard_logs_the_filter_and_page(
    client: Client, login_as: Callable[[Membership], Client]
) -> None:
    org = factories.organisation()
    membership = factories.member(Role.CARE_COORDINATOR, org, can_login=True)
    factories.open_case(Actor(user=membership.user, membership=membership))
    login_as(membership)
    since = _last_id()

    response = client.get("/casussen/", {"state": "intake", "mine": "on", "pagina": "7"})

    assert response.status_code == 200
    assert "Geen casussen gevonden." in response.content.decode()
    [entry] = _new_entries(since)
    assert entry.details == {
        "list": "cases",
        "state": "intake",
        "mine": True,
        "page": 1,
        "deadlines": 0,
    }


def test_dashboard_selector_returns_the_shown_columns() -> None:
    org = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    cases = [factories.open_case(coordinator) for _ in range(3)]
    dashboard = selectors.case_dashboard_for_actor(
        actor=coordinator, filters=selectors.CaseListFilter()
    )
    assert [row.number for row in dashboard.rows] == [
        case.number for case in sorted(cases, key=lambda c: (c.opened_at, c.pk), reverse=True)
    ]
    assert {row.owner_name for row in dashboard.rows} == {org.name}
    assert dashboard.deadlines == [] and dashboard.incoming == []


def test_dashboard_needs_view_cases() -> None:
    actor = factories.actor(Role.ANALYST, factories.organisation())
    since = _last_id()
    with pytest.raises(PermissionDenied):
        selectors.case_dashboard_for_actor(actor=actor, filters=selectors.CaseListFilter())
    assert _new_entries(since) == []


def test_dashboard_lists_referrals_waiting_for_an_answer(
    client: Client, login_as: Callable[[Membership], Client]
) -> None:
    care = factories.organisation(name="Zorgcoördinatie Verwijzer")
    police = factories.organisation(kind=OrganisationKind.POLICE, name="Politie Ontvanger")
    coordinator = factories.actor(Role.CARE_COORDINATOR, care)
    officer = factories.member(Role.INVESTIGATOR, police, can_login=True)
    case = factories.open_case(coordinator)
    referral = factories.refer_with_consent(coordinator, case, police)
    login_as(officer)

    body = client.get("/casussen/").content.decode()

    assert (
        f'<a class="utrecht-link" href="/casussen/verwijzingen/{referral.pk}/">'
        f"{case.number} — Politie (aangifte)</a> "
        '<span class="bw-muted">van Zorgcoördinatie Verwijzer</span>'
    ) in body
    assert "0 casussen" in body  # not accepted yet: the case itself is not shared


@pytest.mark.parametrize("language", ["nl", "en"])
def test_filter_keeps_the_input_and_shows_errors(
    client: Client, login_as: Callable[[Membership], Client], language: str
) -> None:
    membership = factories.member(Role.CARE_COORDINATOR, factories.organisation(), can_login=True)
    login_as(membership)
    client.cookies["django_language"] = language

    for _ in range(2):  # the second answer comes from the rendered-fields cache
        body = client.get("/casussen/", {"state": "care", "mine": "on"}).content.decode()
        assert '<option value="care" selected>' in body
        assert 'name="mine" id="id_mine" checked' in body
        assert ("Alleen mijn casussen" if language == "nl" else "Only my cases") in body

    plain = client.get("/casussen/").content.decode()
    assert '<option value="" selected>' in plain
    assert "checked" not in plain

    wrong = client.get("/casussen/", {"state": "<b>geen</b>"}).content.decode()
    assert "bw-field--invalid" in wrong
    assert ("Selecteer een geldige keuze" if language == "nl" else "Select a valid choice") in wrong
    assert "&lt;b&gt;geen&lt;/b&gt;" in wrong and "<b>geen</b>" not in wrong
