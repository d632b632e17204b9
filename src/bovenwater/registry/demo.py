"""Demo registrations 2015-2025, modelled on the published national figures.

Yearly totals, and shares by form, melder, minors and nationality follow the figures
of the Nationaal Rapporteur and CoMensha (``../shared/domain/facts.md`` §2.2), with
plausible values where nothing was published (2022, 2024, 2025). Every one of the 342
municipalities appears as plaats delict. About one registration in twenty is a person
already registered by another kind of melder, so the lists overlap as a hidden-number
estimate needs. Everything is fictitious; a fixed seed makes it reproducible.
Idempotent: a second run finds the demo registrations and only refills the counts.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.db import connection, transaction
from django.utils import timezone

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

if TYPE_CHECKING:
    from bovenwater.core.demo import SeedReport

T = TypeVar("T")

# year: (total, share sexual, share police, share minors); facts.md §2.2
YEARS: dict[int, tuple[int, float, float, float]] = {
    2015: (1150, 0.60, 0.50, 0.25),
    2016: (952, 0.58, 0.49, 0.24),
    2017: (958, 0.58, 0.45, 0.20),
    2018: (668, 0.69, 0.79, 0.09),
    2019: (1334, 0.64, 0.71, 0.08),
    2020: (984, 0.41, 0.55, 0.07),
    2021: (791, 0.60, 0.45, 0.07),
    2022: (830, 0.55, 0.40, 0.06),
    2023: (868, 0.52, 0.35, 0.06),
    2024: (1060, 0.50, 0.31, 0.06),
    2025: (1000, 0.50, 0.31, 0.06),
}
# Other melders share what the police do not report (2024 mix: ZC 301, FairWork 257, NLA 71, KMar 67).
OTHER_MELDERS: dict[str, float] = {
    MelderType.CARE_COORDINATION: 0.40,
    MelderType.NGO: 0.30,
    MelderType.LABOUR_INSPECTORATE: 0.10,
    MelderType.KMAR: 0.09,
    MelderType.SHELTER: 0.06,
    MelderType.OTHER: 0.05,
}
NATIONALITIES: dict[str, float] = {
    "NL": 0.30, "NG": 0.10, "PL": 0.07, "RO": 0.07, "BG": 0.05, "HU": 0.04, "UG": 0.03,
    "VN": 0.03, "UA": 0.03, "GM": 0.02, "CN": 0.02, "BR": 0.02, "CO": 0.02, "MA": 0.02,
    "ER": 0.02, "TH": 0.01, "IN": 0.01, "SY": 0.01, "DO": 0.01, "VE": 0.01, "": 0.04,
}  # fmt: skip
UNITS: dict[str, float] = {
    "PE-AMSTERDAM": 0.14, "PE-ROTTERDAM": 0.14, "PE-DEN-HAAG": 0.12, "PE-MIDDEN-NEDERLAND": 0.10,
    "PE-OOST-NEDERLAND": 0.16, "PE-NOORD-NEDERLAND": 0.08, "PE-NOORD-HOLLAND": 0.08,
    "PE-OOST-BRABANT": 0.07, "PE-ZEELAND-WEST-BRABANT": 0.06, "PE-LIMBURG": 0.05,
}  # fmt: skip
BIG_CITIES = {"GM0363": 12, "GM0599": 10, "GM0518": 8, "GM0344": 6, "GM0772": 4, "GM0014": 3}
METHODS: dict[str, dict[str, float]] = {
    "SEXUAL": {
        "REC-LOVERBOY": 0.30, "REC-SOCIAL-NETWORKS": 0.20, "REC-ADVERT": 0.10,
        "REC-FRIENDS": 0.10, "CTL-PSYCHOLOGICAL-ABUSE": 0.40, "CTL-TAKES-EARNINGS": 0.40,
        "CTL-PHYSICAL-THREATS": 0.20, "CTL-SEXUAL-ABUSE": 0.15, "CTL-SUBSTANCES": 0.10,
    },
    "LABOUR": {
        "REC-BUSINESS": 0.40, "REC-ADVERT": 0.20, "REC-FAMILY": 0.05, "CTL-DEBT-BONDAGE": 0.40,
        "CTL-WITHHOLDS-DOCUMENTS": 0.30, "CTL-EXCESSIVE-HOURS": 0.40, "CTL-TAKES-EARNINGS": 0.25,
        "CTL-THREATS-LAW-ENFORCEMENT": 0.15,
    },
    "CRIMINAL": {
        "REC-FRIENDS": 0.30, "REC-SOCIAL-NETWORKS": 0.20, "CTL-DEBT-BONDAGE": 0.30,
        "CTL-PHYSICAL-THREATS": 0.40, "CTL-SUBSTANCES": 0.20, "CTL-THREATENS-FAMILY": 0.15,
    },
}  # fmt: skip
SEX_TYPES: dict[str, float] = {
    SexExploitationType.HOME_HOTEL: 0.45,
    SexExploitationType.ESCORT: 0.30,
    SexExploitationType.ONLINE: 0.10,
    SexExploitationType.WINDOW: 0.07,
    SexExploitationType.CLUB: 0.05,
    SexExploitationType.OTHER: 0.03,
}
# The share of the hidden population the lists reach together: about 1 in 5 victims is
# registered, as the 2017 study found. Persons are drawn until the year's published
# total of registrations is reached.
LIST_REACH = 0.21
THROUGH = {"forms": "forms", "methods": "methods", "places": "crime_municipalities"}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _sample(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(items, weights=weights)[0]


def _forms(rng: random.Random, sexual_share: float) -> list[str]:
    roll = rng.random()
    if roll < 0.05:
        return []
    if roll < 0.05 + sexual_share:
        return ["SEXUAL", "LABOUR"] if rng.random() < 0.04 else ["SEXUAL"]
    rest = rng.random()
    if rest < 0.60:
        return ["LABOUR"]
    if rest < 0.92:
        return ["CRIMINAL"]
    return ["OTHER"]


@transaction.atomic
def seed(report: SeedReport) -> None:
    if not Registration.objects.filter(source=Source.DEMO).exists():
        report.extra["registry_registrations"] = _create()


def _create(scale: float = 1.0) -> int:
    today = timezone.localdate()
    rng = random.Random(2026)
    units = {u.code: u for u in PoliceUnit.objects.all()}
    municipalities = list(Municipality.objects.current().select_related("police_unit"))
    by_unit: dict[str, list[Municipality]] = {}
    for m in municipalities:
        by_unit.setdefault(m.police_unit.code, []).append(m)
    weight = {m.code: 1 + BIG_CITIES.get(m.code, 0) for m in municipalities}
    forms = {f.code: f for f in ExploitationForm.objects.all()}
    methods = {m.code: m for m in TraffickingMethod.objects.all()}
    nationalities = {n.code: n for n in Nationality.objects.all()}
    sectors = list(Sector.objects.exclude(code="SEX-INDUSTRY"))
    pending: list[tuple[Registration, list[str], list[str], list[Municipality]]] = []
    persons: dict[str, Person] = {p.pseudonym: p for p in Person.objects.all()}
    for year, (total, sexual_share, police_share, minor_share) in YEARS.items():
        # Each person of the hidden population is on each melder's list independently
        # (the assumption of the simplest capture-recapture model), so the lists overlap
        # the way a hidden-number estimate needs.
        probabilities = {MelderType.POLICE: police_share * LIST_REACH} | {
            melder: (1 - police_share) * LIST_REACH * share
            for melder, share in OTHER_MELDERS.items()
        }
        target = round(total * scale)
        registered = 0
        for index in itertools.count():
            if registered >= target:
                break
            melders = [melder for melder, p in probabilities.items() if rng.random() < p]
            if not melders:
                continue
            melders = melders[: target - registered]  # the published total, exactly
            registered += len(melders)
            pseudonym = pseudonym_for(
                Identity(f"Demo{year}x{index}", "Voorbeeldpersoon", date(1990, 1, 1), "")
            )
            unit = _pick(rng, UNITS)
            nationality = _pick(rng, NATIONALITIES)
            if year == 2019 and rng.random() < 0.3:
                nationality = "NG"
            minor = rng.random() < minor_share
            if minor and nationality not in ("NL", ""):
                nationality = "NL" if rng.random() < 0.6 else nationality
            age = rng.randint(12, 17) if minor else min(18 + int(rng.expovariate(1 / 9)), 70)
            start_age = age - rng.randint(0, 2)
            start_age = max(10, start_age) if minor else max(MINOR_AGE, start_age)
            form_codes = _forms(rng, sexual_share)
            local = by_unit[unit]
            places: list[Municipality] = []
            if rng.random() > 0.08:
                pool = local if rng.random() < 0.8 else municipalities
                places.append(_sample(rng, pool, [weight[m.code] for m in pool]))
                if rng.random() < 0.1:
                    places.append(rng.choice(municipalities))
            method_codes: list[str] = []
            if rng.random() > 0.15:
                for form in form_codes:
                    for code, p in METHODS.get(form, {}).items():
                        share = p * (1.6 if code == "REC-LOVERBOY" and minor else 1)
                        if rng.random() < share and code not in method_codes:
                            method_codes.append(code)
            gender = _sample(
                rng,
                [Gender.FEMALE, Gender.MALE, Gender.OTHER, Gender.UNKNOWN],
                [
                    0.9 if "SEXUAL" in form_codes else 0.35,
                    0.6 if "SEXUAL" not in form_codes else 0.08,
                    0.01,
                    0.01,
                ],
            )
            person = persons.get(pseudonym)
            if person is None:
                person = persons[pseudonym] = Person(pseudonym=pseudonym)
            for melder in melders:
                day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
                if day > today:
                    day = today - timedelta(days=rng.randrange(30))
                registration = Registration(
                    person=person,
                    registration_date=day,
                    reporting_organisation_name="",
                    melder_type=melder,
                    reporting_police_unit=units[unit],
                    sector=rng.choice(sectors) if "LABOUR" in form_codes else None,
                    sex_exploitation_type=_pick(rng, SEX_TYPES) if "SEXUAL" in form_codes else "",
                    gender=gender,
                    age_at_registration=age,
                    age_at_exploitation_start=start_age,
                    is_minor=start_age < MINOR_AGE,
                    nationality=nationalities.get(nationality),
                    is_dutch=None if not nationality else nationality == "NL",
                    b8_status=B8Status.NOT_APPLICABLE
                    if nationality in ("NL", "")
                    else _sample(
                        rng,
                        [
                            B8Status.OFFERED,
                            B8Status.REFLECTION,
                            B8Status.RESIDENCE_PERMIT,
                            B8Status.REFUSED,
                        ],
                        [0.3, 0.3, 0.25, 0.15],
                    ),
                    source=Source.DEMO,
                )
                pending.append((registration, form_codes, method_codes, places))
    # Every municipality is a plaats delict at least once: add the missing ones as a
    # further place to a registration reported in their police unit.
    used = {m.pk for _r, _f, _m, places in pending for m in places}
    for municipality in municipalities:
        if municipality.pk not in used:
            unit_code = municipality.police_unit.code
            candidates = [p for p in pending if p[0].reporting_police_unit == units[unit_code]]
            rng.choice(candidates or pending)[3].append(municipality)
    Person.objects.bulk_create([p for p in persons.values() if p.pk is None], batch_size=2000)
    for registration, *_rest in pending:
        registration.person_id = registration.person.pk
    Registration.objects.bulk_create([r for r, *_rest in pending], batch_size=2000)
    if any(r.pk is None for r, *_rest in pending):  # backends without RETURNING ids
        ids = list(
            Registration.objects.filter(source=Source.DEMO)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for (registration, *_rest), pk in zip(pending, ids, strict=True):
            registration.pk = pk
    links: dict[str, list[tuple[int, int]]] = {"forms": [], "methods": [], "places": []}
    for registration, form_codes, method_codes, places in pending:
        links["forms"] += [(registration.pk, forms[c].pk) for c in form_codes]
        links["methods"] += [(registration.pk, methods[c].pk) for c in method_codes]
        links["places"] += [(registration.pk, pk) for pk in {p.pk for p in places}]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, field in (
            ("forms", "exploitationform_id"),
            ("methods", "traffickingmethod_id"),
            ("places", "municipality_id"),
        ):
            through = getattr(Registration, THROUGH[name]).through
            table = quote(through._meta.db_table)
            cursor.executemany(
                f"INSERT INTO {table} (registration_id, {quote(field)}) VALUES (%s, %s)",  # noqa: S608
                links[name],
            )
    return len(pending)
