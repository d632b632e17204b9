"""The case reads beyond ``case_access`` (issue #20, mutation group ``case-reads``):
who gets a referral by id, who sees incoming referrals, and that a partner who sees a
case through a referral never sees its tasks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from tests.cases import factories

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.cases import services
from bovenwater.cases.selectors.access import AccessPath, case_access
from bovenwater.cases.selectors.case import (
    case_get_by_number_for_actor,
    tasks_for_access,
    victim_for_access,
)
from bovenwater.cases.selectors.referral import (
    consents_for_access,
    incoming_referrals_for_actor,
    referral_get_for_actor,
    referrals_for_access,
    referrals_list_for_actor,
)
from bovenwater.cases.selectors.transfer import transfer_for_actor
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred() -> dict[str, Any]:
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator)
    police = factories.organisation(OrganisationKind.POLICE)
    referral = factories.refer_with_consent(coordinator, case, police)
    return {
        "case": case,
        "coordinator": coordinator,
        "police": police,
        "referral": referral,
        "investigator": factories.actor(Role.INVESTIGATOR, police),
    }


def test_a_referral_is_read_by_its_two_parties_with_the_right_and_by_nobody_else(
    referred: dict[str, Any],
) -> None:
    referral = referred["referral"]
    for party in (referred["coordinator"], referred["investigator"]):
        assert referral_get_for_actor(actor=party, referral_id=referral.pk) == referral
    outsider = factories.actor(
        Role.INVESTIGATOR, factories.organisation(OrganisationKind.POLICE)
    )  # holds the right, is no party
    without_right = factories.actor(Role.SIGNALLER, referred["police"])  # party, no right
    for actor in (outsider, without_right):
        with pytest.raises(Http404):
            referral_get_for_actor(actor=actor, referral_id=referral.pk)
        refusal = ProcessingLogEntry.objects.filter(actor_user_id=actor.user.pk).latest("pk")
        assert refusal.refused


def test_incoming_referrals_are_shown_to_the_receivers_with_the_right_only(
    referred: dict[str, Any],
) -> None:
    referral = referred["referral"]
    assert list(incoming_referrals_for_actor(actor=referred["investigator"])) == [referral]
    signaller = factories.actor(Role.SIGNALLER, referred["police"])
    assert list(incoming_referrals_for_actor(actor=signaller)) == []
    assert list(incoming_referrals_for_actor(actor=referred["coordinator"])) == []  # the sender


def test_a_partner_through_a_referral_sees_no_tasks(referred: dict[str, Any]) -> None:
    coordinator, case = referred["coordinator"], referred["case"]
    services.task_create(
        actor=coordinator, case=case, title="Intake plannen", deadline=datetime.date(2027, 1, 1)
    )
    services.referral_respond(
        actor=referred["investigator"], referral=referred["referral"], accept=True
    )
    own = case_access(actor=coordinator, case=case)
    partner = case_access(actor=referred["investigator"], case=case)
    assert own is not None and partner is not None
    assert (own.via, partner.via) == (AccessPath.OWNER, AccessPath.REFERRAL)
    assert [t.title for t in tasks_for_access(access=own)] == ["Intake plannen"]
    assert list(tasks_for_access(access=partner)) == []
    # only the owner may work on it
    assert own.can_manage and not partner.can_manage


def test_a_case_by_number_for_the_owner_and_a_logged_refusal_for_an_outsider(
    referred: dict[str, Any],
) -> None:
    case, coordinator = referred["case"], referred["coordinator"]
    access = case_get_by_number_for_actor(actor=coordinator, number=f" {case.number} ")
    assert access.case == case and access.via == AccessPath.OWNER
    before = ProcessingLogEntry.objects.count()
    with pytest.raises(Http404):  # no such case: nothing to log
        case_get_by_number_for_actor(actor=coordinator, number="C-0000-99999")
    assert ProcessingLogEntry.objects.count() == before
    outsider = factories.actor(
        Role.CARE_COORDINATOR, factories.organisation(OrganisationKind.CARE_COORDINATION)
    )
    with pytest.raises(Http404):
        case_get_by_number_for_actor(actor=outsider, number=case.number)
    refusal = ProcessingLogEntry.objects.latest("pk")
    assert refusal.refused and refusal.owner_organisation_id == case.owner_id
    # the owner's read of the victim is care coordination, not break-the-glass
    assert victim_for_access(actor=coordinator, access=access) is not None
    read = ProcessingLogEntry.objects.filter(object_type="cases.victimprofile").latest("pk")
    assert read.purpose == Purpose.CARE_COORDINATION


def test_the_referral_list_holds_sent_and_received_ones_only(referred: dict[str, Any]) -> None:
    referral = referred["referral"]
    for party in (referred["coordinator"], referred["investigator"]):
        assert list(referrals_list_for_actor(actor=party)) == [referral]
    outsider = factories.actor(Role.INVESTIGATOR, factories.organisation(OrganisationKind.POLICE))
    assert list(referrals_list_for_actor(actor=outsider)) == []
    with pytest.raises(PermissionDenied):
        referrals_list_for_actor(actor=factories.actor(Role.SIGNALLER, referred["police"]))


def test_after_a_transfer_only_the_former_owner_sees_its_own_history() -> None:
    sender = factories.organisation(OrganisationKind.CARE_COORDINATION, "GM0363")
    receiver = factories.organisation(OrganisationKind.CARE_COORDINATION, "GM0599")
    coordinator = factories.actor(Role.CARE_COORDINATOR, sender)
    taker = factories.actor(Role.CARE_COORDINATOR, receiver)
    case = factories.open_case(coordinator)
    transfer = services.transfer_propose(
        actor=coordinator,
        case=case,
        to_organisation=receiver,
        reason="Verhuist",
        legal_basis="Art. 6 lid 1 sub e AVG",
    )
    proposed = transfer_for_actor(actor=coordinator, transfer_id=transfer.pk)
    assert (proposed.receiving, proposed.own_history) == (False, [])
    services.transfer_answer(actor=taker, transfer=transfer, to_status="accepted")
    assert transfer_for_actor(actor=taker, transfer_id=transfer.pk).own_history == []
    read = ProcessingLogEntry.objects.filter(object_type="cases.transfer").latest("pk")
    assert read.details in (None, {})  # nothing of its own before the hand-over
    former = transfer_for_actor(actor=coordinator, transfer_id=transfer.pk)
    assert former.own_history
    assert {e.actor_organisation_id for e in former.own_history} == {sender.pk}
    read = ProcessingLogEntry.objects.filter(object_type="cases.transfer").latest("pk")
    assert read.details == {"own_history": len(former.own_history)}


def test_the_owner_sees_all_consents_and_referrals_a_partner_only_its_own(
    referred: dict[str, Any],
) -> None:
    coordinator, case = referred["coordinator"], referred["case"]
    other_police = factories.organisation(OrganisationKind.POLICE)
    second = factories.refer_with_consent(coordinator, case, other_police)
    services.referral_respond(
        actor=referred["investigator"], referral=referred["referral"], accept=True
    )
    own = case_access(actor=coordinator, case=case)
    partner = case_access(actor=referred["investigator"], case=case)
    assert own is not None and partner is not None
    assert len(consents_for_access(access=own)) == 2
    assert list(consents_for_access(access=partner)) == []
    assert {r.pk for r in referrals_for_access(actor=coordinator, access=own)} == {
        referred["referral"].pk,
        second.pk,
    }
    assert [r.pk for r in referrals_for_access(actor=referred["investigator"], access=partner)] == [
        referred["referral"].pk
    ]


def test_a_transfer_knows_its_receiving_side_whatever_the_organisation_ids() -> None:
    """The receiving side is the organisation the transfer goes to: not the one with the
    larger id, and compared by value (ids above 256 are distinct int objects)."""
    sender = factories.organisation(OrganisationKind.CARE_COORDINATION, "GM0363")
    receiver = Organisation.objects.create(
        pk=sender.pk + 1000,  # above 256 whatever the sequence (CPython caches small ints)
        name="Zorgcoördinatie met een groot id",
        kind=OrganisationKind.CARE_COORDINATION,
        municipality=Municipality.objects.get(code="GM0599"),
    )
    assert sender.pk < receiver.pk
    bigger = Organisation.objects.create(
        pk=receiver.pk + 1000,
        name="Zorgcoördinatie zender met een groter id",
        kind=OrganisationKind.CARE_COORDINATION,
        municipality=Municipality.objects.get(code="GM0363"),
    )
    for from_organisation in (sender, bigger):  # smaller and larger id than the receiver
        coordinator = factories.actor(Role.CARE_COORDINATOR, from_organisation)
        taker = factories.actor(Role.CARE_COORDINATOR, receiver)
        case = factories.open_case(coordinator)
        transfer = services.transfer_propose(
            actor=coordinator,
            case=case,
            to_organisation=receiver,
            reason="Verhuist",
            legal_basis="Art. 6 lid 1 sub e AVG",
        )
        assert transfer_for_actor(actor=coordinator, transfer_id=transfer.pk).receiving is False
        assert transfer_for_actor(actor=taker, transfer_id=transfer.pk).receiving is True
