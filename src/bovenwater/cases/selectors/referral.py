"""Reads of referrals and consents."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_list_read
from bovenwater.cases.models import (
    Case,
    Consent,
    Referral,
    ReferralStatus,
)
from bovenwater.cases.selectors.access import AccessPath, CaseAccess, log_object_read


def consents_for_access(*, access: CaseAccess) -> QuerySet[Consent]:
    if access.via == AccessPath.REFERRAL:
        return Consent.objects.none()
    return Consent.objects.filter(case=access.case).select_related("recipient")


def referrals_for_access(*, actor: Actor, access: CaseAccess) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(case=access.case).select_related(
        "to_organisation", "from_organisation", "consent"
    )
    if access.via == AccessPath.REFERRAL:
        referrals = referrals.filter(to_organisation_id=actor.organisation_id)
    return referrals


def waiting_referrals_to(organisation_id: int) -> QuerySet[Referral]:
    return Referral.objects.filter(
        to_organisation_id=organisation_id, status=ReferralStatus.REQUESTED
    ).order_by("-requested_at", "-pk")


def incoming_referrals_for_actor(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals sent to the actor's organisation that wait for an answer (no personal data)."""
    if not actor.has(Permission.VIEW_CASES):
        return Referral.objects.none()
    return waiting_referrals_to(actor.organisation_id).select_related("case", "from_organisation")


def referral_get_for_actor(*, actor: Actor, referral_id: int) -> Referral:
    """A referral the actor's organisation sent or received, else ``Http404`` (logged)."""
    referral = (
        Referral.objects.select_related("case", "to_organisation", "from_organisation", "consent")
        .filter(pk=referral_id)
        .first()
    )
    if (
        referral is None
        or not actor.has(Permission.VIEW_CASES)
        or actor.organisation_id not in (referral.to_organisation_id, referral.case.owner_id)
    ):
        log_object_read(
            actor=actor,
            object_type="cases.referral",
            object_id=referral_id,
            case=None,
            owner_organisation_id=referral.case.owner_id if referral is not None else None,
        )
        raise Http404
    log_object_read(
        actor=actor, object_type="cases.referral", object_id=referral.pk, case=referral.case
    )
    return referral


def referrals_list_for_actor(*, actor: Actor) -> QuerySet[Referral]:
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    log_list_read(actor=actor, object_type="cases.referral", purpose=Purpose.CARE_COORDINATION)
    return (
        Referral.objects.filter(
            Q(to_organisation_id=actor.organisation_id) | Q(case__owner_id=actor.organisation_id)
        )
        .select_related("case", "to_organisation", "from_organisation")
        .order_by("-requested_at", "-pk")
    )


def consent_of_case(*, case: Case, consent_id: int) -> Consent | None:
    """A consent of a case the caller already holds (managed) access to."""
    return (
        Consent.objects.select_related("case", "recipient").filter(pk=consent_id, case=case).first()
    )


def active_consents_of_case(*, case: Case) -> QuerySet[Consent]:
    """Consents not withdrawn, of a case the caller already manages."""
    return Consent.objects.filter(case=case, withdrawn_at__isnull=True).select_related("recipient")


def consent_case_id(consent_id: int) -> int | None:
    """The case a consent belongs to (an id only; the caller then checks access to it)."""
    return Consent.objects.filter(pk=consent_id).values_list("case_id", flat=True).first()
