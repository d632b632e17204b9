"""The beheerder's view of its own organisation's shelters and their capacity (counts only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_list_read, refuse
from bovenwater.cases.models import Placement, ShelterCapacity, ShelterCategory


@dataclass(frozen=True)
class OwnCapacity:
    capacity_id: int
    shelter_name: str
    category_label: str
    places: int
    occupied: int


def own_shelter_capacities(*, actor: Actor) -> list[OwnCapacity]:
    """Every category of every shelter of the actor's organisation, with its places and
    the places taken now. Which categories a shelter has is the platform's business."""
    if not actor.has(Permission.MANAGE_ORGANISATION):
        raise PermissionDenied
    capacities = ShelterCapacity.objects.select_related("shelter").filter(
        shelter__organisation_id=actor.organisation_id
    )
    occupied = {
        (row["shelter_id"], row["category"]): row["n"]
        for row in Placement.objects.filter(
            departed_on__isnull=True, shelter__organisation_id=actor.organisation_id
        )
        .values("shelter_id", "category")
        .annotate(n=Count("pk"))
    }
    log_list_read(
        actor=actor, object_type="cases.sheltercapacity", purpose=Purpose.ORGANISATION_MANAGEMENT
    )
    labels = dict(ShelterCategory.choices)
    return [
        OwnCapacity(
            capacity_id=c.pk,
            shelter_name=c.shelter.name,
            category_label=str(labels.get(c.category, c.category)),
            places=c.places,
            occupied=occupied.get((c.shelter_id, c.category), 0),
        )
        for c in capacities.order_by("shelter__name", "category")
    ]


def own_shelter_capacity(*, actor: Actor, capacity_id: int) -> ShelterCapacity:
    """One capacity row of the actor's organisation's shelters; another organisation's
    answers 404 as a missing one would, and the attempt is logged for its owner too."""
    capacity = ShelterCapacity.objects.select_related("shelter").filter(pk=capacity_id).first()
    owner = capacity.shelter.organisation_id if capacity is not None else None
    if (
        capacity is None
        or owner != actor.organisation_id
        or not actor.has(Permission.MANAGE_ORGANISATION)
    ):
        raise refuse(
            actor=actor,
            object_type="cases.sheltercapacity",
            object_id=capacity_id,
            purpose=Purpose.ORGANISATION_MANAGEMENT,
            owner_organisation_id=owner,
        )
    return capacity
