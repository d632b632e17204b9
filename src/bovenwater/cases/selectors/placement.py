"""Reads of placements, placement requests and shelter capacity (counts only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_list_read, log_processing, refuse
from bovenwater.cases.models import (
    Placement,
    PlacementRequest,
    PlacementRequestStatus,
    SharedPart,
    Shelter,
    ShelterCapacity,
)
from bovenwater.cases.selectors.access import (
    CaseAccess,
    case_access,
    data_subject,
    is_national_registrar,
    log_object_read,
)


def placements_for_access(*, access: CaseAccess) -> QuerySet[Placement]:
    if not access.shows(SharedPart.PLACEMENTS):
        return Placement.objects.none()
    return Placement.objects.filter(case=access.case).select_related("shelter")


def placement_requests_for_access(*, access: CaseAccess) -> QuerySet[PlacementRequest]:
    if not access.shows(SharedPart.PLACEMENTS):
        return PlacementRequest.objects.none()
    return PlacementRequest.objects.filter(case=access.case).select_related("region")


def placement_get_for_actor(*, actor: Actor, placement_id: int) -> Placement:
    placement = Placement.objects.select_related("case", "shelter").filter(pk=placement_id).first()
    access = case_access(actor=actor, case=placement.case) if placement is not None else None
    if placement is None or access is None or not access.shows(SharedPart.PLACEMENTS):
        log_object_read(
            actor=actor,
            object_type="cases.placement",
            object_id=placement_id,
            case=None,
            owner_organisation_id=placement.case.owner_id if placement is not None else None,
        )
        raise Http404
    log_object_read(
        actor=actor, object_type="cases.placement", object_id=placement.pk, case=placement.case
    )
    return placement


def placements_list_for_actor(*, actor: Actor) -> QuerySet[Placement]:
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    owned_or_shelter = Q(case__owner_id=actor.organisation_id) | Q(
        shelter__organisation_id=actor.organisation_id
    )
    log_list_read(actor=actor, object_type="cases.placement", purpose=Purpose.CARE_COORDINATION)
    return (
        Placement.objects.filter(owned_or_shelter)
        .select_related("case", "shelter")
        .order_by("-started_on", "-pk")
    )


@dataclass(frozen=True)
class CapacityRow:
    shelter: Shelter
    category: str
    category_label: str
    places: int
    occupied: int

    @property
    def available(self) -> int:
        return max(self.places - self.occupied, 0)


def capacity_board(*, actor: Actor, region_id: int | None) -> list[CapacityRow]:
    if not actor.has(Permission.VIEW_CAPACITY):
        raise PermissionDenied
    capacities = ShelterCapacity.objects.select_related("shelter", "shelter__region")
    if region_id is not None:
        capacities = capacities.filter(shelter__region_id=region_id)
    occupied = {
        (row["shelter_id"], row["category"]): row["n"]
        for row in Placement.objects.filter(departed_on__isnull=True)
        .values("shelter_id", "category")
        .annotate(n=Count("pk"))
    }
    from bovenwater.cases.models import ShelterCategory

    labels = dict(ShelterCategory.choices)
    return [
        CapacityRow(
            shelter=c.shelter,
            category=c.category,
            category_label=str(labels[c.category]),
            places=c.places,
            occupied=occupied.get((c.shelter_id, c.category), 0),
        )
        for c in capacities.order_by("shelter__region__name", "shelter__name", "category")
    ]


def waiting_list(*, actor: Actor, region_id: int | None) -> QuerySet[PlacementRequest]:
    """Waiting placement requests: the region's, or (registrar) all COSM requests."""
    if not actor.has(Permission.VIEW_CAPACITY):
        raise PermissionDenied
    waiting = PlacementRequest.objects.filter(status=PlacementRequestStatus.WAITING).select_related(
        "case", "region", "requesting_organisation"
    )
    if region_id is not None:
        waiting = waiting.filter(region_id=region_id)
    log_list_read(
        actor=actor,
        object_type="cases.placementrequest",
        purpose=Purpose.CARE_COORDINATION,
        details={"list": "waiting", "region": region_id},
    )
    return waiting.order_by("requested_at", "pk")


def placement_requests_of_own_cases(*, actor: Actor) -> QuerySet[PlacementRequest]:
    """Placement requests of the actor's organisation's cases (logged as one list read)."""
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    log_list_read(
        actor=actor, object_type="cases.placementrequest", purpose=Purpose.CARE_COORDINATION
    )
    return (
        PlacementRequest.objects.filter(case__owner_id=actor.organisation_id)
        .select_related("case", "region")
        .order_by("-requested_at", "-pk")
    )


def placement_request_get_for_actor(*, actor: Actor, request_id: int) -> PlacementRequest:
    """A waiting request the actor may act on: its owner's coordinator, or the registrar."""
    request = (
        PlacementRequest.objects.select_related("case", "region").filter(pk=request_id).first()
    )
    allowed = request is not None and (
        (request.case.owner_id == actor.organisation_id and actor.has(Permission.MANAGE_CASES))
        or is_national_registrar(actor)
    )
    if request is None or not allowed:
        raise refuse(
            actor=actor,
            object_type="cases.placementrequest",
            object_id=request_id,
            purpose=Purpose.CARE_COORDINATION,
            owner_organisation_id=request.case.owner_id if request is not None else None,
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.placementrequest",
        object_id=request.pk,
        data_subject=data_subject(request.case),
        purpose=Purpose.CARE_COORDINATION,
        owner_organisation_id=request.case.owner_id,
    )
    return request


def placement_created_by_actor(*, placement_id: int) -> Placement:
    """A placement the actor's request has just created (see services.idempotent_create)."""
    return Placement.objects.select_related("case", "shelter").get(pk=placement_id)
