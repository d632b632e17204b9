"""Fast registry rows for monitor tests (no pseudonym derivation, no processing log)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from bovenwater.reference.models import (
    ExploitationForm,
    Municipality,
    Nationality,
    PoliceUnit,
    TraffickingMethod,
)
from bovenwater.registry.models import Person, Registration, Source

_persons = itertools.count(1)


@dataclass(frozen=True)
class Spec:
    year: int
    police_unit: str | None
    melder: str
    minor: bool | None
    gender: str
    nationality: str | None
    forms: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    person: int = field(default=0)


def create(specs: list[Spec]) -> list[Registration]:
    units = {p.code: p for p in PoliceUnit.objects.all()}
    nationalities = {n.code: n for n in Nationality.objects.all()}
    forms = {f.code: f for f in ExploitationForm.objects.all()}
    methods = {m.code: m for m in TraffickingMethod.objects.all()}
    places = {m.code: m for m in Municipality.objects.filter(code__in=MUNICIPALITIES)}
    created = []
    for spec in specs:
        number = spec.person or next(_persons)
        person, _ = Person.objects.get_or_create(pseudonym=f"{number:064x}")
        registration = Registration.objects.create(
            person=person,
            registration_date=date(spec.year, 6, 1),
            melder_type=spec.melder,
            reporting_police_unit=units[spec.police_unit] if spec.police_unit else None,
            is_minor=spec.minor,
            gender=spec.gender,
            nationality=nationalities[spec.nationality] if spec.nationality else None,
            is_dutch=None if spec.nationality is None else spec.nationality == "NL",
            source=Source.DEMO,
        )
        registration.forms.set([forms[c] for c in spec.forms])
        registration.methods.set([methods[c] for c in spec.methods])
        registration.crime_municipalities.set([places[c] for c in spec.municipalities])
        created.append(registration)
    return created


UNITS = ("PE-AMSTERDAM", "PE-ROTTERDAM", "PE-LIMBURG")
FORMS = ("SEXUAL", "LABOUR", "CRIMINAL")
METHODS = ("REC-LOVERBOY", "CTL-DEBT-BONDAGE", "CTL-WITHHOLDS-DOCUMENTS")
MUNICIPALITIES = ("GM0363", "GM0599", "GM0935")
MELDERS = ("politie", "zorgcoordinatie", "ngo")
NATIONALITIES = ("NL", "PL", "NG")
GENDERS = ("female", "male")
