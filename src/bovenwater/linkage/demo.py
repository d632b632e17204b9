"""Demo linkage: lists of three organisations in the IJssel-Vecht region, linked.

An invented population of about 400 people (Dutch and non-Dutch names, invented
surnames) is seen by the police team and the care coordination, which contribute their
lists through the platform, and by the IND, which is outside the platform and
contributes a file encoded with ``bovenwater linkage encode`` (the engine, in
process). Each organisation writes names and dates its own way, with typing errors.
CoMensha's regional contact runs the linkage and an estimate from the linked lists,
which the hidden-number page shows beside the estimate from the exact pseudonyms. A
second project lets the police and care coordination ask hit/no-hit questions.
Idempotent: a second seed finds the projects and writes nothing.
"""

from __future__ import annotations

import csv
import io
import random
import zlib
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.estimation.jobs import execute_run as execute_estimate
from bovenwater.linkage import services
from bovenwater.linkage.jobs import execute_run as execute_linkage
from bovenwater.linkage.keys import project_keys
from bovenwater.linkage.models import LinkageProject, ProjectPurpose
from bovenwater.linkage.storage import pack
from bovenwater.pprl.encode import Encoder, Header
from bovenwater.pprl.people import read_people

if TYPE_CHECKING:
    from bovenwater.core.demo import SeedReport

REGION_MUNICIPALITY = "GM0193"  # Zwolle: the IJssel-Vecht demo region
DEMO_SEED = 2026
PEOPLE = 400
ESTIMATE_NAME = "Overlap slachtofferlijsten IJssel-Vecht"
HIT_NAME = "Hit/no-hit IJssel-Vecht"

FIRST = {
    "nl": [
        "Sanne",
        "Lotte",
        "Anouk",
        "Johanna Maria",
        "Cornelis",
        "Jan",
        "Femke",
        "Daan",
        "Iris",
        "Pieter",
        "Willemijn",
        "Hendrik",
    ],
    "ng": ["Blessing", "Precious", "Joy", "Osagie", "Favour", "Mercy", "Godwin", "Esther"],
    "ro": ["Ioana", "Andreea", "Mihai", "Elena", "Florin", "Gabriela"],
    "ua": ["Olena", "Tetiana", "Oleksandr", "Iryna", "Yulia", "Serhiy"],
    "bg": ["Desislava", "Georgi", "Petya", "Ivanka", "Dimitar"],
    "ma": ["Fatima", "Mohammed", "Khadija", "Youssef", "Nadia", "Samira"],
}
SURNAME_PARTS = {
    "nl": (
        ["de ", "van ", "van der ", "", "", ""],
        ["Proef", "Oefen", "Demo", "Schijn", "Ver"],
        ["sma", "stra", "ink", "huis", "man", "veld"],
    ),
    "ng": ([""], ["Osa", "Igbi", "Omo", "Ehi", "Aig"], ["mwen", "nedion", "regie", "gie"]),
    "ro": ([""], ["Pope", "Ione", "Radu", "Stoi", "Munte"], ["scu", "anu", "lescu"]),
    "ua": ([""], ["Шевч", "Ковал", "Бондар", "Ткач", "Мельн"], ["енко", "ук", "ишин"]),
    "bg": ([""], ["Иван", "Петр", "Стоян", "Тодор"], ["ова", "ева", "ов"]),
    "ma": (["El ", "Ben ", ""], ["Amr", "Idriss", "Hadd", "Tah"], ["ani", "aoui", "i"]),
}
ORIGIN_SHARE = (("nl", 0.4), ("ng", 0.2), ("ro", 0.12), ("ua", 0.1), ("bg", 0.08), ("ma", 0.1))
CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "yu",
    "я": "ya",
    "і": "i",
    "ї": "yi",
    "є": "ye",
}
CYRILLIC_NL = {
    **CYRILLIC,
    "ж": "zj",
    "х": "ch",
    "ч": "tsj",
    "ш": "sj",
    "ю": "joe",
    "я": "ja",
    "у": "oe",
    "й": "j",
}


def _person(rng: random.Random, index: int) -> dict[str, str]:
    roll = rng.random()
    origin = "nl"
    for code, share in ORIGIN_SHARE:
        if roll < share:
            origin = code
            break
        roll -= share
    prefixes, stems, endings = SURNAME_PARTS[origin]
    born = date(1975, 1, 1) + timedelta(days=rng.randrange(365 * 32))
    return {
        "origin": origin,
        "first": rng.choice(FIRST[origin]),
        "surname": rng.choice(prefixes) + rng.choice(stems) + rng.choice(endings),
        "born": born.isoformat(),
        "sex": rng.choice(["V", "M"]),
    }


def _variant(person: dict[str, str], style: str, rng: random.Random) -> dict[str, str]:
    surname = person["surname"]
    first = person["first"]
    if person["origin"] in ("ua", "bg"):
        table = CYRILLIC_NL if style == "nl" else CYRILLIC
        surname = "".join(table.get(ch.lower(), ch) for ch in surname).title()
    if style == "upper":
        surname = surname.upper()
    if surname.lower().startswith(("de ", "van ")) and rng.random() < 0.5:
        particle, rest = surname.split(" ", 1)
        surname = f"{rest}, {particle}"
    if rng.random() < 0.05 and len(surname) > 4:  # a typing error
        k = rng.randrange(1, len(surname) - 1)
        surname = surname[:k] + surname[k + 1 :]
    born = date.fromisoformat(person["born"])
    if style == "nl":
        written = f"{born.day:02d}-{born.month:02d}-{born.year}"
    elif style == "upper":
        written = f"{born.day}/{born.month}/{born.year}"
    else:
        written = born.isoformat()
    if rng.random() < 0.03 and born.day <= 12:
        written = f"{born.month:02d}-{born.day:02d}-{born.year}"  # day and month swapped
    return {
        "first_names": first,
        "surname": surname,
        "date_of_birth": written,
        "sex": person["sex"],
    }


def _csv(rows: list[dict[str, str]], prefix: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record_id", "first_names", "surname", "date_of_birth", "sex"])
    for number, row in enumerate(rows, start=1):
        writer.writerow(
            [
                f"{prefix}-{number:05d}",
                row["first_names"],
                row["surname"],
                row["date_of_birth"],
                row["sex"],
            ]
        )
    return out.getvalue()


def demo_lists(seed: int = DEMO_SEED) -> dict[str, str]:
    """People CSVs of the police, the care coordination and the IND (invented people)."""
    rng = random.Random(seed)
    people = [_person(rng, k) for k in range(PEOPLE)]
    seen = {"politie": 0.45, "zorg": 0.35, "ind": 0.30}
    styles = {"politie": "nl", "zorg": "iso", "ind": "upper"}
    lists: dict[str, str] = {}
    for name, share in seen.items():
        rows = [_variant(p, styles[name], rng) for p in people if rng.random() < share]
        lists[name] = _csv(rows, name.upper()[:3])
    return lists


def _actor(username_prefix: str, organisation: Organisation, role: Role) -> Actor | None:
    membership = (
        Membership.objects.filter(
            organisation=organisation, role=role, user__username__startswith=username_prefix
        )
        .select_related("user", "organisation")
        .first()
    )
    return Actor(user=membership.user, membership=membership) if membership else None


def seed(report: SeedReport) -> None:
    if LinkageProject.objects.filter(name=ESTIMATE_NAME).exists():
        return
    orgs = {
        kind: Organisation.objects.filter(kind=kind, municipality__code=REGION_MUNICIPALITY)
        .order_by("pk")
        .first()
        for kind in (
            OrganisationKind.NATIONAL_REGISTRAR,
            OrganisationKind.POLICE,
            OrganisationKind.CARE_COORDINATION,
        )
    }
    if any(o is None for o in orgs.values()):
        return
    registrar = orgs[OrganisationKind.NATIONAL_REGISTRAR]
    police = orgs[OrganisationKind.POLICE]
    care = orgs[OrganisationKind.CARE_COORDINATION]
    assert registrar is not None
    assert police is not None
    assert care is not None
    unit = _actor("demo.analist.", registrar, Role.ANALYST)
    investigator = _actor("demo.opsporing.", police, Role.INVESTIGATOR)
    coordinator = _actor("demo.zorgcoordinator.", care, Role.CARE_COORDINATOR)
    if unit is None or investigator is None or coordinator is None:
        return
    lists = demo_lists()
    year = timezone.now().year - 1
    project = services.project_create(
        actor=unit,
        name=ESTIMATE_NAME,
        year=year,
        purpose=ProjectPurpose.ESTIMATE,
        legal_basis="AVG art. 89 en art. 6 lid 1 sub e (statistiek, taak van CoMensha als "
        "landelijk registratiepunt); convenant ketenpartners IJssel-Vecht (demo).",
        participants=[police, care],
    )
    services.source_upload_people(
        actor=investigator,
        project=project,
        text=lists["politie"],
        contact_route="Team mensenhandel, 0900-8844 (demo)",
    )
    services.source_upload_people(
        actor=coordinator,
        project=project,
        text=lists["zorg"],
        contact_route="Zorgcoördinatie, zorgcoordinatie@demo.bovenwater.invalid",
    )
    # The IND is not on the platform: it encodes its own list offline with the project
    # key (`bovenwater linkage encode`); here the engine does that in process.
    keys = project_keys(project.pk)
    encoder = Encoder(keys)
    people = read_people(lists["ind"])
    header = Header(source="IND", key_fingerprint=keys.fingerprint, records=len(people))
    # the same JSONL as `bovenwater linkage encode` writes
    jsonl = zlib.decompress(pack(header, [(r, encoder.encode(p)) for r, p in people]))
    services.source_upload_encoded(
        actor=unit,
        project=project,
        data=jsonl,
        organisation_kind="IND",
        contact_route="IND, unit mensenhandel (demo)",
    )
    run = services.run_request(actor=unit, project=project, enqueue=False)
    run = execute_linkage(run.pk)
    estimate = services.estimate_from_run(actor=unit, run=run)

    execute_estimate(estimate)
    # hit/no-hit between the police and the care coordination
    hit = services.project_create(
        actor=unit,
        name=HIT_NAME,
        year=year,
        purpose=ProjectPurpose.HIT_NO_HIT,
        legal_basis="Convenant zorg- en veiligheidshuis IJssel-Vecht (demo); per vraag "
        "toestemming of wettelijke grondslag vastgelegd.",
        participants=[police, care],
    )
    services.source_upload_people(
        actor=investigator,
        project=hit,
        text=lists["politie"],
        contact_route="Team mensenhandel, 0900-8844 (demo)",
    )
    services.source_upload_people(
        actor=coordinator,
        project=hit,
        text=lists["zorg"],
        contact_route="Zorgcoördinatie, zorgcoordinatie@demo.bovenwater.invalid",
    )
    report.extra["linkage_projects"] = 2
    report.extra["linkage_records"] = run.summary.get("records", 0)
