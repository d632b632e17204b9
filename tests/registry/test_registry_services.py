"""Registration service and person pseudonym."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.registry.models import Person, Registration, Source
from bovenwater.registry.pseudonym import (
    Identity,
    PseudonymKeyMissing,
    normalise_name,
    pseudonym_for,
)
from bovenwater.registry.services import RegistrationInput, registration_create

pytestmark = pytest.mark.django_db


def actor_of(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def police_actor(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> Actor:
    org = make_organisation(kind=OrganisationKind.POLICE, municipality_code="GM0599")
    return actor_of(make_member(role=Role.INVESTIGATOR, organisation=org))


def sample(**overrides: object) -> RegistrationInput:
    values: dict[str, object] = {
        "registration_date": date(2024, 3, 1),
        "first_names": "Anna Maria",
        "last_name": "Jansen",
        "date_of_birth": date(2008, 6, 15),
        "nationality_code": "NL",
        "crime_municipality_codes": ["GM0363", "GM0599"],
        "form_codes": ["SEXUAL"],
        "method_codes": ["REC-LOVERBOY", "CTL-PSYCHOLOGICAL-ABUSE"],
        "sex_exploitation_type": "thuis_hotel",
        "gender": "female",
        "age_at_exploitation_start": 14,
    }
    values.update(overrides)
    return RegistrationInput(**values)  # type: ignore[arg-type]


def test_normalise_name_folds_case_accents_and_spaces() -> None:
    assert normalise_name("  Zoë   ÉLODIE\tMüller ") == "zoe elodie muller"


def test_pseudonym_is_stable_keyed_and_needs_a_key() -> None:
    one = Identity("Zoë", "de Vries", date(2000, 1, 2), "NL")
    same = Identity(" ZOE ", "De  Vries", date(2000, 1, 2), "nl")
    other = Identity("Zoë", "de Vries", date(2000, 1, 3), "NL")
    assert pseudonym_for(one) == pseudonym_for(same)
    assert pseudonym_for(one) != pseudonym_for(other)
    assert len(pseudonym_for(one)) == 64
    with override_settings(PSEUDONYM_KEY="another-key"):
        assert pseudonym_for(one) != pseudonym_for(same.__class__("Zoë", "x", None))
        keyed_other = pseudonym_for(one)
    assert keyed_other != pseudonym_for(one)
    with override_settings(PSEUDONYM_KEY=""), pytest.raises(PseudonymKeyMissing) as info:
        pseudonym_for(one)
    assert "PSEUDONYM_KEY" in str(info.value)


def test_registration_create_stores_no_identifiers_and_derives_fields(police_actor: Actor) -> None:
    registration = registration_create(
        actor=police_actor, data=sample(), source=Source.CASES, source_reference="case:1"
    )
    registration.refresh_from_db()
    assert registration.melder_type == "politie"
    assert registration.reporting_police_unit is not None
    assert registration.reporting_police_unit.code == "PE-ROTTERDAM"
    assert registration.age_at_registration == 15
    assert registration.is_minor is True
    assert registration.is_dutch is True
    assert sorted(m.code for m in registration.crime_municipalities.all()) == ["GM0363", "GM0599"]
    assert sorted(m.code for m in registration.methods.all()) == [
        "CTL-PSYCHOLOGICAL-ABUSE",
        "REC-LOVERBOY",
    ]
    stored = " ".join(
        str(v) for v in Registration.objects.values().get(pk=registration.pk).values()
    )
    assert "Jansen" not in stored
    assert "2008-06-15" not in stored
    entry = ProcessingLogEntry.objects.get(object_type="registry.registration")
    assert entry.object_id == str(registration.pk)
    assert entry.purpose == "registration"


def test_same_person_from_two_organisations_is_one_pseudonym(
    police_actor: Actor,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
) -> None:
    care = actor_of(
        make_member(
            role=Role.CARE_COORDINATOR,
            organisation=make_organisation(kind=OrganisationKind.CARE_COORDINATION),
        )
    )
    first = registration_create(actor=police_actor, data=sample(), source=Source.CASES)
    second = registration_create(
        actor=care,
        data=sample(first_names="anna  maria", last_name="JANSEN"),
        source=Source.CASES,
    )
    assert first.person_id == second.person_id
    assert Person.objects.count() == 1
    assert sorted(Registration.objects.values_list("melder_type", flat=True)) == [
        "politie",
        "zorgcoordinatie",
    ]


def test_hand_off_is_idempotent_per_source_reference(police_actor: Actor) -> None:
    first = registration_create(
        actor=police_actor, data=sample(), source=Source.CASES, source_reference="case:7"
    )
    again = registration_create(
        actor=police_actor, data=sample(), source=Source.CASES, source_reference="case:7"
    )
    assert again.pk == first.pk
    assert Registration.objects.count() == 1


def test_unknown_codes_are_named_and_nothing_is_written(police_actor: Actor) -> None:
    with pytest.raises(ValidationError) as info:
        registration_create(
            actor=police_actor,
            data=sample(form_codes=["SEXUAL", "XYZ"], crime_municipality_codes=["GM9999"]),
            source=Source.CASES,
        )
    messages = info.value.message_dict
    assert messages["form_codes"] == ["Onbekende code voor uitbuitingsvorm: XYZ"]
    assert messages["crime_municipality_codes"] == ["Onbekende code voor plaats delict: GM9999"]
    assert Registration.objects.count() == 0
    assert Person.objects.count() == 0
    assert not ProcessingLogEntry.objects.filter(object_type="registry.registration").exists()


def test_missing_key_refuses_and_writes_nothing(police_actor: Actor) -> None:
    with override_settings(PSEUDONYM_KEY=""), pytest.raises(PseudonymKeyMissing):
        registration_create(actor=police_actor, data=sample(), source=Source.CASES)
    assert Registration.objects.count() == 0


def test_import_source_needs_permission(police_actor: Actor) -> None:
    with pytest.raises(PermissionDenied):
        registration_create(actor=police_actor, data=sample(), source=Source.IMPORT)
    assert Registration.objects.count() == 0
