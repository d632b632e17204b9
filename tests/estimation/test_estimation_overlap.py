"""Overlap tables from list memberships, and their small-number suppression."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from tests.estimation.factories import add_registrations

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.estimation.overlap import LIST_CODES, OverlapTable, overlap_tables
from bovenwater.estimation.selectors import overlap_tables_for
from bovenwater.estimation.suppression import suppressed_cells
from bovenwater.reference.models import ExploitationForm
from bovenwater.registry.models import MelderType, Registration

P, K, A, Z, S, X = range(6)  # list indexes: politie, kmar, arbeidsinspectie, zorg, opvang, overig


def mask(*lists: int) -> int:
    return sum(1 << i for i in lists)


def test_lists_follow_the_2017_study() -> None:
    assert LIST_CODES == (
        "politie",
        "kmar",
        "arbeidsinspectie",
        "zorgcoordinatie",
        "opvang",
        "overig",
    )


def test_overlap_counts_each_person_once_per_year_on_the_union_of_lists() -> None:
    rows = [
        (2024, "a", MelderType.POLICE),
        (2024, "a", MelderType.CARE_COORDINATION),
        (2024, "a", MelderType.POLICE),  # twice by the police: still one person
        (2024, "b", MelderType.NGO),
        (2024, "b", MelderType.OTHER),  # ngo and other are one list
        (2024, "c", MelderType.POLICE),
        (2023, "a", MelderType.KMAR),
    ]
    tables = overlap_tables(rows)
    assert set(tables) == {2023, 2024}
    t2024 = tables[2024]
    expected = [0] * 63
    expected[mask(P, Z) - 1] = 1
    expected[mask(X) - 1] = 1
    expected[mask(P) - 1] = 1
    assert list(t2024.counts) == expected
    assert t2024.observed == 3
    assert t2024.list_totals() == {
        "politie": 2, "kmar": 0, "arbeidsinspectie": 0, "zorgcoordinatie": 1, "opvang": 0, "overig": 1
    }  # fmt: skip
    assert tables[2023].counts[mask(K) - 1] == 1
    assert tables[2023].observed == 1


def test_active_drops_empty_lists_and_keeps_patterns() -> None:
    table = overlap_tables(
        [(1, "a", MelderType.POLICE), (1, "a", MelderType.NGO), (1, "b", MelderType.NGO)]
    )[1]
    active = table.active()
    assert active.lists == ("politie", "overig")
    assert active.counts == (0, 1, 1)  # politie only, overig only, both


@pytest.mark.django_db
def test_overlap_from_registry_equals_a_direct_count(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> None:
    rows = [
        ("a", 2024, MelderType.POLICE), ("a", 2024, MelderType.SHELTER),
        ("b", 2024, MelderType.POLICE), ("c", 2024, MelderType.LABOUR_INSPECTORATE),
        ("c", 2024, MelderType.CARE_COORDINATION), ("c", 2024, MelderType.POLICE),
        ("d", 2024, MelderType.KMAR), ("e", 2024, MelderType.POLICE),
        ("b", 2023, MelderType.NGO), ("f", 2023, MelderType.OTHER),
    ]  # fmt: skip
    add_registrations(rows)
    registrar = make_organisation(kind=OrganisationKind.NATIONAL_REGISTRAR)
    actor = Actor(*(lambda m: (m.user, m))(make_member(role=Role.ANALYST, organisation=registrar)))
    tables = overlap_tables_for(actor=actor, purpose=Purpose.REGISTRATION)

    # the direct count: pattern per (year, person) straight from the registrations
    direct: dict[int, Counter[int]] = {}
    index = {"politie": P, "kmar": K, "arbeidsinspectie": A, "zorgcoordinatie": Z, "opvang": S}
    patterns: dict[tuple[int, int], int] = {}
    for r in Registration.objects.all():
        key = (r.registration_date.year, r.person_id)
        patterns[key] = patterns.get(key, 0) | (1 << index.get(r.melder_type, X))
    for (year, _person), m in patterns.items():
        direct.setdefault(year, Counter())[m] += 1
    assert sorted(tables) == ["2023", "2024"]
    for year_text, table in tables.items():
        assert {m: c for m, c in enumerate(table.counts, start=1) if c} == dict(
            direct[int(year_text)]
        )
    assert tables["2024"].counts[mask(P, S) - 1] == 1
    assert tables["2024"].counts[mask(P, A, Z) - 1] == 1
    assert tables["2024"].counts[mask(P) - 1] == 2
    assert tables["2023"].counts[mask(X) - 1] == 2
    entry = ProcessingLogEntry.objects.get(object_id="estimation-overlap:all")
    assert entry.action == Action.VIEW
    assert entry.details["people"] == 7


@pytest.mark.django_db
def test_overlap_per_form(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> None:
    add_registrations([("a", 2024, MelderType.POLICE), ("b", 2024, MelderType.NGO)])
    sexual = ExploitationForm.objects.get(code="SEXUAL")
    Registration.objects.get(person__pseudonym__startswith="test-a").forms.add(sexual)
    registrar = make_organisation(kind=OrganisationKind.NATIONAL_REGISTRAR)
    m = make_member(role=Role.ANALYST, organisation=registrar)
    tables = overlap_tables_for(actor=Actor(m.user, m), purpose=Purpose.REGISTRATION, form="SEXUAL")
    assert tables["2024"].observed == 1
    assert tables["2024"].counts[mask(P) - 1] == 1


def test_suppression_hides_small_cells_and_a_complement() -> None:
    counts = [0] * 7
    counts[0], counts[1], counts[2], counts[3] = 50, 40, 3, 12  # masks 1, 2, 3, 4
    cells = suppressed_cells(OverlapTable(("a", "b", "c"), tuple(counts)), limit=10)
    shown = [c.count for c in cells]
    assert shown[2] is None and cells[2].display == "<10"
    assert shown[3] is None  # one hidden cell alone would follow from the total
    assert shown[0] == 50 and shown[1] == 40
    assert shown[4:] == [0, 0, 0]


def test_suppression_leaves_large_cells() -> None:
    cells = suppressed_cells(OverlapTable(("a", "b"), (20, 30, 10)), limit=10)
    assert [c.count for c in cells] == [20, 30, 10]
