"""A registration with a bad value is refused per field in Dutch and nothing is written;
an unknown source is a programming error (issue #20: the refusals of the registry's
write path)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.registry.models import Registration, Source
from bovenwater.registry.services import RegistrationInput, registration_create

pytestmark = pytest.mark.django_db

GOOD = RegistrationInput(
    registration_date=date(2025, 5, 1),
    first_names="Ana",
    last_name="Voorbeeld",
    date_of_birth=date(2001, 2, 3),
    form_codes=["LABOUR", " "],  # an empty code is skipped
    age_at_registration=24,
    age_at_exploitation_start=22,
)


@pytest.fixture
def reporter(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> Actor:
    police = make_organisation(kind=OrganisationKind.POLICE)
    member = make_member(role=Role.INVESTIGATOR, organisation=police)
    return Actor(user=member.user, membership=member)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"melder_type": "astronaut"}, "melder_type", "Onbekende soort melder: astronaut"),
        ({"sex_exploitation_type": "x"}, "sex_exploitation_type", "seksuele uitbuiting: x"),
        ({"gender": "z"}, "gender", "Onbekend gender: z"),
        ({"b8_status": "q"}, "b8_status", "Onbekende B8-status: q"),
        (
            {"registration_date": timezone.localdate() + timedelta(days=1)},
            "registration_date",
            "in de toekomst",
        ),
        ({"age_at_registration": 121}, "age_at_registration", "tussen 0 en 120"),
        ({"age_at_exploitation_start": -1}, "age_at_exploitation_start", "tussen 0 en 120"),
        (
            {"age_at_exploitation_start": 25},
            "age_at_exploitation_start",
            "hoger dan bij registratie",
        ),
        ({"pseudonym": "abc"}, "pseudonym", "64 hexadecimale tekens"),
        ({"pseudonym": "g" * 64}, "pseudonym", "64 hexadecimale tekens"),
        ({"last_name": " "}, "last_name", "Achternaam en geboortedatum"),
        ({"date_of_birth": None}, "last_name", "Achternaam en geboortedatum"),
    ],
)
def test_a_bad_value_is_refused_for_its_field_and_nothing_is_written(
    reporter: Actor, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        registration_create(
            actor=reporter,
            data=replace(GOOD, **changes),
            source=Source.CASES,
        )
    assert list(error.value.message_dict) == [field]
    assert message in " ".join(error.value.message_dict[field])
    assert not Registration.objects.exists()


def test_the_good_input_is_written_and_an_unknown_source_is_an_error(reporter: Actor) -> None:
    registration = registration_create(actor=reporter, data=GOOD, source=Source.CASES)
    assert [f.code for f in registration.forms.all()] == ["LABOUR"]
    with pytest.raises(ValueError, match="unknown registration source"):
        registration_create(actor=reporter, data=GOOD, source="fax")
    assert Registration.objects.count() == 1
