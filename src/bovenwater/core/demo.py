"""A believable, fictional demo region: organisations of every kind, one account per role.

Four police units (Oost-Nederland, Rotterdam, Amsterdam, Limburg), each with an
organisation of every kind and one demo account for every role. All people are
invented; their surnames say so (Voorbeeld, Proefsma, ...). Seeding is idempotent:
a second run finds everything in place and writes nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from bovenwater.accounts import services
from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.reference.models import Municipality


@dataclass(frozen=True)
class DemoRegion:
    slug: str
    police_unit: str
    municipality_code: str  # the centre municipality (centrumgemeente)
    city: str
    area: str  # a regional name for organisations


REGIONS: tuple[DemoRegion, ...] = (
    DemoRegion("oost", "Oost-Nederland", "GM0193", "Zwolle", "IJssel-Vecht"),
    DemoRegion("rotterdam", "Rotterdam", "GM0599", "Rotterdam", "Rijnmond"),
    DemoRegion("amsterdam", "Amsterdam", "GM0363", "Amsterdam", "Amstelland"),
    DemoRegion("limburg", "Limburg", "GM0935", "Maastricht", "Zuid-Limburg"),
)

ORGANISATION_NAMES: dict[OrganisationKind, str] = {
    OrganisationKind.MUNICIPALITY: "Gemeente {city}",
    OrganisationKind.POLICE: "Politie {unit} — team mensenhandel",
    OrganisationKind.KMAR: "Koninklijke Marechaussee — brigade {area}",
    OrganisationKind.LABOUR_INSPECTORATE: "Nederlandse Arbeidsinspectie — regio {area}",
    OrganisationKind.PROSECUTION: "Openbaar Ministerie — parket {area}",
    OrganisationKind.CARE_COORDINATION: "Zorgcoördinatie mensenhandel {area}",
    OrganisationKind.SHELTER: "Opvanghuis De Vuurtoren {city}",
    OrganisationKind.NATIONAL_REGISTRAR: "CoMensha — regiocontact {area}",
    OrganisationKind.YOUTH_CARE: "Veilig Thuis {area}",
    OrganisationKind.SOCIAL_CARE: "Stichting Wegwijzer {city}",
    OrganisationKind.EDUCATION: "Het Stadscollege {city}",
    OrganisationKind.NGO: "Stichting Lichtbaken {area}",
    OrganisationKind.IMMIGRATION: "IND — loket {city}",
    OrganisationKind.NATIONAL_RAPPORTEUR: "Nationaal Rapporteur — onderzoeksteam {area}",
    OrganisationKind.RIEC: "RIEC {unit}",
}

# Which kind of organisation each demo role works in.
ROLE_HOME: dict[Role, OrganisationKind] = {
    Role.SIGNALLER: OrganisationKind.MUNICIPALITY,
    Role.CONTACT_OFFICER: OrganisationKind.MUNICIPALITY,
    Role.CARE_COORDINATOR: OrganisationKind.CARE_COORDINATION,
    Role.CHAIN_DIRECTOR: OrganisationKind.MUNICIPALITY,
    Role.INVESTIGATOR: OrganisationKind.POLICE,
    Role.ANALYST: OrganisationKind.RIEC,
    Role.POLICY_OFFICER: OrganisationKind.MUNICIPALITY,
    Role.CHAT_HELPER: OrganisationKind.NGO,
    Role.PRIVACY_OFFICER: OrganisationKind.MUNICIPALITY,
    Role.ADMINISTRATOR: OrganisationKind.MUNICIPALITY,
}

ROLE_SLUG: dict[Role, str] = {
    Role.SIGNALLER: "signaleerder",
    Role.CONTACT_OFFICER: "aandachtsfunctionaris",
    Role.CARE_COORDINATOR: "zorgcoordinator",
    Role.CHAIN_DIRECTOR: "ketenregisseur",
    Role.INVESTIGATOR: "opsporing",
    Role.ANALYST: "analist",
    Role.POLICY_OFFICER: "beleid",
    Role.CHAT_HELPER: "chathulp",
    Role.PRIVACY_OFFICER: "fg",
    Role.ADMINISTRATOR: "beheerder",
}

FIRST_NAMES = (
    "Femke",
    "Joost",
    "Anouk",
    "Bram",
    "Sanne",
    "Thijs",
    "Lotte",
    "Ruben",
    "Noor",
    "Daan",
    "Ilse",
    "Sven",
    "Marloes",
    "Jeroen",
    "Esra",
    "Kees",
    "Yara",
    "Wouter",
    "Fleur",
    "Mehmet",
)
SURNAMES = (
    "Voorbeeld",
    "Proefsma",
    "Oefenaar",
    "Demonstra",
    "Testerink",
    "Fictiefsma",
    "Schijnvoet",
    "Verzinsel",
    "van Denkbeeld",
    "de Proefmaker",
    "Nagebootst",
    "Oefenhuis",
)


# Apps add their demo data after the organisations and accounts exist. Each module
# has ``seed(report: SeedReport) -> None``, must be idempotent, and adds its counts
# to ``report.extra``.
DEMO_STEPS: tuple[str, ...] = (
    "bovenwater.kompas.demo",
    "bovenwater.intake.demo",
    "bovenwater.cases.demo",
    "bovenwater.registry.demo",
    "bovenwater.monitor.demo",
    "bovenwater.estimation.demo",
    "bovenwater.linkage.demo",
    "bovenwater.webscan.demo",
    "bovenwater.chat.demo",
)


@dataclass
class SeedReport:
    organisations_created: int = 0
    users_created: int = 0
    memberships_created: int = 0
    created_usernames: list[str] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)


def demo_username(region: DemoRegion, role: Role) -> str:
    return f"demo.{ROLE_SLUG[role]}.{region.slug}"


def _person_name(index: int) -> tuple[str, str]:
    return FIRST_NAMES[index % len(FIRST_NAMES)], SURNAMES[(index * 7) % len(SURNAMES)]


@transaction.atomic
def seed_demo() -> SeedReport:
    if not settings.DEMO_MODE:
        raise RuntimeError("The demo region is seeded only in demo mode (DEMO_MODE=true).")
    report = SeedReport()
    password_hash = make_password(settings.DEMO_PASSWORD)  # hashed once for all demo accounts
    index = 0
    for region in REGIONS:
        municipality = Municipality.objects.select_related("police_unit").get(
            code=region.municipality_code
        )
        organisations: dict[OrganisationKind, Organisation] = {}
        for kind, pattern in ORGANISATION_NAMES.items():
            name = pattern.format(city=region.city, unit=region.police_unit, area=region.area)
            organisation = Organisation.objects.filter(name=name).first()
            if organisation is None:
                organisation = services.organisation_create(
                    name=name,
                    kind=kind,
                    municipality=municipality,
                    service_area=list(
                        Municipality.objects.filter(police_unit=municipality.police_unit)
                    )
                    if kind != OrganisationKind.MUNICIPALITY
                    else None,
                    email=f"{kind.value.replace('_', '-')}.{region.slug}@demo.bovenwater.invalid",
                )
                report.organisations_created += 1
            organisations[kind] = organisation
        for role, home in ROLE_HOME.items():
            index += 1
            username = demo_username(region, role)
            user = User.objects.filter(username=username).first()
            if user is None:
                first, last = _person_name(index)
                user = services.user_create(
                    username=username,
                    password=None,
                    password_hash=password_hash,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@demo.bovenwater.invalid",
                )
                services.totp_device_set_known_secret(
                    user=user, secret_base32=settings.DEMO_TOTP_SECRET
                )
                report.users_created += 1
                report.created_usernames.append(username)
            if not Membership.objects.filter(
                user=user, organisation=organisations[home], role=role
            ).exists():
                services.membership_add(user=user, organisation=organisations[home], role=role)
                report.memberships_created += 1
        # A chain director also works as analyst at the RIEC: one person, two organisations.
        director = User.objects.get(username=demo_username(region, Role.CHAIN_DIRECTOR))
        if not Membership.objects.filter(
            user=director, organisation=organisations[OrganisationKind.RIEC], role=Role.ANALYST
        ).exists():
            services.membership_add(
                user=director, organisation=organisations[OrganisationKind.RIEC], role=Role.ANALYST
            )
            report.memberships_created += 1
    _analysts_at_the_registrar(report)
    _privacy_officers_everywhere(report)
    _platform_accounts(report, password_hash)
    for step in DEMO_STEPS:
        importlib.import_module(step).seed(report)
    return report


PLATFORM_ORGANISATION = "Bovenwater platformbeheer"
PLATFORM_ACCOUNTS: tuple[tuple[str, Role, str, str], ...] = (
    # The one platform administrator: routing rules, organisations, shelter categories,
    # reference data (/beheer/). Organisation beheerders are not admin staff.
    ("demo.platformbeheerder", Role.PLATFORM_ADMINISTRATOR, "Pieter", "Platformsma"),
    # The platform's privacy officer reads the log of every configuration change.
    ("demo.fg.platform", Role.PRIVACY_OFFICER, "Fatima", "Toezichtsma"),
)


def _platform_accounts(report: SeedReport, password_hash: str) -> None:
    organisation = Organisation.objects.filter(name=PLATFORM_ORGANISATION).first()
    if organisation is None:
        organisation = services.organisation_create(
            name=PLATFORM_ORGANISATION,
            kind=OrganisationKind.OTHER,
            municipality=Municipality.objects.get(code="GM0344"),  # Utrecht
            email="platformbeheer@demo.bovenwater.invalid",
        )
        report.organisations_created += 1
    for username, role, first, last in PLATFORM_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                username=username,
                password=None,
                password_hash=password_hash,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.bovenwater.invalid",
            )
            services.totp_device_set_known_secret(
                user=user, secret_base32=settings.DEMO_TOTP_SECRET
            )
            report.users_created += 1
            report.created_usernames.append(username)
        if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
            services.membership_add(user=user, organisation=organisation, role=role)
            report.memberships_created += 1


def _privacy_officers_everywhere(report: SeedReport) -> None:
    """Every demo organisation holds personal data, so each has a privacy officer (FG).

    The region's demo FG serves all organisations of the region (one account, switched
    with "Werken als"), so that, for example, a break-the-glass access to a case of the
    care coordination shows up for the FG of the organisation that owns the case.
    """
    for region in REGIONS:
        officer = User.objects.filter(username=demo_username(region, Role.PRIVACY_OFFICER)).first()
        if officer is None:
            continue
        for pattern in ORGANISATION_NAMES.values():
            name = pattern.format(city=region.city, unit=region.police_unit, area=region.area)
            organisation = Organisation.objects.filter(name=name).first()
            if (
                organisation is None
                or Membership.objects.filter(
                    user=officer, organisation=organisation, role=Role.PRIVACY_OFFICER
                ).exists()
            ):
                continue
            services.membership_add(
                user=officer, organisation=organisation, role=Role.PRIVACY_OFFICER
            )
            report.memberships_created += 1


def _analysts_at_the_registrar(report: SeedReport) -> None:
    """Demo analysts also work for CoMensha's regional contact: the national registration."""
    for region in REGIONS:
        analyst = User.objects.filter(username=demo_username(region, Role.ANALYST)).first()
        registrar = Organisation.objects.filter(
            kind=OrganisationKind.NATIONAL_REGISTRAR, municipality__code=region.municipality_code
        ).first()
        if analyst is None or registrar is None:
            continue
        if not Membership.objects.filter(
            user=analyst, organisation=registrar, role=Role.ANALYST
        ).exists():
            services.membership_add(user=analyst, organisation=registrar, role=Role.ANALYST)
            report.memberships_created += 1
