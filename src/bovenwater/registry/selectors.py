"""Access-checked reads of registry records (pseudonymised personal data).

Registry records are read only for the HTCDS export, by actors holding
``Permission.EXCHANGE_HTCDS``: national bodies (CoMensha, the Nationaal Rapporteur)
read all registrations, every other organisation only the ones it reported itself.
Every read is written to the processing log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.registry.models import Registration

NATIONAL_KINDS = frozenset(
    {OrganisationKind.NATIONAL_REGISTRAR, OrganisationKind.NATIONAL_RAPPORTEUR}
)


def registrations_in_scope(actor: Actor) -> QuerySet[Registration]:
    registrations = Registration.objects.all()
    if actor.organisation.kind in NATIONAL_KINDS:
        return registrations
    return registrations.filter(reporting_organisation_id=actor.organisation_id)


def registrations_for_export(
    *, actor: Actor, purpose: Purpose, year: int | None = None
) -> QuerySet[Registration]:
    if not actor.has(Permission.EXCHANGE_HTCDS):
        raise PermissionDenied
    registrations = (
        registrations_in_scope(actor)
        .select_related("person", "reporting_police_unit", "sector", "nationality")
        .prefetch_related("forms", "methods", "crime_municipalities")
        .order_by("pk")
    )
    if year is not None:
        registrations = registrations.filter(registration_date__year=year)
    log_processing(
        actor=actor,
        action=Action.EXPORT,
        object_type="registry.registration",
        object_id=f"htcds:{year or 'all'}",
        purpose=purpose,
        details={"format": "htcds-csv", "count": registrations.count()},
    )
    return registrations


def registration_count_for_actor(*, actor: Actor) -> int:
    """How many registrations the actor's scope holds (a number, not logged)."""
    if not actor.has(Permission.EXCHANGE_HTCDS):
        raise PermissionDenied
    return registrations_in_scope(actor).count()
