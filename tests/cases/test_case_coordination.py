"""Daily case work (issue #13): take and assign, the work queue, corrections with history,
and stale forms refused for edits and transitions (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.cases import factories
from tests.support import login

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cases import selectors, services
from bovenwater.cases.corrections import CaseFieldChange
from bovenwater.cases.models import (
    Case,
    CaseState,
    SharedPart,
    VictimProfile,
)
from bovenwater.cases.services.coordination import (
    CaseCore,
    ClosureBlocked,
    StaleCase,
    VictimData,
    case_assign,
    case_take,
    case_update,
    victim_update,
)
from bovenwater.cases.types import VictimDetails
from bovenwater.notifications.models import Notification
from bovenwater.reference.models import Nationality

pytestmark = pytest.mark.django_db


def from_triage(contact: Actor, owner: Organisation) -> Case:
    return services.case_open(
        actor=contact,
        owner=owner,
        victim=VictimDetails(estimated_age=30),
        origin_signal_reference="S-2026-000001",
        reason="Uit triage",
    )


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    municipality = factories.organisation(OrganisationKind.MUNICIPALITY)
    contact = factories.actor(Role.CONTACT_OFFICER, municipality)
    first = factories.actor(Role.CARE_COORDINATOR, owner)
    second = factories.actor(Role.CARE_COORDINATOR, owner)
    director = factories.actor(Role.CHAIN_DIRECTOR, owner)
    case = from_triage(contact, owner)
    return {
        "owner": owner,
        "first": first,
        "second": second,
        "director": director,
        "contact": contact,
        "case": case,
    }


def victim(**changes: object) -> VictimData:
    base = {
        "first_name": "Ioana",
        "nationality": Nationality.objects.get(code="RO"),
        "language": "Roemeens",
        "estimated_age": 30,
    }
    return VictimData(**{**base, **changes})  # type: ignore[arg-type]


def test_a_case_from_triage_lands_in_the_work_queue_and_can_be_taken(world) -> None:  # type: ignore[no-untyped-def]
    first, case = world["first"], world["case"]
    assert [row.pk for row in selectors.work_queue_for_actor(actor=first)] == [case.pk]
    # the owner's coordinators were told, the contact officer (who opened it) was not
    told = set(Notification.objects.filter(event="case_queued").values_list("user", flat=True))
    assert told == {first.user.pk, world["second"].user.pk}
    case_take(actor=first, case=case, expected_version=case.version)
    case.refresh_from_db()
    assert case.coordinator == first.user
    assert selectors.work_queue_for_actor(actor=first) == []
    # a colleague cannot take it from under her: assign is the way
    with pytest.raises(ValidationError, match="al een zorgcoördinator"):
        case_take(actor=world["second"], case=case, expected_version=case.version)


def test_work_queue_is_oldest_first_and_per_organisation(world) -> None:  # type: ignore[no-untyped-def]
    later = from_triage(world["contact"], world["owner"])
    other = factories.organisation(OrganisationKind.CARE_COORDINATION)
    elsewhere = factories.actor(Role.CARE_COORDINATOR, other)
    assert [row.pk for row in selectors.work_queue_for_actor(actor=world["first"])] == [
        world["case"].pk,
        later.pk,
    ]
    assert selectors.work_queue_for_actor(actor=elsewhere) == []


def queue_section(page: str) -> str:
    start = page.index('data-testid="work-queue"')
    return page[start : page.index("</section>", start)]


def test_the_case_list_shows_the_oldest_of_a_long_queue_and_links_to_the_whole_queue(
    world: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "WORK_QUEUE_SHOWN", 2)
    monkeypatch.setattr(selectors, "WORK_QUEUE_PAGE", 3)
    cases = [world["case"]] + [from_triage(world["contact"], world["owner"]) for _ in range(3)]
    login(client, factories.member(Role.CARE_COORDINATOR, world["owner"], can_login=True))

    listed = queue_section(client.get(reverse("cases:list")).content.decode())
    queue_url = reverse("cases:work_queue")
    assert [c.number in listed for c in cases] == [True, True, False, False]
    assert f'href="{queue_url}"' in listed

    page = client.get(queue_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert [c.number in body for c in cases] == [True, True, True, False]
    assert "Alleen de oudste 3 staan hier." in body
    entry = ProcessingLogEntry.objects.order_by("-pk").first()
    assert entry is not None and entry.details == {"list": "work_queue", "shown": 3}
    assert entry.object_id == f"list:organisation:{world['owner'].pk}"

    # taken cases leave the queue; with a short queue there is no link
    for case in cases[1:]:
        case.refresh_from_db()
        case_take(actor=world["first"], case=case, expected_version=case.version)
    listed = queue_section(client.get(reverse("cases:list")).content.decode())
    assert [c.number in listed for c in cases] == [True, False, False, False]
    assert f'href="{queue_url}"' not in listed
    assert "Alleen de oudste" not in client.get(queue_url).content.decode()


def test_the_work_queue_page_needs_the_right_to_see_cases(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    municipality = factories.organisation(OrganisationKind.MUNICIPALITY)
    login(client, factories.member(Role.SIGNALLER, municipality, can_login=True))
    response = client.get(reverse("cases:work_queue"))
    assert response.status_code in (403, 404)
    assert world["case"].number not in response.content.decode()


def test_assign_needs_a_reason_a_colleague_and_notifies_only_the_assignee(world) -> None:  # type: ignore[no-untyped-def]
    case, director, second = world["case"], world["director"], world["second"]
    with pytest.raises(ValidationError):
        case_assign(actor=director, case=case, coordinator=second.user, reason=" ")
    stranger = factories.actor(
        Role.CARE_COORDINATOR, factories.organisation(OrganisationKind.CARE_COORDINATION)
    )
    with pytest.raises(ValidationError):
        case_assign(actor=director, case=case, coordinator=stranger.user, reason="Vakantie")
    with pytest.raises(Http404):  # another organisation: out of scope
        case_assign(actor=world["contact"], case=case, coordinator=second.user, reason="x")
    reader = factories.actor(Role.PRIVACY_OFFICER, world["owner"])
    with pytest.raises((PermissionDenied, Http404)):
        case_assign(actor=reader, case=case, coordinator=second.user, reason="x")
    before = Notification.objects.filter(event="case_assigned").count()
    case_assign(actor=director, case=case, coordinator=second.user, reason="Taalkennis Roemeens")
    case.refresh_from_db()
    assert case.coordinator == second.user
    notices = Notification.objects.filter(event="case_assigned")
    assert notices.count() == before + 1
    assert notices.get().user == second.user
    assert case.events.filter(kind="assigned", text__contains="Taalkennis Roemeens").exists()
    entry = (
        ProcessingLogEntry.objects.filter(object_type="cases.case", action="update")
        .order_by("pk")
        .last()
    )
    assert entry is not None and entry.details["coordinator"] == second.user.pk


def test_correction_keeps_the_old_value_and_logs_field_names_only(world) -> None:  # type: ignore[no-untyped-def]
    first, case = world["first"], world["case"]
    victim_update(actor=first, case=case, data=victim(), expected_version=case.version)
    case.refresh_from_db()
    changed = victim_update(
        actor=first,
        case=case,
        data=victim(nationality=Nationality.objects.get(code="BG")),
        expected_version=case.version,
    )
    assert changed == ["Nationaliteit"]
    row = CaseFieldChange.objects.filter(field="nationality").first()
    assert row is not None
    assert (row.old_value, row.new_value) == ("Roemenië", "Bulgarije")
    entry = (
        ProcessingLogEntry.objects.filter(object_type="cases.victimprofile").order_by("pk").last()
    )
    assert entry is not None and entry.details["fields"] == ["nationality"]
    assert "Bulgarije" not in str(entry.details) and "Ioana" not in str(entry.details)
    # the timeline says what changed, never the value
    event = case.events.filter(kind="corrected").last()
    assert event is not None and "Nationaliteit" in event.text and "Bulgarije" not in event.text


def test_history_of_victim_fields_only_for_who_may_see_the_victim(world) -> None:  # type: ignore[no-untyped-def]
    first, case = world["first"], world["case"]
    victim_update(actor=first, case=case, data=victim(), expected_version=case.version)
    case.refresh_from_db()
    case_update(
        actor=first,
        case=case,
        data=CaseCore(
            forms=[], sector=None, crime_municipality=None, came_into_view="signal", urgency="high"
        ),
        expected_version=case.version,
    )
    shelter = factories.organisation(OrganisationKind.SHELTER)
    referral = factories.refer_with_consent(first, case, shelter)  # summary only
    receiver = factories.actor(Role.CARE_COORDINATOR, shelter)
    services.referral_respond(actor=receiver, referral=referral, accept=True, reason="")
    access = selectors.case_get_for_actor(actor=receiver, case_id=case.pk)
    assert SharedPart.VICTIM not in access.parts
    fields = {
        row.field for row in selectors.field_history_for_access(actor=receiver, access=access)
    }
    assert "urgency" in fields
    assert not fields & {"first_name", "nationality", "language"}
    own = selectors.case_get_for_actor(actor=first, case_id=case.pk)
    own_fields = {r.field for r in selectors.field_history_for_access(actor=first, access=own)}
    assert {"first_name", "nationality", "urgency"} <= own_fields


def test_stale_edit_is_refused_with_what_changed_and_nothing_written(world) -> None:  # type: ignore[no-untyped-def]
    first, second, case = world["first"], world["second"], world["case"]
    loaded = Case.objects.get(pk=case.pk).version  # both open the form
    victim_update(actor=first, case=case, data=victim(), expected_version=loaded)
    with pytest.raises(StaleCase) as refused:
        victim_update(
            actor=second, case=case, data=victim(first_name="Maria"), expected_version=loaded
        )
    assert any(c.label == "Nationaliteit" and c.new == "Roemenië" for c in refused.value.changes)
    assert "niets opgeslagen" in refused.value.messages[0]
    assert VictimProfile.objects.get(case=case).first_name == "Ioana"


def test_stale_transition_is_refused_instead_of_applied_to_an_unseen_state(world) -> None:  # type: ignore[no-untyped-def]
    first, second, case = world["first"], world["second"], world["case"]
    case_take(actor=first, case=case, expected_version=case.version)
    loaded = Case.objects.get(pk=case.pk).version  # both see "aangemeld"
    services.case_transition(
        actor=first, case=case, to_state=CaseState.INTAKE, expected_version=loaded
    )
    with pytest.raises(StaleCase) as refused:
        services.case_transition(
            actor=second,
            case=Case.objects.get(pk=case.pk),
            to_state=CaseState.CLOSED,
            reason="Dubbel",
            expected_version=loaded,
        )
    assert [(c.label, c.old, c.new) for c in refused.value.changes] == [
        ("Status", "Aangemeld", "Intake")
    ]
    assert Case.objects.get(pk=case.pk).state == CaseState.INTAKE


def test_stale_form_page_keeps_the_input_and_shows_the_change(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    first, case = world["first"], world["case"]
    loaded = Case.objects.get(pk=case.pk).version
    victim_update(actor=first, case=case, data=victim(), expected_version=loaded)
    login(client, factories.member(Role.CARE_COORDINATOR, world["owner"], can_login=True))
    response = client.post(
        reverse("cases:victim_edit", args=[case.pk]),
        {"version": loaded, "first_name": "Maria", "gender": "unknown", "language": "Engels"},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Iemand anders heeft deze casus gewijzigd" in text
    assert 'value="Maria"' in text and 'value="Engels"' in text  # input kept
    assert "Roemenië" in text  # what changed
    assert VictimProfile.objects.get(case=case).first_name == "Ioana"


def test_closing_lists_open_work_and_closes_once_it_is_resolved(world) -> None:  # type: ignore[no-untyped-def]

    first, case = world["first"], world["case"]
    case_take(actor=first, case=case)
    services.case_transition(actor=first, case=case, to_state=CaseState.INTAKE)
    task = services.task_create(
        actor=first,
        case=case,
        title="Tolk regelen",
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    police = factories.organisation(OrganisationKind.POLICE)
    factories.refer_with_consent(first, case, police)  # not answered yet
    with pytest.raises(ClosureBlocked) as blocked:
        services.case_transition(
            actor=first, case=case, to_state=CaseState.CLOSED, reason="Zorg afgerond"
        )
    items = blocked.value.open_items
    assert any("Tolk regelen" in item for item in items)
    assert any(police.name in item and "zonder antwoord" in item for item in items)
    assert Case.objects.get(pk=case.pk).state == CaseState.INTAKE
    services.task_complete(actor=first, task=task)
    referral = case.referrals.get()
    services.referral_withdraw(actor=first, referral=referral, reason="Niet meer nodig")
    services.case_transition(
        actor=first, case=Case.objects.get(pk=case.pk), to_state=CaseState.CLOSED, reason="Klaar"
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED
