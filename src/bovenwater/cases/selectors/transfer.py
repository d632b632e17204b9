"""Reads of transfers: the page of one transfer for its two parties, the proposals
waiting in a receiving organisation's work queue, and what a former owner keeps.

A transfer is seen by the proposing and the receiving organisation only. Before it is
accepted the receiving organisation sees the proposal (case number, status, reason,
basis), not the case. After acceptance the former owner sees the case no more: only the
transfer, and the timeline entries its own organisation wrote before the hand-over (its
own record of its work), each read logged with the new owner as data owner.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.models import CaseEvent
from bovenwater.cases.selectors.access import data_subject, log_object_read
from bovenwater.cases.transfers import Transfer, TransferStatus
from bovenwater.cases.workflow import TRANSFER_WORKFLOW, TransferParty
from bovenwater.lib.compiled import CompiledQuery


@dataclass(frozen=True)
class TransferView:
    transfer: Transfer
    receiving: bool
    next_states: list[TransferStatus]
    own_history: list[CaseEvent] = field(default_factory=list)


def _transfers() -> QuerySet[Transfer]:
    return Transfer.objects.select_related(
        "case", "from_organisation", "to_organisation", "consent", "proposed_by", "responded_by"
    )


def transfer_for_actor(*, actor: Actor, transfer_id: int) -> TransferView:
    """A transfer of the actor's organisation (proposed or received), else ``Http404``
    (logged as a refusal). The read is logged, with the other party as data owner."""
    transfer = _transfers().filter(pk=transfer_id).first()
    parties = (transfer.from_organisation_id, transfer.to_organisation_id) if transfer else ()
    if (
        transfer is None
        or not actor.has(Permission.VIEW_CASES)
        or (actor.organisation_id not in parties)
    ):
        log_object_read(
            actor=actor,
            object_type="cases.transfer",
            object_id=transfer_id,
            case=None,
            owner_organisation_id=transfer.case.owner_id if transfer else None,
        )
        raise Http404
    receiving = actor.organisation_id == transfer.to_organisation_id
    other = transfer.from_organisation_id if receiving else transfer.to_organisation_id
    own_history: list[CaseEvent] = []
    if not receiving and transfer.status == TransferStatus.ACCEPTED:
        own_history = list(
            CaseEvent.objects.filter(
                case_id=transfer.case_id,
                actor_organisation_id=actor.organisation_id,
                created_at__lte=transfer.responded_at,
            ).select_related("actor_user")
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.transfer",
        object_id=transfer.pk,
        data_subject=data_subject(transfer.case),
        purpose=Purpose.CARE_COORDINATION,
        details={"own_history": len(own_history)} if own_history else None,
        owner_organisation_id=other,
    )
    party = TransferParty(actor, actor.organisation_id, transfer)
    return TransferView(
        transfer=transfer,
        receiving=receiving,
        next_states=TRANSFER_WORKFLOW.allowed(transfer.status, party),
        own_history=own_history,
    )


@dataclass(frozen=True)
class IncomingTransfer:
    """A proposal waiting for the actor's organisation, as its work queue lists it."""

    pk: int
    case_number: str
    from_name: str
    proposed_at: datetime.datetime


_INCOMING_TRANSFERS = CompiledQuery(
    "cases.incoming_transfers",
    lambda organisation: (
        Transfer.objects.filter(to_organisation_id=organisation, status=TransferStatus.PROPOSED)
        .order_by("proposed_at", "pk")
        .values_list("pk", "case__number", "from_organisation__name", "proposed_at")
    ),
    {"organisation": int},
)


def incoming_transfers_for_actor(*, actor: Actor) -> list[IncomingTransfer]:
    """Proposals waiting for the actor's organisation, oldest first (case numbers and
    organisation names only: not logged, like the work queue)."""
    if not actor.has(Permission.VIEW_CASES):
        return []
    rows = _INCOMING_TRANSFERS.rows(organisation=actor.organisation_id)
    return [IncomingTransfer(*row) for row in rows]


def open_transfer_of(*, case_id: int) -> Transfer | None:
    """The proposed transfer of a case, if any (for its owner's case page)."""
    return (
        _transfers()
        .filter(case_id=case_id, status=TransferStatus.PROPOSED)
        .order_by("-proposed_at")
        .first()
    )


def transferred_away_for_actor(*, actor: Actor, case_id: int) -> Transfer | None:
    """The accepted transfer by which the actor's organisation handed this case over and
    no longer owns it: the former owner is told that, and where to read its own part."""
    if not actor.has(Permission.VIEW_CASES):
        return None
    return (
        _transfers()
        .filter(
            case_id=case_id,
            from_organisation_id=actor.organisation_id,
            status=TransferStatus.ACCEPTED,
        )
        .exclude(case__owner_id=actor.organisation_id)
        .order_by("-responded_at")
        .first()
    )
