"""The transfer (overdracht) of a case to another region's care coordination.

The owning organisation's care coordinator proposes it (``transfer_propose``) with a
reason and a basis: the victim's consent to the receiving organisation, or a legal
basis. A care coordinator of the receiving organisation accepts or declines it, or the
proposer withdraws it (``transfer_answer``, the declared table
``cases.workflow.TRANSFER_WORKFLOW``). On acceptance, in one transaction, the receiving
organisation becomes the case's owner and the accepting coordinator its coordinator:
need-to-know access moves with the ownership (``selectors.case_access``), so the former
owner no longer sees the case, only what it wrote itself (``selectors.transfer_for_actor``).
Every step is written to the processing log with both organisations named, so it shows
in both data owners' logs.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Permission, Role
from bovenwater.audit.models import Action
from bovenwater.cases.corrections import FieldPart
from bovenwater.cases.models import Case, CaseState, Consent, EventKind, Task
from bovenwater.cases.services.common import count_case, managed_case_for_update, record
from bovenwater.cases.services.coordination import bump_version, check_version, history_add
from bovenwater.cases.transfers import Transfer, TransferStatus
from bovenwater.cases.workflow import TRANSFER_WORKFLOW, TransferParty
from bovenwater.lib.errors import NotFound
from bovenwater.notifications.models import Event
from bovenwater.notifications.services import notify_organisation, notify_users

CLOSED_STATES = frozenset({CaseState.CLOSED, CaseState.DROPPED_OUT})


def _region_id(organisation: Organisation) -> int | None:
    return organisation.municipality.police_unit_id if organisation.municipality else None


@transaction.atomic
def transfer_propose(
    *,
    actor: Actor,
    case: Case,
    to_organisation: Organisation,
    reason: str,
    consent: Consent | None = None,
    legal_basis: str = "",
    expected_version: int | None = None,
) -> Transfer:
    """Propose to hand the case over to another region's care coordination."""
    locked = managed_case_for_update(actor=actor, case=case)
    check_version(locked, expected_version, actor=actor)
    if locked.state in CLOSED_STATES:
        raise ValidationError(_("Een afgesloten casus kunt u niet overdragen."), code="closed")
    if Transfer.objects.filter(case=locked, status=TransferStatus.PROPOSED).exists():
        raise ValidationError(
            _("Er staat al een overdracht van deze casus open. Trek die eerst in."), code="open"
        )
    errors: dict[str, str] = {}
    if (
        to_organisation.kind != OrganisationKind.CARE_COORDINATION
        or not to_organisation.is_active
        or to_organisation.pk == locked.owner_id
    ):
        errors["to_organisation"] = _("Kies de zorgcoördinatie van een andere regio.")
    elif _region_id(to_organisation) == _region_id(actor.organisation):
        errors["to_organisation"] = _(
            "Deze zorgcoördinatie werkt in uw eigen regio. Een overdracht is voor een "
            "slachtoffer dat naar een andere regio verhuist."
        )
    if not reason.strip():
        errors["reason"] = _("Geef een reden voor de overdracht.")
    if consent is not None:
        if consent.case_id != locked.pk or consent.recipient_id != to_organisation.pk:
            errors["consent"] = _("Deze toestemming hoort niet bij deze casus en organisatie.")
        elif consent.withdrawn_at is not None:
            errors["consent"] = _("Deze toestemming is ingetrokken.")
    elif not legal_basis.strip():
        errors["consent"] = _("Kies een toestemming of leg een wettelijke grondslag vast.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                case=locked,
                from_organisation=actor.organisation,
                to_organisation=to_organisation,
                reason=reason.strip(),
                consent=consent,
                legal_basis=legal_basis.strip() if consent is None else "",
                proposed_by=actor.user,
            )
    except IntegrityError:  # a concurrent proposal won the unique constraint
        raise ValidationError(
            _("Er staat al een overdracht van deze casus open. Trek die eerst in."), code="open"
        ) from None
    record(
        actor=actor,
        case=locked,
        action=Action.SHARE,
        event=EventKind.TRANSFER,
        text=_("Overdracht voorgesteld aan %(to)s. Reden: %(reason)s")
        % {"to": to_organisation.name, "reason": transfer.reason},
        object_type="cases.transfer",
        object_id=transfer.pk,
        details={
            "to": to_organisation.pk,
            "consent": consent.pk if consent else None,
            "status": TransferStatus.PROPOSED,
        },
        owner_organisation_id=to_organisation.pk,
    )
    notify_organisation(
        organisation=to_organisation,
        permission=Permission.MANAGE_CASES,
        event=Event.TRANSFER_PROPOSED,
        url_name="cases:transfer",
        url_kwargs={"transfer_id": transfer.pk},
        reference=locked.number,
    )
    return transfer


@transaction.atomic
def transfer_answer(
    *, actor: Actor, transfer: Transfer, to_status: str, reason: str = ""
) -> Transfer:
    """Accept or decline a proposed transfer (receiving organisation), or withdraw it
    (proposing organisation); declining and withdrawing need a reason."""
    locked_case = Case.objects.select_for_update().get(pk=transfer.case_id)
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if actor.organisation_id not in (locked.from_organisation_id, locked.to_organisation_id):
        raise NotFound
    party = TransferParty(actor, actor.organisation_id, locked)
    target = TRANSFER_WORKFLOW.check(
        state=locked.status, to_state=to_status, actor=party, reason=reason
    )
    if target == TransferStatus.ACCEPTED and locked_case.owner_id != locked.from_organisation_id:
        raise ValidationError(_("De casus is intussen niet meer van de voorstellende organisatie."))
    now = timezone.now()
    Transfer.objects.filter(pk=locked.pk).update(
        status=target, responded_by=actor.user, responded_at=now, response_reason=reason.strip()
    )
    locked.refresh_from_db()
    former_owner = locked.from_organisation
    other = (
        locked.from_organisation_id
        if actor.organisation_id == locked.to_organisation_id
        else locked.to_organisation_id
    )
    if target == TransferStatus.ACCEPTED:
        _hand_over(actor, locked_case, locked)
        text = _("Overdracht geaccepteerd door %(to)s: de casus is overgedragen door %(from)s.") % {
            "to": locked.to_organisation.name,
            "from": former_owner.name,
        }
    elif target == TransferStatus.DECLINED:
        text = _("Overdracht afgewezen door %(to)s. Reden: %(reason)s") % {
            "to": locked.to_organisation.name,
            "reason": locked.response_reason,
        }
    else:
        text = _("Overdracht aan %(to)s ingetrokken. Reden: %(reason)s") % {
            "to": locked.to_organisation.name,
            "reason": locked.response_reason,
        }
    record(
        actor=actor,
        case=locked_case,
        action=Action.SHARE if target == TransferStatus.ACCEPTED else Action.UPDATE,
        event=EventKind.TRANSFER,
        text=text,
        object_type="cases.transfer",
        object_id=locked.pk,
        details={
            "status": target.value,
            "from": locked.from_organisation_id,
            "to": locked.to_organisation_id,
            "version": locked_case.version,
        },
        owner_organisation_id=other,
    )
    if target == TransferStatus.WITHDRAWN:
        notify_organisation(
            organisation=locked.to_organisation,
            permission=Permission.MANAGE_CASES,
            event=Event.TRANSFER_ANSWERED,
            url_name="cases:transfer",
            url_kwargs={"transfer_id": locked.pk},
            reference=locked_case.number,
        )
    else:
        notify_users(
            users=[locked.proposed_by],
            organisation=former_owner,
            event=Event.TRANSFER_ANSWERED,
            url_name="cases:transfer",
            url_kwargs={"transfer_id": locked.pk},
            reference=locked_case.number,
        )
    return locked


def _hand_over(actor: Actor, locked: Case, transfer: Transfer) -> None:
    """Ownership moves: the receiving organisation owns the case, the accepting care
    coordinator coordinates it, open tasks lose their assignee of the former owner, and
    the count tables of both organisations follow."""
    old_owner = transfer.from_organisation
    old_coordinator = locked.coordinator.display_name if locked.coordinator else "—"
    coordinator = actor.user if actor.role == Role.CARE_COORDINATOR else None
    count_case(owner_id=old_owner.pk, state=locked.state, delta=-1)
    count_case(owner_id=transfer.to_organisation_id, state=locked.state, delta=1)
    locked.owner = transfer.to_organisation
    locked.coordinator = coordinator
    locked.save(update_fields=["owner", "coordinator"])
    bump_version(locked)
    history_add(actor, locked, FieldPart.CASE, "owner", old_owner.name, locked.owner.name)
    history_add(
        actor,
        locked,
        FieldPart.CASE,
        "coordinator",
        old_coordinator,
        coordinator.display_name if coordinator else "—",
    )
    Task.objects.filter(case=locked, done_at__isnull=True).update(assignee=None)
