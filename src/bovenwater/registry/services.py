"""The one write path of the national registration.

``registration_create`` is what the cases hand-off, the CSV/XLSX import and the HTCDS
import call. Identifying fields in :class:`RegistrationInput` only derive the person
pseudonym (:mod:`bovenwater.registry.pseudonym`) and are never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.reference.models import (
    ExploitationForm,
    Municipality,
    Nationality,
    PoliceUnit,
    Sector,
    TraffickingMethod,
)
from bovenwater.registry.models import (
    MINOR_AGE,
    B8Status,
    Gender,
    MelderType,
    Person,
    Registration,
    SexExploitationType,
    Source,
)
from bovenwater.registry.pseudonym import Identity, pseudonym_for
from bovenwater.registry.signals import announce_new_registrations

DUTCH = "NL"

MELDER_FOR_KIND: dict[str, MelderType] = {
    OrganisationKind.POLICE: MelderType.POLICE,
    OrganisationKind.KMAR: MelderType.KMAR,
    OrganisationKind.LABOUR_INSPECTORATE: MelderType.LABOUR_INSPECTORATE,
    OrganisationKind.CARE_COORDINATION: MelderType.CARE_COORDINATION,
    OrganisationKind.NGO: MelderType.NGO,
    OrganisationKind.SHELTER: MelderType.SHELTER,
}


def melder_type_for(organisation: Organisation) -> MelderType:
    return MELDER_FOR_KIND.get(organisation.kind, MelderType.OTHER)


@dataclass(frozen=True)
class RegistrationInput:
    """One registration: the fields of the registry plus identifying fields (not stored).

    Reference values are given by their stable codes: police unit ``PE-...``,
    municipalities ``GM....``, forms (``SEXUAL``, ``LABOUR``, ...), sector, methods
    (``REC-LOVERBOY``, ``CTL-DEBT-BONDAGE``, ...), nationality ISO 3166 alpha-2.
    ``melder_type`` and ``reporting_police_unit_code`` default to what the reporting
    organisation's kind and municipality imply; ``age_at_registration`` defaults to the
    age on ``registration_date`` computed from ``date_of_birth``.
    """

    registration_date: date
    # Identifying fields: only for the pseudonym, never stored.
    first_names: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    # Registry fields.
    reporting_organisation: Organisation | None = None
    reporting_organisation_name: str = ""
    melder_type: str = ""
    reporting_police_unit_code: str = ""
    crime_municipality_codes: Sequence[str] = ()
    form_codes: Sequence[str] = ()
    sector_code: str = ""
    sex_exploitation_type: str = ""
    method_codes: Sequence[str] = ()
    gender: str = Gender.UNKNOWN
    age_at_registration: int | None = None
    age_at_exploitation_start: int | None = None
    nationality_code: str = ""
    b8_status: str = B8Status.UNKNOWN
    # A pseudonym computed elsewhere (HTCDS import of already pseudonymised data).
    pseudonym: str = ""


@dataclass
class ResolvedRegistration:
    fields: dict[str, Any]
    pseudonym: str
    municipalities: list[Municipality] = field(default_factory=list)
    forms: list[ExploitationForm] = field(default_factory=list)
    methods: list[TraffickingMethod] = field(default_factory=list)


class ReferenceIndex:
    """Code -> reference entry maps, loaded once (imports resolve many rows)."""

    def __init__(self) -> None:
        self.police_units = {p.code: p for p in PoliceUnit.objects.all()}
        self.municipalities = {m.code: m for m in Municipality.objects.all()}
        self.forms = {f.code: f for f in ExploitationForm.objects.all()}
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.methods = {m.code: m for m in TraffickingMethod.objects.all()}
        self.nationalities = {n.code: n for n in Nationality.objects.all()}
        self._municipalities_by_id = {m.pk: m for m in self.municipalities.values()}

    def municipality_by_id(self, pk: int) -> Municipality | None:
        return self._municipalities_by_id.get(pk)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _codes(
    values: Iterable[str], known: dict[str, Any], label: str, errors: dict[str, list[str]], key: str
) -> list[Any]:
    found = []
    for raw in values:
        code = raw.strip().upper()
        if not code:
            continue
        entry = known.get(code)
        if entry is None:
            errors.setdefault(key, []).append(
                _("Onbekende code voor %(label)s: %(code)s") % {"label": label, "code": raw}
            )
        elif entry not in found:
            found.append(entry)
    return found


def resolve_registration(data: RegistrationInput, index: ReferenceIndex) -> ResolvedRegistration:
    """Validate ``data`` against the reference data; raise ``ValidationError`` per field."""
    errors: dict[str, list[str]] = {}
    organisation = data.reporting_organisation
    melder = data.melder_type or (melder_type_for(organisation) if organisation else "")
    if melder not in MelderType.values:
        errors.setdefault("melder_type", []).append(
            _("Onbekende soort melder: %(code)s") % {"code": melder or "-"}
        )
    unit_code = data.reporting_police_unit_code.strip().upper()
    unit: PoliceUnit | None = None
    if unit_code:
        unit = index.police_units.get(unit_code)
        if unit is None:
            errors.setdefault("reporting_police_unit_code", []).append(
                _("Onbekende politie-eenheid: %(code)s") % {"code": unit_code}
            )
    elif organisation is not None and organisation.municipality_id is not None:
        municipality = index.municipality_by_id(organisation.municipality_id)
        unit = municipality.police_unit if municipality else None
    municipalities = _codes(
        data.crime_municipality_codes,
        index.municipalities,
        _("plaats delict"),
        errors,
        "crime_municipality_codes",
    )
    forms = _codes(data.form_codes, index.forms, _("uitbuitingsvorm"), errors, "form_codes")
    methods = _codes(data.method_codes, index.methods, _("methode"), errors, "method_codes")
    sectors = _codes(
        [data.sector_code] if data.sector_code else [],
        index.sectors,
        _("sector"),
        errors,
        "sector_code",
    )
    nationalities = _codes(
        [data.nationality_code] if data.nationality_code else [],
        index.nationalities,
        _("nationaliteit"),
        errors,
        "nationality_code",
    )
    if data.sex_exploitation_type and data.sex_exploitation_type not in SexExploitationType.values:
        errors.setdefault("sex_exploitation_type", []).append(
            _("Onbekende soort seksuele uitbuiting: %(code)s")
            % {"code": data.sex_exploitation_type}
        )
    if data.gender not in Gender.values:
        errors.setdefault("gender", []).append(
            _("Onbekend gender: %(code)s") % {"code": data.gender}
        )
    if data.b8_status not in B8Status.values:
        errors.setdefault("b8_status", []).append(
            _("Onbekende B8-status: %(code)s") % {"code": data.b8_status}
        )
    if data.registration_date > timezone.localdate():
        errors.setdefault("registration_date", []).append(
            _("De registratiedatum ligt in de toekomst.")
        )
    age = data.age_at_registration
    if age is None and data.date_of_birth is not None:
        age = _age_on(data.date_of_birth, data.registration_date)
    for key, value in (
        ("age_at_registration", age),
        ("age_at_exploitation_start", data.age_at_exploitation_start),
    ):
        if value is not None and not 0 <= value <= 120:
            errors.setdefault(key, []).append(_("Leeftijd moet tussen 0 en 120 liggen."))
    if (
        age is not None
        and data.age_at_exploitation_start is not None
        and data.age_at_exploitation_start > age
    ):
        errors.setdefault("age_at_exploitation_start", []).append(
            _("De leeftijd bij begin van de uitbuiting is hoger dan bij registratie.")
        )
    pseudonym = data.pseudonym.strip().lower()
    if pseudonym:
        if len(pseudonym) != 64 or any(c not in "0123456789abcdef" for c in pseudonym):
            errors.setdefault("pseudonym", []).append(
                _("Een pseudoniem bestaat uit 64 hexadecimale tekens.")
            )
    elif not (data.last_name.strip() and data.date_of_birth):
        errors.setdefault("last_name", []).append(
            _("Achternaam en geboortedatum zijn nodig om een pseudoniem te maken.")
        )
    if errors:
        raise ValidationError(errors)
    nationality = nationalities[0] if nationalities else None
    if not pseudonym:
        pseudonym = pseudonym_for(
            Identity(
                first_names=data.first_names,
                last_name=data.last_name,
                date_of_birth=data.date_of_birth,
                nationality_code=nationality.code if nationality else "",
            )
        )
    minor_age = (
        data.age_at_exploitation_start if data.age_at_exploitation_start is not None else age
    )
    return ResolvedRegistration(
        pseudonym=pseudonym,
        municipalities=municipalities,
        forms=forms,
        methods=methods,
        fields={
            "registration_date": data.registration_date,
            "reporting_organisation": organisation,
            "reporting_organisation_name": data.reporting_organisation_name
            or (organisation.name if organisation else ""),
            "melder_type": melder,
            "reporting_police_unit": unit,
            "sector": sectors[0] if sectors else None,
            "sex_exploitation_type": data.sex_exploitation_type,
            "gender": data.gender,
            "age_at_registration": age,
            "age_at_exploitation_start": data.age_at_exploitation_start,
            "is_minor": None if minor_age is None else minor_age < MINOR_AGE,
            "nationality": nationality,
            "is_dutch": None if nationality is None else nationality.code == DUTCH,
            "b8_status": data.b8_status,
        },
    )


def _check_source(actor: Actor, source: str) -> None:
    if source not in Source.values:
        raise ValueError(f"unknown registration source {source!r}")
    if source in (Source.IMPORT, Source.HTCDS) and not actor.has(Permission.IMPORT_REGISTRATIONS):
        raise PermissionDenied


def _write(
    resolved: ResolvedRegistration, *, source: str, source_reference: str
) -> tuple[Registration, bool]:
    person, _created = Person.objects.get_or_create(pseudonym=resolved.pseudonym)
    registration = Registration.objects.create(
        person=person, source=source, source_reference=source_reference, **resolved.fields
    )
    registration.crime_municipalities.set(resolved.municipalities)
    registration.forms.set(resolved.forms)
    registration.methods.set(resolved.methods)
    return registration, _created


@transaction.atomic
def registration_create(
    *, actor: Actor, data: RegistrationInput, source: str, source_reference: str = ""
) -> Registration:
    """Register one (possible) victim; idempotent per (``source``, ``source_reference``).

    The caller decides whether the actor may register (the cases hand-off checks its
    own permissions); without a reporting organisation the actor's organisation is the
    melder. Imports need ``Permission.IMPORT_REGISTRATIONS``. Raises
    ``ValidationError`` (Dutch messages per field) for unknown codes or bad values and
    ``PseudonymKeyMissing`` when no ``PSEUDONYM_KEY`` is configured.
    """
    _check_source(actor, source)
    if source_reference:
        existing = Registration.objects.filter(
            source=source, source_reference=source_reference
        ).first()
        if existing is not None:
            return existing
    if data.reporting_organisation is None and not data.reporting_organisation_name:
        data = replace(data, reporting_organisation=actor.organisation)
    resolved = resolve_registration(data, ReferenceIndex())
    registration, new_person = _write(resolved, source=source, source_reference=source_reference)
    transaction.on_commit(announce_new_registrations, robust=True)
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="registry.registration",
        object_id=registration.pk,
        data_subject=f"person:{registration.person_id}",
        purpose=Purpose.REGISTRATION,
        details={"source": source, "new_person": new_person},
    )
    return registration


@transaction.atomic
def registrations_import(
    *, actor: Actor, rows: Sequence[ResolvedRegistration], source: str, file_name: str
) -> list[Registration]:
    """Write already validated rows, all in one transaction, with one log entry."""
    _check_source(actor, source)
    created = [_write(row, source=source, source_reference="")[0] for row in rows]
    transaction.on_commit(announce_new_registrations, robust=True)
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="registry.registration",
        object_id=f"import:{file_name}"[:100],
        purpose=Purpose.REGISTRATION,
        details={"source": source, "count": len(created), "file": file_name[:100]},
    )
    return created
