"""Test data of the linkage tests: the world of a linkage unit and its participants, a
project, two small lists (the fixtures are in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.pprl.support import people_csv, source_rows

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.linkage import services
from bovenwater.linkage.models import LinkageProject, ProjectPurpose


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
