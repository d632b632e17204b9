"""Factories for case tests: organisations, actors and cases built through the services."""

from __future__ import annotations

import itertools

from django.utils import timezone
from tests.support import TEST_PASSWORD, TEST_SECRET

from bovenwater.accounts import services as account_services
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services
from bovenwater.cases.models import (
    Case,
    Referral,
    SharedPart,
    Shelter,
    ShelterCapacity,
    ShelterCategory,
)
from bovenwater.cases.types import VictimDetails
from bovenwater.reference.models import Municipality, Nationality

_counter = itertools.count(1)


def organisation(
    kind: OrganisationKind = OrganisationKind.CARE_COORDINATION,
    municipality_code: str = "GM0363",
    name: str | None = None,
) -> Organisation:
    return account_services.organisation_create(
        name=name or f"Caseorganisatie {next(_counter)}",
        kind=kind,
        municipality=Municipality.objects.get(code=municipality_code),
    )


def member(
    role: Role, org: Organisation, username: str | None = None, can_login: bool = False
) -> Membership:
    """A member; ``can_login`` adds a password and TOTP device (slow: password hashing)."""

    user = account_services.user_create(
        username=username or f"casegebruiker{next(_counter)}",
        password=TEST_PASSWORD if can_login else None,
        first_name="Case",
        last_name="Tester",
    )
    if can_login:
        account_services.totp_device_set_known_secret(user=user, secret_base32=TEST_SECRET)
    return account_services.membership_add(user=user, organisation=org, role=role)


def actor(role: Role, org: Organisation, can_login: bool = False) -> Actor:
    membership = member(role, org, can_login=can_login)
    return Actor(user=membership.user, membership=membership)


def open_case(
    by: Actor, *, first_name: str = "Anna", last_name: str = "Geheimvoet", foreign: bool = True
) -> Case:
    nationality = Nationality.objects.get(code="RO" if foreign else "NL")
    return services.case_open(
        actor=by,
        owner=by.organisation,
        coordinator=by.user if by.role == Role.CARE_COORDINATOR else None,
        victim=VictimDetails(
            estimated_age=24,
            gender="female",
            nationality=nationality,
            language="Roemeens",
            first_name=first_name,
            last_name=last_name,
        ),
        crime_municipality=Municipality.objects.get(code="GM0363"),
        origin_signal_reference="S-2026-00001",
        reason="Uit triage",
    )


def refer_with_consent(by: Actor, case: Case, to: Organisation) -> Referral:
    """A police-report referral of ``case`` to ``to``, with the victim's consent recorded."""
    consent = services.consent_record(
        actor=by,
        case=case,
        subject_matter="Verklaring",
        recipient=to,
        purpose="Aangifte",
        given_on=timezone.localdate(),
        given_by="Betrokkene zelf",
    )
    return services.referral_send(
        actor=by,
        case=case,
        to_organisation=to,
        kind="police_report",
        shared_parts=[SharedPart.SUMMARY],
        consent=consent,
    )


def cosm_shelter(care: Organisation) -> Shelter:
    """A shelter with two COSM places in the region of ``care``."""
    shelter = Shelter.objects.create(
        name="Opvang COSM test",
        organisation=organisation(OrganisationKind.SHELTER),
        region=care.municipality.police_unit,
        municipality=care.municipality,
    )
    ShelterCapacity.objects.create(shelter=shelter, category=ShelterCategory.COSM, places=2)
    return shelter
