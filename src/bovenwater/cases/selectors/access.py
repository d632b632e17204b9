"""Who may see a case, and which parts of it: need-to-know, one condition per line.

A case is visible to

- members of its owning organisation whose role may view cases (all parts);
- members of an organisation with an *accepted* referral whose consent still stands
  (or that rests on a recorded legal basis), limited to the parts agreed in it;
- a user who broke the glass with a written reason (all parts, for a limited time,
  flagged to the privacy officer).

Anything else answers 404, and the refusal is logged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.audit.services import log_refusal as audit_log_refusal
from bovenwater.cases.models import (
    Case,
    EmergencyAccess,
    Referral,
    ReferralStatus,
    SharedPart,
)
from bovenwater.lib.compiled import CompiledQuery

ALL_PARTS: frozenset[str] = frozenset(SharedPart.values)


class AccessPath(StrEnum):
    """Why an actor sees a case: it owns it, a referral shares parts, or break the glass."""

    OWNER = "owner"
    REFERRAL = "referral"
    EMERGENCY = "emergency"


@dataclass(frozen=True)
class CaseAccess:
    """What the actor may see and do with one case, and why."""

    case: Case
    via: AccessPath
    parts: frozenset[str]
    can_manage: bool
    can_see_victim: bool

    def shows(self, part: str) -> bool:
        return part in self.parts


def data_subject(case: Case) -> str:
    return f"case:{case.number}"


def _referrals_in_force_to(organisation_id: int) -> QuerySet[Referral]:
    """Accepted referrals to an organisation whose consent stands, or that rest on a
    recorded legal basis."""
    return Referral.objects.filter(
        to_organisation_id=organisation_id,
        status=ReferralStatus.ACCEPTED,
    ).filter(
        Q(consent__isnull=True, legal_basis__gt="")
        | Q(consent__isnull=False, consent__withdrawn_at__isnull=True)
    )


def _active_referrals_to(actor: Actor) -> QuerySet[Referral]:
    """Accepted referrals to the actor's organisation whose consent or basis stands."""
    return _referrals_in_force_to(actor.organisation_id)


def _emergencies(
    user_id: int, organisation_id: int, now: datetime.datetime
) -> QuerySet[EmergencyAccess]:
    return EmergencyAccess.objects.filter(
        user_id=user_id, organisation_id=organisation_id, expires_at__gt=now
    )


def _active_emergency(actor: Actor) -> QuerySet[EmergencyAccess]:
    return _emergencies(actor.user.pk, actor.organisation_id, timezone.now())


def is_national_registrar(actor: Actor) -> bool:
    return actor.has(Permission.PLACE_COSM) and (
        actor.organisation.kind == OrganisationKind.NATIONAL_REGISTRAR
    )


def log_refusal(
    actor: Actor, case_id: object, purpose: Purpose, owner_organisation_id: int | None = None
) -> None:
    """A refused case; its owner's privacy officer sees it (the prober never learns whose)."""
    audit_log_refusal(
        actor=actor,
        object_type="cases.case",
        object_id=case_id,
        purpose=purpose,
        owner_organisation_id=owner_organisation_id,
    )


def case_access(*, actor: Actor, case: Case) -> CaseAccess | None:
    """The actor's access to a case, without logging; ``None`` when there is none."""
    if not actor.has(Permission.VIEW_CASES):
        return None
    see_victim = actor.has(Permission.VIEW_VICTIM_DETAILS)
    if case.owner_id == actor.organisation_id:
        return CaseAccess(
            case=case,
            via=AccessPath.OWNER,
            parts=ALL_PARTS,
            can_manage=actor.has(Permission.MANAGE_CASES),
            can_see_victim=see_victim,
        )
    if _active_emergency(actor).filter(case_id=case.pk).exists():
        return CaseAccess(
            case=case,
            via=AccessPath.EMERGENCY,
            parts=ALL_PARTS,
            can_manage=False,
            can_see_victim=see_victim,
        )
    parts: set[str] = set()
    for shared in (
        _active_referrals_to(actor).filter(case_id=case.pk).values_list("shared_parts", flat=True)
    ):
        parts.update(shared)
    if not parts:
        return None
    parts.add(SharedPart.SUMMARY)
    return CaseAccess(
        case=case,
        via=AccessPath.REFERRAL,
        parts=frozenset(parts),
        can_manage=False,
        can_see_victim=see_victim and SharedPart.VICTIM in parts,
    )


_SHARED_CASE_IDS = CompiledQuery(
    "cases.shared_case_ids",
    lambda organisation, user, now: (
        _referrals_in_force_to(organisation)
        .order_by()
        .values_list("case_id", flat=True)
        .union(_emergencies(user, organisation, now).order_by().values_list("case_id", flat=True))
    ),
    {"organisation": int, "user": int, "now": datetime.datetime},
)


def shared_case_ids(actor: Actor) -> list[int]:
    """Cases shared with the actor's organisation by an active referral, or opened by
    the actor through break-the-glass (one query for both; few, and indexed)."""
    rows = _SHARED_CASE_IDS.rows(
        organisation=actor.organisation_id, user=actor.user.pk, now=timezone.now()
    )
    return sorted({case_id for (case_id,) in rows})


def visible_cases(actor: Actor, shared: list[int]) -> QuerySet[Case]:
    visible = Q(owner_id=actor.organisation_id)
    if shared:
        visible |= Q(pk__in=shared)
    return Case.objects.filter(visible)


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    """Cases the actor's organisation owns or received by an active referral (no log).

    The shared and emergency case ids are read first (few, and indexed), so the case
    query stays an index lookup on the owner instead of a correlated subquery per row.
    """
    if not actor.has(Permission.VIEW_CASES):
        return Case.objects.none()
    return visible_cases(actor, shared_case_ids(actor))


def log_object_read(
    *,
    actor: Actor,
    object_type: str,
    object_id: object,
    case: Case | None,
    owner_organisation_id: int | None = None,
) -> None:
    """Log a read of a case-related object; without a case the read was refused (out of
    scope), and ``owner_organisation_id`` names the owner of the object asked for, if any."""
    if case is None:
        audit_log_refusal(
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            purpose=Purpose.CARE_COORDINATION,
            owner_organisation_id=owner_organisation_id,
        )
        return
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type=object_type,
        object_id=object_id,
        data_subject=data_subject(case),
        purpose=Purpose.CARE_COORDINATION,
        owner_organisation_id=case.owner_id,
    )


def case_by_number(number: str) -> Case | None:
    """The case with this number, for break-the-glass and linking; callers check access."""
    return Case.objects.select_related("owner").filter(number=number.strip()).first()


def case_access_by_number(*, actor: Actor, number: str) -> CaseAccess | None:
    """Access to the case with this number, or None when it is unknown or out of scope."""
    case = case_by_number(number)
    return case_access(actor=actor, case=case) if case is not None else None
