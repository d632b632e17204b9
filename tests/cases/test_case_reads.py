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
    incoming_referrals_for_actor,
    referral_get_for_actor,
    referrals_list_for_actor,
)
from bovenwater.cases.selectors.transfer import transfer_for_actor

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
    former = transfer_for_actor(actor=coordinator, transfer_id=transfer.pk)
    assert former.own_history
    assert {e.actor_organisation_id for e in former.own_history} == {sender.pk}
