"""Reads of one case and its parts (victim, timeline, tasks), logged per data subject."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.models import (
    Case,
    CaseEvent,
    EmergencyAccess,
    SharedPart,
    Task,
    VictimProfile,
)
from bovenwater.cases.selectors.access import (
    AccessPath,
    CaseAccess,
    case_access,
    data_subject,
    log_refusal,
)


def case_get_for_actor(
    *, actor: Actor, case_id: int, purpose: Purpose = Purpose.CARE_COORDINATION
) -> CaseAccess:
    """One case the actor may see, or ``Http404`` (logged). The read is logged."""
    case = (
        Case.objects.select_related("owner", "coordinator", "crime_municipality")
        .filter(pk=case_id)
        .first()
    )
    access = case_access(actor=actor, case=case) if case is not None else None
    if access is None:
        log_refusal(actor, case_id, purpose, case.owner_id if case is not None else None)
        raise Http404
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.case",
        object_id=access.case.pk,
        data_subject=data_subject(access.case),
        purpose=Purpose.EMERGENCY_ACCESS if access.via == AccessPath.EMERGENCY else purpose,
        details={"via": access.via, "parts": sorted(access.parts)},
        owner_organisation_id=access.case.owner_id,
    )
    return access


def case_get_by_number_for_actor(
    *, actor: Actor, number: str, purpose: Purpose = Purpose.CARE_COORDINATION
) -> CaseAccess:
    """The case with this number if the actor may see it, else ``Http404``.

    An unknown number is not logged (there is no case); a case out of scope is logged as
    a refusal, and a visible one as a read, by ``case_get_for_actor``.
    """
    case_id = Case.objects.filter(number=number.strip()).values_list("pk", flat=True).first()
    if case_id is None:
        raise Http404
    return case_get_for_actor(actor=actor, case_id=case_id, purpose=purpose)


def victim_for_access(*, actor: Actor, access: CaseAccess) -> VictimProfile | None:
    """Personal details of the victim, only with need-to-know; the read is logged."""
    if not access.can_see_victim:
        return None
    victim = VictimProfile.objects.select_related("nationality").filter(case=access.case).first()
    if victim is not None:
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="cases.victimprofile",
            object_id=victim.pk,
            data_subject=data_subject(access.case),
            purpose=Purpose.EMERGENCY_ACCESS
            if access.via == AccessPath.EMERGENCY
            else Purpose.CARE_COORDINATION,
            owner_organisation_id=access.case.owner_id,
        )
    return victim


def timeline_for_access(*, access: CaseAccess) -> QuerySet[CaseEvent]:
    if not access.shows(SharedPart.TIMELINE):
        return CaseEvent.objects.none()
    return CaseEvent.objects.filter(case=access.case).select_related(
        "actor_user", "actor_organisation"
    )


def tasks_for_access(*, access: CaseAccess) -> QuerySet[Task]:
    if access.via == AccessPath.REFERRAL:
        return Task.objects.none()
    return Task.objects.filter(case=access.case).select_related("assignee")


def emergency_accesses_for_privacy_officer(*, actor: Actor) -> QuerySet[EmergencyAccess]:
    """Break-the-glass accesses by the officer's organisation or into its cases (logged)."""
    if not actor.has(Permission.VIEW_PROCESSING_LOG):
        raise PermissionDenied
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.emergencyaccess",
        object_id=f"organisation:{actor.organisation_id}",
        purpose=Purpose.PRIVACY_SUPERVISION,
        details={"list": "emergency_access"},
    )
    return (
        EmergencyAccess.objects.filter(
            Q(organisation_id=actor.organisation_id) | Q(case__owner_id=actor.organisation_id)
        )
        .select_related("case", "user", "organisation")
        .order_by("-created_at", "-pk")
    )


def task_by_id(task_id: int) -> Task | None:
    """A task with its case, for the task views; callers then check access to the case."""
    return Task.objects.select_related("case").filter(pk=task_id).first()
