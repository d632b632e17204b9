"""Fixtures of the linkage tests: a linkage unit, two participants and small lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from tests.pprl.support import people_csv, source_rows

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.linkage import services
from bovenwater.linkage.models import LinkageProject, ProjectPurpose

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": IMMEDIATE, "QUEUES": ["default", "audit", "notifications"]}
    }


@dataclass
class World:
    unit: Actor
    police: Actor
    care: Actor
    police_officer: Actor
    care_officer: Actor
    outsider: Actor
    registrar: Organisation
    police_org: Organisation
    care_org: Organisation


def actor_of(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def world(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., Membership]
) -> World:
    registrar = make_organisation(name="CoMensha test", kind=OrganisationKind.NATIONAL_REGISTRAR)
    police = make_organisation(name="Politie test", kind=OrganisationKind.POLICE)
    care = make_organisation(name="Zorgcoördinatie test", kind=OrganisationKind.CARE_COORDINATION)
    other = make_organisation(name="Opvang elders", kind=OrganisationKind.SHELTER)
    return World(
        unit=actor_of(make_member(role=Role.ANALYST, organisation=registrar)),
        police=actor_of(make_member(role=Role.INVESTIGATOR, organisation=police)),
        care=actor_of(make_member(role=Role.CARE_COORDINATOR, organisation=care)),
        police_officer=actor_of(make_member(role=Role.PRIVACY_OFFICER, organisation=police)),
        care_officer=actor_of(make_member(role=Role.PRIVACY_OFFICER, organisation=care)),
        outsider=actor_of(make_member(role=Role.CARE_COORDINATOR, organisation=other)),
        registrar=registrar,
        police_org=police,
        care_org=care,
    )


def make_project(world: World, purpose: str = ProjectPurpose.ESTIMATE) -> LinkageProject:
    return services.project_create(
        actor=world.unit,
        name=f"Project {purpose}",
        year=2025,
        purpose=purpose,
        legal_basis="AVG art. 89 (test)",
        participants=[world.police_org, world.care_org],
    )


def lists() -> tuple[str, str]:
    rows_a, rows_b = source_rows()
    return people_csv(rows_a, "P"), people_csv(rows_b, "Z")
