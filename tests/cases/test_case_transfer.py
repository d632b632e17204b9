"""Transfer of a case to another region's care coordination (issue #13, point 4): the
declared table walked edge by edge and side by side, the hand-over of ownership and
need-to-know access, what the former owner keeps, both data owners' processing logs,
the notices, and the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.cases import factories
from tests.support import login

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import ROLE_PERMISSIONS, OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cases import selectors, services
from bovenwater.cases.models import Case, CaseCount, CaseEvent, Task
from bovenwater.cases.services.coordination import StaleCase
from bovenwater.cases.transfers import Transfer, TransferStatus
from bovenwater.cases.workflow import (
    RECEIVING_ORGANISATION,
    SENDING_ORGANISATION,
    TRANSFER_TRANSITIONS,
    TRANSFER_WORKFLOW,
    TransitionNotAllowed,
)
from bovenwater.lib.errors import NotFound
from bovenwater.notifications.models import Notification

pytestmark = pytest.mark.django_db

AMSTERDAM, ROTTERDAM = "GM0363", "GM0599"


@pytest.fixture
def world() -> dict[str, Any]:
    sender = factories.organisation(OrganisationKind.CARE_COORDINATION, AMSTERDAM)
    receiver = factories.organisation(OrganisationKind.CARE_COORDINATION, ROTTERDAM)
    third = factories.organisation(OrganisationKind.CARE_COORDINATION, "GM0193")
    coordinator = factories.actor(Role.CARE_COORDINATOR, sender)
    taker = factories.actor(Role.CARE_COORDINATOR, receiver)
    colleague = factories.actor(Role.CARE_COORDINATOR, receiver)
    outsider = factories.actor(Role.CARE_COORDINATOR, third)
    case = factories.open_case(coordinator)
    return {
        "sender": sender,
        "receiver": receiver,
        "coordinator": coordinator,
        "taker": taker,
        "colleague": colleague,
        "outsider": outsider,
        "case": case,
    }


def propose(world: dict[str, Any], **kwargs: Any) -> Transfer:
    return services.transfer_propose(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=world["receiver"],
        reason=kwargs.pop("reason", "Slachtoffer verhuist naar Rotterdam"),
        legal_basis=kwargs.pop("legal_basis", "Art. 6 lid 1 sub e AVG, taak zorgcoördinatie"),
        **kwargs,
    )


# --- the declared table, edge by edge and side by side --------------------------------


SIDES = {"receiving": RECEIVING_ORGANISATION, "sending": SENDING_ORGANISATION}


def test_table_every_edge_and_every_non_edge_for_every_role_and_side(world: dict[str, Any]) -> None:
    """A proposal answered from every status to every status, by every role on each side:
    allowed exactly when the table has the edge, the role may work cases and the side is
    the edge's side; every refusal writes nothing."""
    allowed_seen = 0
    for role in Role:
        for side, org_key in (("receiving", "receiver"), ("sending", "sender")):
            membership = factories.member(role, world[org_key])
            actor = Actor(user=membership.user, membership=membership)
            for source in TransferStatus:
                for target in TransferStatus:
                    transfer = propose(world) if source == TransferStatus.PROPOSED else None
                    if transfer is None:
                        transfer = propose(world)
                        Transfer.objects.filter(pk=transfer.pk).update(status=source)
                    permissions = TRANSFER_TRANSITIONS.get(source, {}).get(target)
                    may = (
                        permissions is not None
                        and SIDES[side] in permissions
                        and all(
                            p in ROLE_PERMISSIONS[role]
                            for p in permissions
                            if p not in SIDES.values()
                        )
                    )
                    events = CaseEvent.objects.count()
                    try:
                        services.transfer_answer(
                            actor=actor, transfer=transfer, to_status=target, reason="Omdat"
                        )
                    except TransitionNotAllowed:
                        assert not may, (role, side, source, target)
                        assert CaseEvent.objects.count() == events
                        assert Transfer.objects.get(pk=transfer.pk).status == source
                    else:
                        assert may, (role, side, source, target)
                        allowed_seen += 1
                        assert Transfer.objects.get(pk=transfer.pk).status == target
                    # back to the start: the sender owns the case, nothing is open
                    Transfer.objects.filter(status=TransferStatus.PROPOSED).update(
                        status=TransferStatus.WITHDRAWN
                    )
                    Case.objects.filter(pk=world["case"].pk).update(owner=world["sender"])
    # the care coordinator: accept and decline when receiving, withdraw when sending
    assert allowed_seen == 3


def test_declining_and_withdrawing_need_a_reason(world: dict[str, Any]) -> None:
    transfer = propose(world)
    for actor, target in ((world["taker"], "declined"), (world["coordinator"], "withdrawn")):
        with pytest.raises(TransitionNotAllowed) as refused:
            services.transfer_answer(actor=actor, transfer=transfer, to_status=target, reason=" ")
        assert refused.value.kind == "reason_missing"
    assert TRANSFER_WORKFLOW.reason_required == {TransferStatus.DECLINED, TransferStatus.WITHDRAWN}


# --- proposing ------------------------------------------------------------------------


def test_proposal_needs_another_regions_care_coordination_a_reason_and_a_basis(
    world: dict[str, Any],
) -> None:
    same_region = factories.organisation(OrganisationKind.CARE_COORDINATION, AMSTERDAM)
    shelter = factories.organisation(OrganisationKind.SHELTER, ROTTERDAM)
    for organisation in (same_region, shelter, world["sender"]):
        with pytest.raises(ValidationError) as refused:
            services.transfer_propose(
                actor=world["coordinator"],
                case=world["case"],
                to_organisation=organisation,
                reason="Verhuizing",
                legal_basis="Grondslag",
            )
        assert "to_organisation" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        propose(world, reason="", legal_basis="")
    assert set(refused.value.error_dict) == {"reason", "consent"}
    assert not Transfer.objects.exists()


def test_proposal_with_consent_one_open_at_a_time_and_a_stale_version_refused(
    world: dict[str, Any],
) -> None:
    case = world["case"]
    consent = services.consent_record(
        actor=world["coordinator"],
        case=case,
        subject_matter="Dossier",
        recipient=world["receiver"],
        purpose="Overdracht",
        given_on=datetime.date(2026, 1, 5),
        given_by="Betrokkene",
    )
    with pytest.raises(StaleCase):
        propose(world, consent=consent, legal_basis="", expected_version=case.version - 1 or 99)
    transfer = propose(world, consent=consent, legal_basis="", expected_version=case.version)
    assert transfer.consent == consent and transfer.legal_basis == ""
    with pytest.raises(ValidationError):
        propose(world)
    assert Transfer.objects.count() == 1


def test_proposal_logged_for_both_and_notifies_only_the_receivers_coordinators(
    world: dict[str, Any],
) -> None:
    transfer = propose(world)
    entry = ProcessingLogEntry.objects.get(object_type="cases.transfer", action="share")
    assert entry.organisation_id == world["sender"].pk
    assert entry.owner_organisation_id == world["receiver"].pk
    noticed = set(Notification.objects.values_list("user_id", flat=True))
    assert noticed == {world["taker"].user.pk, world["colleague"].user.pk}
    assert set(Notification.objects.values_list("reference", flat=True)) == {case_number(world)}
    assert [t.pk for t in selectors.incoming_transfers_for_actor(actor=world["taker"])] == [
        transfer.pk
    ]
    assert selectors.incoming_transfers_for_actor(actor=world["outsider"]) == []
    # before acceptance the receiver does not see the case itself
    assert selectors.case_access(actor=world["taker"], case=world["case"]) is None


def case_number(world: dict[str, Any]) -> str:
    return str(world["case"].number)


# --- accepting: ownership and access move ---------------------------------------------


def test_acceptance_moves_ownership_access_counts_and_tasks(world: dict[str, Any]) -> None:
    case = world["case"]
    services.task_create(
        actor=world["coordinator"],
        case=case,
        title="Huisvesting regelen",
        deadline=datetime_date(),
        assignee=world["coordinator"].user,
    )
    version = Case.objects.get(pk=case.pk).version
    transfer = propose(world)
    services.transfer_answer(actor=world["taker"], transfer=transfer, to_status="accepted")
    case.refresh_from_db()
    assert case.owner == world["receiver"]
    assert case.coordinator == world["taker"].user
    assert case.version == version + 1
    assert Task.objects.get(case=case).assignee is None
    counts = dict(CaseCount.objects.filter(state=case.state).values_list("owner_id", "count"))
    assert counts == {world["sender"].pk: 0, world["receiver"].pk: 1}
    # need-to-know moves with the ownership
    assert selectors.case_access(actor=world["coordinator"], case=case) is None
    access = selectors.case_access(actor=world["taker"], case=case)
    assert access is not None and access.via == "owner" and access.can_manage
    assert case not in selectors.cases_visible_to(world["coordinator"])
    with pytest.raises(NotFound):
        services.case_note_add(actor=world["coordinator"], case=case, text="Nog iets")
    # both data owners' logs hold the acceptance
    entry = ProcessingLogEntry.objects.filter(object_type="cases.transfer").latest("pk")
    assert (entry.organisation_id, entry.owner_organisation_id) == (
        world["receiver"].pk,
        world["sender"].pk,
    )
    assert entry.details["status"] == "accepted"
    # the proposer is told, nobody else of the sender
    answered = Notification.objects.filter(event="transfer_answered")
    assert list(answered.values_list("user_id", flat=True)) == [world["coordinator"].user.pk]


def datetime_date() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=10)


def test_former_owner_keeps_only_what_it_wrote_before_the_hand_over(world: dict[str, Any]) -> None:
    case = world["case"]
    services.case_note_add(actor=world["coordinator"], case=case, text="Eigen notitie A")
    transfer = propose(world)
    services.transfer_answer(actor=world["taker"], transfer=transfer, to_status="accepted")
    services.case_note_add(actor=world["taker"], case=case, text="Notitie van Rotterdam")
    assert selectors.transferred_away_for_actor(actor=world["coordinator"], case_id=case.pk)
    assert selectors.transferred_away_for_actor(actor=world["taker"], case_id=case.pk) is None
    view = selectors.transfer_for_actor(actor=world["coordinator"], transfer_id=transfer.pk)
    texts = " ".join(e.text for e in view.own_history)
    assert "Eigen notitie A" in texts
    assert "Rotterdam" not in texts.replace("Slachtoffer verhuist naar Rotterdam", "")
    assert all(e.actor_organisation_id == world["sender"].pk for e in view.own_history)
    assert view.next_states == []
    receiving = selectors.transfer_for_actor(actor=world["taker"], transfer_id=transfer.pk)
    assert receiving.own_history == [] and receiving.receiving


def test_an_outsider_gets_404_on_the_transfer_and_the_refusal_is_logged(
    world: dict[str, Any],
) -> None:
    transfer = propose(world)
    with pytest.raises(Http404):
        selectors.transfer_for_actor(actor=world["outsider"], transfer_id=transfer.pk)
    (refusal,) = [
        e for e in ProcessingLogEntry.objects.filter(object_type="cases.transfer") if e.refused
    ]
    assert refusal.organisation_id == world["outsider"].organisation.pk
    with pytest.raises(NotFound):
        services.transfer_answer(actor=world["outsider"], transfer=transfer, to_status="accepted")


def test_declined_transfer_leaves_the_case_with_its_owner(world: dict[str, Any]) -> None:
    transfer = propose(world)
    services.transfer_answer(
        actor=world["taker"], transfer=transfer, to_status="declined", reason="Geen capaciteit"
    )
    case = Case.objects.get(pk=world["case"].pk)
    assert case.owner == world["sender"]
    assert selectors.case_access(actor=world["coordinator"], case=case) is not None
    assert "Geen capaciteit" in CaseEvent.objects.filter(case=case).latest("pk").text
    propose(world)  # a new proposal may follow


# --- the pages ------------------------------------------------------------------------


def test_pages_propose_and_accept_then_the_former_owner_sees_the_explanation(
    world: dict[str, Any],
) -> None:
    sender = factories.member(Role.CARE_COORDINATOR, world["sender"], can_login=True)
    receiver = factories.member(Role.CARE_COORDINATOR, world["receiver"], can_login=True)
    case = world["case"]
    one, two = Client(), Client()
    login(one, sender)
    login(two, receiver)
    url = reverse("cases:transfer_create", kwargs={"case_id": case.pk})
    page = one.get(url)
    assert page.status_code == 200
    assert world["receiver"].name in page.content.decode()
    assert world["outsider"].organisation.name in page.content.decode()
    refused = one.post(url, {"version": case.version, "to_organisation": world["receiver"].pk})
    assert refused.status_code == 400
    assert "Geef een reden voor de overdracht." in refused.content.decode()
    response = one.post(
        url,
        {
            "version": case.version,
            "to_organisation": world["receiver"].pk,
            "reason": "Verhuist naar Rotterdam",
            "legal_basis": "Grondslag",
        },
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:transfer", kwargs={"transfer_id": transfer.pk})
    queue = two.get(reverse("cases:list")).content.decode()
    assert case.number in queue and "overdrachten uit andere regio" in queue
    detail = reverse("cases:transfer", kwargs={"transfer_id": transfer.pk})
    assert two.post(detail, {"answer": "declined", "reason": ""}).status_code == 400
    accepted = two.post(detail, {"answer": "accepted"})
    assert accepted["Location"] == reverse("cases:detail", kwargs={"case_id": case.pk})
    assert two.get(accepted["Location"]).status_code == 200
    gone = one.get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    assert gone.status_code == 404
    body = gone.content.decode()
    assert "overgedragen" in body and "Geheimvoet" not in body
    own = one.get(detail).content.decode()
    assert "Geheimvoet" not in own and "Wat uw organisatie vastlegde" in own
    assert one.post(detail, {"answer": "withdrawn", "reason": "x"}).status_code == 404


def test_retention_deletes_a_transferred_case_whole_with_its_transfers(
    world: dict[str, Any],
) -> None:
    """The retention of closed cases counts from the hand-over's new owner and takes the
    transfers (and the consent they rest on) with the case."""
    case = world["case"]
    consent = services.consent_record(
        actor=world["coordinator"],
        case=case,
        subject_matter="Dossier",
        recipient=world["receiver"],
        purpose="Overdracht",
        given_on=datetime.date(2026, 1, 5),
        given_by="Betrokkene",
    )
    shelter = factories.organisation(OrganisationKind.SHELTER, AMSTERDAM)
    factories.refer_with_consent(world["coordinator"], case, shelter)
    transfer = propose(world, consent=consent, legal_basis="")
    services.transfer_answer(actor=world["taker"], transfer=transfer, to_status="accepted")
    long_ago = timezone.now() - datetime.timedelta(days=365 * 30)
    Case.objects.filter(pk=case.pk).update(state="closed", closed_at=long_ago)
    services.case_counts_rebuild()
    report = services.sweep_closed_cases()
    assert report.deleted == 1
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Transfer.objects.exists()
