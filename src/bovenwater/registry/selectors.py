"""Access-checked reads of registry records (pseudonymised personal data).

Registry records are read only for the HTCDS export, by actors holding
``Permission.EXCHANGE_HTCDS``: national bodies (CoMensha, the Nationaal Rapporteur)
read all registrations, every other organisation only the ones it reported itself.
Every read is written to the processing log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

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


@dataclass(frozen=True)
class RegistrationFilter:
    year: int | None = None
    police_unit: str = ""
    form: str = ""
    minor: str = ""  # "ja", "nee" or "" (all)
    search: str = ""  # the start of a pseudonym or a source reference


def registrations_browse(*, actor: Actor, filters: RegistrationFilter) -> QuerySet[Registration]:
    """Registrations for the registry staff's list, pseudonymised, in the actor's scope.

    The same people may read them as may export them (``EXCHANGE_HTCDS``): CoMensha and
    the Nationaal Rapporteur all of them, any other organisation the ones it reported.
    The caller logs the page it shows with ``registrations_listed``.
    """
    if not actor.has(Permission.EXCHANGE_HTCDS):
        raise PermissionDenied
    rows = registrations_in_scope(actor).select_related(
        "person", "reporting_police_unit", "nationality"
    )
    if filters.year is not None:
        rows = rows.filter(registration_date__year=filters.year)
    if filters.police_unit:
        rows = rows.filter(reporting_police_unit__code=filters.police_unit)
    if filters.form:
        rows = rows.filter(forms__code=filters.form)
    if filters.minor in ("ja", "nee"):
        rows = rows.filter(is_minor=filters.minor == "ja")
    search = filters.search.strip()
    if search:
        rows = rows.filter(
            Q(person__pseudonym__startswith=search.lower()) | Q(source_reference=search)
        )
    return rows.prefetch_related("forms").order_by("-registration_date", "-pk")


def registrations_listed(*, actor: Actor, ids: list[int], filters: RegistrationFilter) -> None:
    """One processing-log entry for a page of the registration list."""
    if ids:
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="registry.registration",
            object_id="list",
            purpose=Purpose.REGISTRATION,
            details={"ids": ids, "filters": {k: str(v) for k, v in filters.__dict__.items() if v}},
        )


def registration_years(*, actor: Actor) -> list[int]:
    if not actor.has(Permission.EXCHANGE_HTCDS):
        raise PermissionDenied
    return sorted(
        {d.year for d in registrations_in_scope(actor).dates("registration_date", "year")},
        reverse=True,
    )


def person_count(rows: QuerySet[Registration]) -> int:
    """How many distinct people a selection of registrations concerns."""
    return rows.order_by().values("person_id").distinct().count()
