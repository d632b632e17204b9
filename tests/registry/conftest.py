"""Fixtures shared by the registry tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.registry.models import Source
from bovenwater.registry.services import RegistrationInput, registration_create


@pytest.fixture
def police_registrations(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> Organisation:
    """A police organisation with two registrations of its own."""
    police = make_organisation(kind=OrganisationKind.POLICE)
    member = make_member(role=Role.INVESTIGATOR, organisation=police)
    actor = Actor(user=member.user, membership=member)
    for number in range(2):
        registration_create(
            actor=actor,
            data=RegistrationInput(
                registration_date=date(2024, 1, 10),
                first_names=f"Persoon{number}",
                last_name="Voorbeeld",
                date_of_birth=date(2000, 1, 1),
                form_codes=["SEXUAL"],
            ),
            source=Source.CASES,
            source_reference=f"case:{number}",
        )
    return police
