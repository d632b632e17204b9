"""Fixtures of the linkage tests: a linkage unit, two participants and small lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.linkage.factories import World, actor_of

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": IMMEDIATE, "QUEUES": ["default", "audit", "notifications"]}
    }


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
