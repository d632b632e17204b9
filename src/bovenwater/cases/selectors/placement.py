"""Reads of placements, placement requests and shelter capacity (counts only)."""

from __future__ import annotations

from collections import defaultdict
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
    ShelterCategory,
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
        owns_request(actor=actor, request=request) or is_national_registrar(actor)
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
    """A placement the actor's request has just created (see lib.idempotency.once)."""
    return Placement.objects.select_related("case", "shelter").get(pk=placement_id)


def placement_request_created_by_actor(*, request_id: int) -> PlacementRequest:
    """A placement request the actor's request has just created (see
    lib.idempotency.once)."""
    return PlacementRequest.objects.select_related("case", "region").get(pk=request_id)


# Who may place whom: one rule for the capacity board, the services and the API.


def owns_request(*, actor: Actor, request: PlacementRequest) -> bool:
    """The request is of a case of the actor's organisation, and the actor works on cases."""
    return request.case.owner_id == actor.organisation_id and actor.has(Permission.MANAGE_CASES)


def may_place(*, own: bool, registrar: bool, category: str) -> bool:
    """The owner's case workers place in any shelter but COSM; the national registrar
    (CoMensha) places everywhere, COSM included."""
    return registrar or (own and category != ShelterCategory.COSM)


def shelters_for(*, category: str, region_id: int | None = None) -> QuerySet[Shelter]:
    """Shelters with places of ``category`` (in one region): the choices of a placement."""
    shelters = Shelter.objects.filter(capacities__category=category)
    if region_id is not None:
        shelters = shelters.filter(region_id=region_id)
    return shelters.order_by("name")


def shelters_all() -> QuerySet[Shelter]:
    """Every shelter: the choices of the API's placement (the service checks the place)."""
    return Shelter.objects.all()


@dataclass(frozen=True)
class WaitingRow:
    """A waiting request on the capacity board, with what the actor may do with it."""

    request: PlacementRequest
    own: bool
    can_place: bool
    shelters: list[tuple[int, str]]  # (id, name) of the shelters it can be placed in


def waiting_rows(*, actor: Actor, region_id: int | None, limit: int = 200) -> list[WaitingRow]:
    """The first ``limit`` waiting requests (``waiting_list``, logged) with the shelters
    each could go to: one query for the shelters of all of them."""
    waiting = list(waiting_list(actor=actor, region_id=region_id)[:limit])
    registrar = is_national_registrar(actor)
    choices: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
    keys = {(row.category, row.region_id) for row in waiting}
    if keys:
        capacities = (
            ShelterCapacity.objects.filter(
                category__in={c for c, _r in keys}, shelter__region_id__in={r for _c, r in keys}
            )
            .order_by("shelter__name", "shelter_id")
            .values_list("category", "shelter__region_id", "shelter_id", "shelter__name")
        )
        for category, shelter_region, shelter_id, name in capacities:
            choices[(category, shelter_region)].append((shelter_id, name))
    rows = []
    for request in waiting:
        own = owns_request(actor=actor, request=request)
        rows.append(
            WaitingRow(
                request=request,
                own=own,
                can_place=may_place(own=own, registrar=registrar, category=request.category),
                shelters=choices.get((request.category, request.region_id), []),
            )
        )
    return rows
