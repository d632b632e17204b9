"""Demo case coordination across the demo region (idempotent).

Per region: two shelter locations with places per category, extra demo accounts for
the shelter and for CoMensha (the national registrar, who places in COSM), and about
eighty cases in every workflow state, written through the real services so history,
consents, referrals, placements (within capacity), B8 deadlines and the processing log
are consistent. A second run finds the cases in place and writes nothing.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bovenwater.accounts import services as account_services
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services
from bovenwater.cases.models import (
    Case,
    CaseState,
    Placement,
    PlacementRequest,
    PlacementRequestStatus,
    Referral,
    ReferralStatus,
    Shelter,
    ShelterCapacity,
    ShelterCategory,
)
from bovenwater.cases.types import VictimDetails
from bovenwater.core.demo import ORGANISATION_NAMES, REGIONS, demo_username
from bovenwater.reference.models import ExploitationForm, Municipality, Nationality

if TYPE_CHECKING:
    from bovenwater.core.demo import DemoRegion, SeedReport

CASES_PER_REGION = 80
DEMO_REFERENCE_PREFIX = "DEMO-"

# Target state → path of transitions from "aangemeld".
PATHS: dict[CaseState, list[CaseState]] = {
    CaseState.REPORTED: [],
    CaseState.INTAKE: [CaseState.INTAKE],
    CaseState.REFLECTION: [CaseState.INTAKE, CaseState.REFLECTION],
    CaseState.CARE: [CaseState.INTAKE, CaseState.CARE],
    CaseState.AFTERCARE: [CaseState.INTAKE, CaseState.CARE, CaseState.AFTERCARE],
    CaseState.CLOSED: [CaseState.INTAKE, CaseState.CARE, CaseState.AFTERCARE, CaseState.CLOSED],
    CaseState.ON_HOLD: [CaseState.INTAKE, CaseState.ON_HOLD],
    CaseState.DROPPED_OUT: [CaseState.INTAKE, CaseState.DROPPED_OUT],
    CaseState.REOPENED: [CaseState.INTAKE, CaseState.CARE, CaseState.CLOSED, CaseState.REOPENED],
}
# How often each state occurs (weights), so the lists look like a working region.
STATE_WEIGHTS: dict[CaseState, int] = {
    CaseState.REPORTED: 8,
    CaseState.INTAKE: 12,
    CaseState.REFLECTION: 16,
    CaseState.CARE: 18,
    CaseState.AFTERCARE: 8,
    CaseState.CLOSED: 8,
    CaseState.ON_HOLD: 4,
    CaseState.DROPPED_OUT: 4,
    CaseState.REOPENED: 2,
}
REASONS: dict[CaseState, str] = {
    CaseState.CLOSED: "Zorgtraject afgerond; betrokkene woont zelfstandig.",
    CaseState.ON_HOLD: "Betrokkene tijdelijk in het buitenland; contact loopt via de advocaat.",
    CaseState.DROPPED_OUT: "Betrokkene is uit beeld geraakt; geen contact meer mogelijk.",
    CaseState.REOPENED: "Nieuwe signalen: betrokkene meldt zich opnieuw.",
}
CAPACITY: dict[str, dict[ShelterCategory, int]] = {
    "Noord": {ShelterCategory.COSM: 10, ShelterCategory.WOMEN: 8, ShelterCategory.OMM: 4},
    "Zuid": {ShelterCategory.COSM: 6, ShelterCategory.MEN: 8, ShelterCategory.YOUTH: 4},
}
LANGUAGES = {
    "RO": "Roemeens",
    "BG": "Bulgaars",
    "PL": "Pools",
    "NG": "Engels",
    "ER": "Tigrinya",
    "UA": "Oekraïens",
    "VN": "Vietnamees",
    "NL": "Nederlands",
    "MA": "Arabisch",
    "CN": "Mandarijn",
}
FIRST_NAMES = ("Ana", "Ioana", "Blessing", "Selam", "Olena", "Thi", "Marek", "Elena", "Mei")
LAST_NAMES = ("Verzonnenescu", "Fictieva", "Proefowski", "Demo-Okafor", "Testenko", "Nepvanov")


def _actor(username: str, organisation: Organisation, role: Role) -> Actor:
    membership = Membership.objects.select_related("user", "organisation").get(
        user__username=username, organisation=organisation, role=role
    )
    return Actor(user=membership.user, membership=membership)


def _ensure_account(
    report: SeedReport, username: str, organisation: Organisation, role: Role, name: tuple[str, str]
) -> Actor:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            username=username,
            password=settings.DEMO_PASSWORD,
            first_name=name[0],
            last_name=name[1],
            email=f"{username}@demo.bovenwater.invalid",
        )
        account_services.totp_device_set_known_secret(
            user=user, secret_base32=settings.DEMO_TOTP_SECRET
        )
        # Counted apart: the core report counts one account per role and region.
        report.extra["cases.accounts"] = report.extra.get("cases.accounts", 0) + 1
    if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        account_services.membership_add(user=user, organisation=organisation, role=role)
    return _actor(username, organisation, role)


def _organisation(region: DemoRegion, kind: OrganisationKind) -> Organisation:
    name = ORGANISATION_NAMES[kind].format(
        city=region.city, unit=region.police_unit, area=region.area
    )
    return Organisation.objects.select_related("municipality").get(name=name)


def _shelters(report: SeedReport, region: DemoRegion, organisation: Organisation) -> list[Shelter]:
    shelters = []
    municipality = organisation.municipality
    for location, places in CAPACITY.items():
        name = f"{organisation.name} — locatie {location}"
        shelter = Shelter.objects.filter(name=name).first()
        if shelter is None:
            shelter = Shelter.objects.create(
                name=name,
                organisation=organisation,
                region_id=municipality.police_unit_id,
                municipality=municipality,
            )
            report.extra["cases.shelters"] = report.extra.get("cases.shelters", 0) + 1
        for category, count in places.items():
            ShelterCapacity.objects.get_or_create(
                shelter=shelter, category=category, defaults={"places": count}
            )
        shelters.append(shelter)
    return shelters


def _free_shelter(shelters: list[Shelter], category: str) -> Shelter | None:
    for shelter in shelters:
        capacity = ShelterCapacity.objects.filter(shelter=shelter, category=category).first()
        if capacity is None:
            continue
        if services.occupied_places(shelter=shelter, category=category) < capacity.places:
            return shelter
    return None


def seed(report: SeedReport) -> None:
    for region_index, region in enumerate(REGIONS):
        with transaction.atomic():
            _seed_region(report, region, region_index, demo_username)


def _seed_region(
    report: SeedReport,
    region: DemoRegion,
    region_index: int,
    demo_username: Callable[[DemoRegion, Role], str],
) -> None:
    care = _organisation(region, OrganisationKind.CARE_COORDINATION)
    shelter_org = _organisation(region, OrganisationKind.SHELTER)
    police = _organisation(region, OrganisationKind.POLICE)
    registrar_org = _organisation(region, OrganisationKind.NATIONAL_REGISTRAR)
    municipality_org = _organisation(region, OrganisationKind.MUNICIPALITY)
    shelters = _shelters(report, region, shelter_org)
    registrar = _ensure_account(
        report,
        f"demo.registrator.{region.slug}",
        registrar_org,
        Role.CARE_COORDINATOR,
        ("Carla", "Registerma"),
    )
    shelter_worker = _ensure_account(
        report,
        f"demo.opvang.{region.slug}",
        shelter_org,
        Role.CARE_COORDINATOR,
        ("Olga", "Opvanghuis"),
    )
    if Case.objects.filter(
        owner=care, origin_signal_reference__startswith=DEMO_REFERENCE_PREFIX
    ).exists():
        return
    coordinator = _actor(demo_username(region, Role.CARE_COORDINATOR), care, Role.CARE_COORDINATOR)
    investigator = _actor(demo_username(region, Role.INVESTIGATOR), police, Role.INVESTIGATOR)
    contact = _actor(
        demo_username(region, Role.CONTACT_OFFICER), municipality_org, Role.CONTACT_OFFICER
    )
    rng = random.Random(4200 + region_index)
    today = timezone.localdate()
    municipalities = list(
        Municipality.objects.filter(police_unit_id=care.municipality.police_unit_id).order_by(
            "code"
        )
    )
    forms = list(ExploitationForm.objects.order_by("position", "code"))
    nationalities = {n.code: n for n in Nationality.objects.filter(code__in=LANGUAGES)}
    states = list(STATE_WEIGHTS)
    weights = [STATE_WEIGHTS[s] for s in states]
    created: list[Case] = []
    for index in range(CASES_PER_REGION):
        target = (
            states[index % len(states)] if index < len(states) else rng.choices(states, weights)[0]
        )
        code = rng.choice(list(nationalities))
        foreign = code != "NL"
        if target == CaseState.REFLECTION:
            foreign = True
            code = code if code != "NL" else "RO"
        minor = rng.random() < 0.12
        age = rng.randint(14, 17) if minor else rng.randint(18, 52)
        named = rng.random() < 0.5
        case = services.case_open(
            actor=coordinator,
            owner=care,
            coordinator=coordinator.user,
            victim=VictimDetails(
                estimated_age=age,
                is_minor=minor,
                gender=rng.choice(["female", "female", "male", "unknown"]),
                nationality=nationalities[code],
                language=LANGUAGES[code],
                first_name=rng.choice(FIRST_NAMES) if named else "",
                last_name=rng.choice(LAST_NAMES) if named else "",
            ),
            forms=rng.sample(forms, k=1 if rng.random() < 0.8 else 2) if forms else [],
            crime_municipality=rng.choice(municipalities) if municipalities else None,
            origin_signal_reference=f"{DEMO_REFERENCE_PREFIX}{region.slug}-{index:03d}",
            reason="Aangemeld na triage van een signaal.",
        )
        placement: Placement | None = None
        shared = False
        for step in PATHS[target]:
            if step == CaseState.CLOSED:
                placement = _resolve_before_closing(coordinator, case, placement, today)
            services.case_transition(
                actor=coordinator, case=case, to_state=step, reason=REASONS.get(step, "")
            )
            if step in (CaseState.REFLECTION, CaseState.CARE) and not shared:
                shared = True
                placement = _share_and_place(
                    rng,
                    case,
                    step,
                    coordinator,
                    investigator,
                    shelter_worker,
                    registrar,
                    police,
                    shelter_org,
                    shelters,
                    minor,
                    foreign,
                )
        if (
            placement is not None
            and not placement.departed_on
            and target in (CaseState.AFTERCARE, CaseState.CLOSED, CaseState.REOPENED)
        ):
            services.placement_depart(
                actor=coordinator,
                placement=placement,
                departed_on=today,
                reason="Doorgestroomd naar eigen woonruimte.",
            )
        if CaseState.REFLECTION in PATHS[target] and foreign:
            dublin = rng.random() < 0.15
            services.case_b8_update(
                actor=coordinator,
                case=case,
                dublin_claimant=dublin,
                reflection_started_on=today - datetime.timedelta(days=rng.randint(0, 100)),
                cooperation_decision=rng.choice(["pending", "pending", "report", "cooperation"]),
                permit_status=rng.choice(["none", "applied", "granted"]),
            )
        if (
            target in (CaseState.INTAKE, CaseState.CARE, CaseState.REFLECTION)
            and rng.random() < 0.4
        ):
            services.task_create(
                actor=coordinator,
                case=case,
                title=rng.choice(
                    [
                        "Tolk regelen voor intakegesprek",
                        "Huisarts en medische check plannen",
                        "Advocaat (gespecialiseerd) inschakelen",
                        "Uitkering en zorgverzekering aanvragen",
                    ]
                ),
                deadline=today + datetime.timedelta(days=rng.randint(-5, 20)),
                assignee=coordinator.user,
            )
        Case.objects.filter(pk=case.pk).update(
            opened_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 400))
        )
        created.append(case)
    open_cases = [c for c in created if c.state in (CaseState.CARE, CaseState.REFLECTION)][:6]
    meeting = services.meeting_create(
        actor=coordinator,
        title=f"Casusoverleg mensenhandel {region.area}",
        held_on=today + datetime.timedelta(days=7),
        attendees=[police, shelter_org, municipality_org],
        agenda=open_cases,
    )
    for case in open_cases[:3]:
        services.meeting_decision_add(
            actor=coordinator,
            meeting=meeting,
            case=case,
            text="Veiligheidsplan opstellen en bespreken met de opvang.",
            owner_organisation=shelter_org,
            deadline=today + datetime.timedelta(days=14),
        )
    for number, (kind, measure_target, ground) in enumerate(
        [
            (
                "closure",
                f"Pand Proefstraat {region_index + 3}, {region.city}",
                "Gemeentewet art. 174a",
            ),
            ("bibob", f"Horecabedrijf De Nepkroeg, {region.city}", "Wet Bibob art. 3"),
            ("inspection", f"Massagesalon Fictief, {region.city}", "APV, toezicht seksbranche"),
        ]
    ):
        services.measure_create(
            actor=contact,
            kind=kind,
            target=measure_target,
            legal_ground=ground,
            started_on=today - datetime.timedelta(days=30 * (number + 1)),
            case=None,
            signal_reference=f"{DEMO_REFERENCE_PREFIX}{region.slug}-measure-{number}",
        )
    report.extra["cases.cases"] = report.extra.get("cases.cases", 0) + len(created)


def _share_and_place(
    rng: random.Random,
    case: Case,
    state: CaseState,
    coordinator: Actor,
    investigator: Actor,
    shelter_worker: Actor,
    registrar: Actor,
    police: Organisation,
    shelter_org: Organisation,
    shelters: list[Shelter],
    minor: bool,
    foreign: bool,
) -> Placement | None:
    """Consents, referrals and a placement that fit the case and the free capacity."""
    today = timezone.localdate()
    if rng.random() < 0.5:
        consent = services.consent_record(
            actor=coordinator,
            case=case,
            subject_matter="Persoonsgegevens, verklaring en B8-status",
            recipient=police,
            purpose="Aangifte en opsporing mensenhandel",
            given_on=today - datetime.timedelta(days=rng.randint(0, 30)),
            given_by="Betrokkene zelf",
        )
        referral = services.referral_send(
            actor=coordinator,
            case=case,
            to_organisation=police,
            kind="police_report",
            shared_parts=["summary", "victim", "b8"],
            consent=consent,
        )
        if rng.random() < 0.7:
            services.referral_respond(actor=investigator, referral=referral, accept=True)
            if rng.random() < 0.1:
                services.consent_withdraw(actor=coordinator, consent=consent)
    if state != CaseState.REFLECTION and rng.random() < 0.35:
        return None
    consent = services.consent_record(
        actor=coordinator,
        case=case,
        subject_matter="Kerngegevens en opvangbehoefte",
        recipient=shelter_org,
        purpose="Opvang en begeleiding",
        given_on=today - datetime.timedelta(days=rng.randint(0, 30)),
        given_by="Betrokkene zelf",
    )
    referral = services.referral_send(
        actor=coordinator,
        case=case,
        to_organisation=shelter_org,
        kind="shelter",
        shared_parts=["summary", "placements"],
        consent=consent,
    )
    services.referral_respond(actor=shelter_worker, referral=referral, accept=True)
    if minor:
        category = ShelterCategory.YOUTH
    elif state == CaseState.REFLECTION and foreign:
        category = ShelterCategory.COSM
    else:
        category = ShelterCategory.MEN if case.victim.gender == "male" else ShelterCategory.WOMEN
    request = services.placement_request_create(
        actor=coordinator, case=case, category=category, region=shelters[0].region
    )
    shelter = _free_shelter(shelters, category)
    if shelter is None:
        return None  # stays on the waiting list
    placer = registrar if category == ShelterCategory.COSM else coordinator
    return services.placement_create(
        actor=placer,
        request=request,
        shelter=shelter,
        started_on=today - datetime.timedelta(days=rng.randint(5, 90)),
    )


def _resolve_before_closing(
    coordinator: Actor, case: Case, placement: Placement | None, today: datetime.date
) -> Placement | None:
    """Closing needs no open work (``ClosureBlocked``): depart, withdraw, cancel first."""

    if placement is not None and not placement.departed_on:
        placement = services.placement_depart(
            actor=coordinator,
            placement=placement,
            departed_on=today,
            reason="Doorgestroomd naar eigen woonruimte.",
        )
    for referral in Referral.objects.filter(case=case, status=ReferralStatus.REQUESTED):
        services.referral_withdraw(
            actor=coordinator, referral=referral, reason="De casus wordt afgesloten."
        )
    for request in PlacementRequest.objects.filter(
        case=case, status=PlacementRequestStatus.WAITING
    ):
        services.placement_request_cancel(
            actor=coordinator, request=request, reason="De casus wordt afgesloten."
        )
    return placement


__all__ = ["seed"]
