"""Who reads registry records, and what the list's filters let through (issue #20: the
rules of ``registry/selectors.py`` pinned by tests that fail on a mutation)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.registry import selectors
from bovenwater.registry.models import Registration, Source
from bovenwater.registry.selectors import RegistrationFilter
from bovenwater.registry.services import RegistrationInput, registration_create

pytestmark = pytest.mark.django_db


def _actor(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def world(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> dict[str, Actor]:
    """A police force with a minor (2024, sexual) and an adult (2025, labour), another
    police force with one registration of its own, CoMensha, and a signaller."""
    police = make_organisation(kind=OrganisationKind.POLICE)
    other = make_organisation(kind=OrganisationKind.POLICE, municipality_code="GM0599")
    comensha = make_organisation(kind=OrganisationKind.NATIONAL_REGISTRAR)
    actors = {
        "police": _actor(make_member(role=Role.ANALYST, organisation=police)),
        "reporter": _actor(make_member(role=Role.INVESTIGATOR, organisation=police)),
        "other": _actor(make_member(role=Role.ANALYST, organisation=other)),
        "other_reporter": _actor(make_member(role=Role.INVESTIGATOR, organisation=other)),
        "comensha": _actor(make_member(role=Role.ANALYST, organisation=comensha)),
        "signaller": _actor(make_member(role=Role.SIGNALLER, organisation=police)),
    }
    rows = [
        ("reporter", date(2024, 3, 1), "Minder", date(2010, 1, 1), "SEXUAL", "case:minor"),
        ("reporter", date(2025, 3, 1), "Meerder", date(1990, 1, 1), "LABOUR", "case:adult"),
        ("other_reporter", date(2025, 4, 1), "Ander", date(1985, 1, 1), "LABOUR", "case:x"),
    ]
    for who, when, name, born, form, reference in rows:
        registration_create(
            actor=actors[who],
            data=RegistrationInput(
                registration_date=when,
                first_names=name,
                last_name="Voorbeeld",
                date_of_birth=born,
                form_codes=[form],
            ),
            source=Source.CASES,
            source_reference=reference,
        )
    return actors


def _refs(actor: Actor, **filters: object) -> list[str]:
    rows = selectors.registrations_browse(actor=actor, filters=RegistrationFilter(**filters))  # type: ignore[arg-type]
    return sorted(r.source_reference for r in rows)


def test_the_scope_is_the_own_reports_or_everything_for_a_national_body(
    world: dict[str, Actor],
) -> None:
    assert _refs(world["police"]) == ["case:adult", "case:minor"]
    assert _refs(world["other"]) == ["case:x"]
    assert _refs(world["comensha"]) == ["case:adult", "case:minor", "case:x"]
    assert selectors.registration_count_for_actor(actor=world["police"]) == 2
    assert selectors.registration_count_for_actor(actor=world["comensha"]) == 3
    assert selectors.registration_years(actor=world["police"]) == [2025, 2024]
    assert selectors.registration_years(actor=world["other"]) == [2025]
    exported = selectors.registrations_for_export(
        actor=world["other"], purpose=Purpose.REGISTRATION
    )
    assert [r.source_reference for r in exported] == ["case:x"]


def test_without_the_exchange_right_every_read_is_refused(world: dict[str, Actor]) -> None:
    signaller = world["signaller"]
    with pytest.raises(PermissionDenied):
        selectors.registrations_browse(actor=signaller, filters=RegistrationFilter())
    with pytest.raises(PermissionDenied):
        selectors.registration_count_for_actor(actor=signaller)
    with pytest.raises(PermissionDenied):
        selectors.registration_years(actor=signaller)
    before = ProcessingLogEntry.objects.count()
    with pytest.raises(PermissionDenied):
        selectors.registrations_for_export(actor=signaller, purpose=Purpose.REGISTRATION)
    assert ProcessingLogEntry.objects.count() == before  # no export was logged


def test_the_lists_filters_narrow_within_the_scope(world: dict[str, Actor]) -> None:
    police = world["police"]
    assert _refs(police, minor="ja") == ["case:minor"]
    assert _refs(police, minor="nee") == ["case:adult"]
    assert _refs(police, minor="misschien") == ["case:adult", "case:minor"]
    assert _refs(police, year=2024) == ["case:minor"]
    assert _refs(police, form="LABOUR") == ["case:adult"]
    unit = Registration.objects.get(source_reference="case:adult").reporting_police_unit
    assert unit is not None
    assert _refs(world["comensha"], police_unit=unit.code) == ["case:adult", "case:minor"]
    pseudonym = Registration.objects.get(source_reference="case:minor").person.pseudonym
    assert _refs(police, search=f"  {pseudonym[:10].upper()} ") == ["case:minor"]
    assert _refs(police, search="case:adult") == ["case:adult"]
    assert _refs(world["other"], search="case:adult") == []  # not in its scope


def test_an_export_is_logged_with_its_year_and_count(world: dict[str, Actor]) -> None:
    police = world["police"]
    for year, object_id, count in ((2024, "htcds:2024", 1), (None, "htcds:all", 2)):
        rows = selectors.registrations_for_export(
            actor=police, purpose=Purpose.REGISTRATION, year=year
        )
        assert len(rows) == count
        entry = ProcessingLogEntry.objects.latest("pk")
        assert (entry.action, entry.object_type, entry.object_id) == (
            Action.EXPORT,
            "registry.registration",
            object_id,
        )
        assert entry.details == {"format": "htcds-csv", "count": count}


def test_a_page_of_the_list_is_logged_with_its_ids_and_only_the_filters_used(
    world: dict[str, Actor],
) -> None:
    police = world["police"]
    filters = RegistrationFilter(year=2024, minor="ja")
    ids = [r.pk for r in selectors.registrations_browse(actor=police, filters=filters)]
    selectors.registrations_listed(actor=police, ids=ids, filters=filters)
    entry = ProcessingLogEntry.objects.latest("pk")
    assert (entry.action, entry.object_id, entry.purpose) == (
        Action.VIEW,
        "list",
        Purpose.REGISTRATION,
    )
    assert entry.details == {"ids": ids, "filters": {"year": "2024", "minor": "ja"}}
