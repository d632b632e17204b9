"""Reads of administrative measures (regional; municipalities, police and the RIEC only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_list_read, log_processing, refuse
from bovenwater.cases.models import (
    AdministrativeMeasure,
)

MEASURE_ORGANISATION_KINDS = frozenset(
    {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.POLICE,
        OrganisationKind.RIEC,
        OrganisationKind.OTHER,
    }
)


def measures_for_actor(*, actor: Actor) -> QuerySet[AdministrativeMeasure]:
    """Measures in the actor's region, for municipalities, police and the RIEC only
    (logged as a list read)."""
    measures = _measures(actor)
    log_list_read(
        actor=actor,
        object_type="cases.administrativemeasure",
        purpose=Purpose.ADMINISTRATIVE_APPROACH,
    )
    return measures


def _measures(actor: Actor) -> QuerySet[AdministrativeMeasure]:
    if not actor.has(Permission.VIEW_MEASURES):
        raise PermissionDenied
    if actor.organisation.kind not in MEASURE_ORGANISATION_KINDS:
        return AdministrativeMeasure.objects.none()
    return AdministrativeMeasure.objects.filter(
        region_id=actor.organisation.municipality.police_unit_id
    ).select_related("owner", "case")


def measure_get_for_actor(*, actor: Actor, measure_id: int) -> AdministrativeMeasure:
    measure = _measures(actor).filter(pk=measure_id).first()
    if measure is None:
        raise refuse(
            actor=actor,
            object_type="cases.administrativemeasure",
            object_id=measure_id,
            purpose=Purpose.ADMINISTRATIVE_APPROACH,
            owner_organisation_id=AdministrativeMeasure.objects.filter(pk=measure_id)
            .values_list("owner_id", flat=True)
            .first(),
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.administrativemeasure",
        object_id=measure.pk,
        purpose=Purpose.ADMINISTRATIVE_APPROACH,
    )
    return measure
