"""The refusals of a transfer between regions that no other test reached (issue #20):
a consent for another case or organisation, a withdrawn consent, a closed case, and an
acceptance after the case changed hands meanwhile. Each writes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from tests.cases import factories

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services
from bovenwater.cases.models import Case, CaseState
from bovenwater.cases.transfers import Transfer, TransferStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    sender = factories.organisation(OrganisationKind.CARE_COORDINATION, "GM0363")
    receiver = factories.organisation(OrganisationKind.CARE_COORDINATION, "GM0599")
    third = factories.organisation(OrganisationKind.CARE_COORDINATION, "GM0193")
    coordinator = factories.actor(Role.CARE_COORDINATOR, sender)
    return {
        "receiver": receiver,
        "third": third,
        "coordinator": coordinator,
        "taker": factories.actor(Role.CARE_COORDINATOR, receiver),
        "case": factories.open_case(coordinator),
    }


def _consent(world: dict[str, Any], recipient: Any, case: Case | None = None) -> Any:
    return services.consent_record(
        actor=world["coordinator"],
        case=case or world["case"],
        subject_matter="Dossier",
        recipient=recipient,
        purpose="Overdracht",
        given_on=datetime.date(2026, 1, 5),
        given_by="Betrokkene",
    )


def _propose(world: dict[str, Any], **extra: Any) -> Transfer:
    return services.transfer_propose(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=world["receiver"],
        reason="Slachtoffer verhuist",
        **extra,
    )


def test_a_consent_must_be_for_this_case_and_this_receiver_and_still_in_force(
    world: dict[str, Any],
) -> None:
    other_case = factories.open_case(world["coordinator"], last_name="Ander")
    wrong = [
        _consent(world, world["third"]),  # another organisation
        _consent(world, world["receiver"], case=other_case),  # another case
    ]
    for consent in wrong:
        with pytest.raises(ValidationError) as error:
            _propose(world, consent=consent)
        assert "hoort niet bij deze casus" in error.value.message_dict["consent"][0]
    withdrawn = _consent(world, world["receiver"])
    services.consent_withdraw(actor=world["coordinator"], consent=withdrawn)
    withdrawn.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _propose(world, consent=withdrawn)
    assert "ingetrokken" in error.value.message_dict["consent"][0]
    assert not Transfer.objects.exists()


def test_a_closed_case_is_not_transferred(world: dict[str, Any]) -> None:
    Case.objects.filter(pk=world["case"].pk).update(state=CaseState.CLOSED)
    with pytest.raises(ValidationError, match="afgesloten casus"):
        _propose(world, legal_basis="Art. 6 lid 1 sub e AVG")
    assert not Transfer.objects.exists()


def test_an_acceptance_after_the_case_changed_hands_is_refused(world: dict[str, Any]) -> None:
    transfer = _propose(world, legal_basis="Art. 6 lid 1 sub e AVG")
    Case.objects.filter(pk=world["case"].pk).update(owner=world["third"])
    with pytest.raises(ValidationError, match="niet meer van de voorstellende organisatie"):
        services.transfer_answer(actor=world["taker"], transfer=transfer, to_status="accepted")
    assert Transfer.objects.get().status == TransferStatus.PROPOSED
    assert Case.objects.get().owner == world["third"]
