"""Access-checked reads of registry records (pseudonymised personal data).

Registry records are read only for the HTCDS export, by actors holding
``Permission.EXCHANGE_HTCDS``: national bodies (CoMensha, the Nationaal Rapporteur)
read all registrations, every other organisation only the ones it reported itself.
Every read is written to the processing log.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
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
    """One processing-log entry for a page of the registration list (also an empty one:
    a search that finds nothing is a look into the registry too)."""
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


# Pseudonymous statistics for the monitor and estimation (system reads, no actor: the
# rows carry no identifying field, only what is counted).


@dataclass(frozen=True)
class CountedRegistration:
    """What the monitor counts of one registration."""

    pk: int
    registration_date: datetime.date
    police_unit_code: str | None
    melder_type: str
    is_minor: bool | None
    gender: str
    is_dutch: bool | None
    nationality_code: str | None
    created_at: datetime.datetime
    forms: tuple[str, ...]
    methods: tuple[str, ...]
    municipalities: tuple[str, ...]


def _codes(through: type, column: str, ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        through.objects.filter(registration_id__in=ids)  # type: ignore[attr-defined]
        .values_list("registration_id", f"{column}__code")
        .order_by("registration_id", f"{column}__code")
    )
    for registration_id, code in rows:
        found[registration_id].append(code)
    return {key: tuple(values) for key, values in found.items()}


def registrations_after(last_id: int, batch: int) -> list[CountedRegistration]:
    """At most ``batch`` registrations with an id above ``last_id``, in id order."""
    rows = list(
        Registration.objects.filter(pk__gt=last_id)
        .order_by("pk")
        .values(
            "pk",
            "registration_date",
            "reporting_police_unit__code",
            "melder_type",
            "is_minor",
            "gender",
            "is_dutch",
            "nationality__code",
            "created_at",
        )[:batch]
    )
    ids = [row["pk"] for row in rows]
    forms = _codes(Registration.forms.through, "exploitationform", ids)
    methods = _codes(Registration.methods.through, "traffickingmethod", ids)
    places = _codes(Registration.crime_municipalities.through, "municipality", ids)
    return [
        CountedRegistration(
            pk=row["pk"],
            registration_date=row["registration_date"],
            police_unit_code=row["reporting_police_unit__code"],
            melder_type=row["melder_type"],
            is_minor=row["is_minor"],
            gender=row["gender"],
            is_dutch=row["is_dutch"],
            nationality_code=row["nationality__code"],
            created_at=row["created_at"],
            forms=forms.get(row["pk"], ()),
            methods=methods.get(row["pk"], ()),
            municipalities=places.get(row["pk"], ()),
        )
        for row in rows
    ]


def overlap_rows() -> QuerySet[Registration, tuple[int, int, str]]:
    """(year, person id, reporting organisation type) of every registration, distinct:
    the input of the overlap tables of a national estimate."""
    return Registration.objects.values_list(
        "registration_date__year", "person_id", "melder_type"
    ).distinct()
