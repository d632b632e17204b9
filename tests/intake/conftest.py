from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.intake import services
from bovenwater.intake.models import Signal
from bovenwater.reference.models import ExploitationForm, Municipality


@pytest.fixture
def region(make_organisation: Callable[..., Organisation]) -> dict[str, Organisation]:
    """Organisations around Rotterdam (GM0599): municipality, care coordination, youth care, police."""
    return {
        "municipality": make_organisation(
            name="Gemeente Rotterdam (test)",
            kind=OrganisationKind.MUNICIPALITY,
            municipality_code="GM0599",
        ),
        "care": make_organisation(
            name="Zorgcoördinatie Rijnmond (test)",
            kind=OrganisationKind.CARE_COORDINATION,
            municipality_code="GM0599",
        ),
        "youth": make_organisation(
            name="Veilig Thuis Rijnmond (test)",
            kind=OrganisationKind.YOUTH_CARE,
            municipality_code="GM0599",
        ),
        "police": make_organisation(
            name="Politie Rotterdam (test)",
            kind=OrganisationKind.POLICE,
            municipality_code="GM0599",
        ),
        "outsider": make_organisation(
            name="Gemeente Maastricht (test)",
            kind=OrganisationKind.MUNICIPALITY,
            municipality_code="GM0935",
        ),
    }


@pytest.fixture
def actor_for(make_member: Callable[..., Membership]) -> Callable[..., Actor]:
    def make(role: Role, organisation: Organisation) -> Actor:
        membership = make_member(role=role, organisation=organisation)
        return Actor(user=membership.user, membership=membership)

    return make


@pytest.fixture
def submit_signal(
    region: dict[str, Organisation], actor_for: Callable[..., Actor]
) -> Callable[..., Signal]:
    def submit(minor: bool = False, actor: Actor | None = None, **overrides: Any) -> Signal:
        reporter = actor or actor_for(Role.SIGNALLER, region["police"])
        data = services.SignalInput(
            description=overrides.pop(
                "description", "Vier mannen slapen in de opslag van een restaurant."
            ),
            municipality=Municipality.objects.get(code="GM0599"),
            forms=[ExploitationForm.objects.get(code="LABOUR")],
            victim=services.PersonInput(estimated_age=16 if minor else 34, is_minor=minor),
            **overrides,
        )
        return services.signal_submit(actor=reporter, data=data)

    return submit
