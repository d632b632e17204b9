"""Count tables equal a direct count of the registry, also after incremental fills."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.monitor.registry_factory import (
    FORMS,
    GENDERS,
    MELDERS,
    METHODS,
    MUNICIPALITIES,
    NATIONALITIES,
    UNITS,
    Spec,
    create,
)

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Role
from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.models import CountRow, FillState
from bovenwater.registry.models import Person, Registration, Source
from bovenwater.registry.services import RegistrationInput, registration_create

pytestmark = pytest.mark.django_db

Key = tuple[str, int, str, str, str]


def subsets(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=len(values)).map(tuple)


specs = st.builds(
    Spec,
    year=st.sampled_from((2023, 2024)),
    police_unit=st.sampled_from((*UNITS, None)),
    melder=st.sampled_from(MELDERS),
    minor=st.sampled_from((True, False, None)),
    gender=st.sampled_from(GENDERS),
    nationality=st.sampled_from((*NATIONALITIES, None)),
    forms=subsets(FORMS),
    methods=subsets(METHODS),
    municipalities=subsets(MUNICIPALITIES),
)


def direct_counts() -> Counter[Key]:
    """Count straight from the registry rows, independently of the fill job."""
    result: Counter[Key] = Counter()
    registrations = Registration.objects.select_related(
        "reporting_police_unit", "nationality"
    ).prefetch_related("forms", "methods", "crime_municipalities")
    for r in registrations:
        unit = r.reporting_police_unit.code if r.reporting_police_unit else "?"
        forms = sorted(f.code for f in r.forms.all()) or ["?"]
        group = {True: "dutch", False: "non_dutch", None: "unknown"}[r.is_dutch]
        minor = {True: "minor", False: "adult", None: "unknown"}[r.is_minor]
        breakdowns = {
            "total": [""],
            "form": forms,
            "melder": [r.melder_type],
            "minor": [minor],
            "gender": [r.gender],
            "nationality_group": [group],
            "nationality": [r.nationality.code if r.nationality else "?"],
            "method": sorted(m.code for m in r.methods.all()) or ["?"],
            "municipality": sorted(m.code for m in r.crime_municipalities.all()) or ["?"],
            "police_unit": [unit],
        }
        for unit_filter in (unit, "*"):
            for form_filter in [*forms, "*"]:
                for stat, values in breakdowns.items():
                    for value in values:
                        key = (stat, r.registration_date.year, unit_filter, form_filter, value)
                        result[key] += 1
    return result


def table_counts() -> Counter[Key]:
    return Counter(
        {
            (row.stat, row.year, row.police_unit, row.form, row.value): row.count
            for row in CountRow.objects.all()
        }
    )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(specs, max_size=12), min_size=1, max_size=3))
def test_count_tables_equal_direct_count_after_incremental_fills(
    batches: list[list[Spec]],
) -> None:
    CountRow.objects.all().delete()
    FillState.objects.all().delete()
    Registration.objects.all().delete()
    Person.objects.all().delete()
    for batch in batches:
        create(batch)
        result = fill_counts()
        assert result.registrations_added == len(batch)
        assert table_counts() == direct_counts()
    state = FillState.objects.get()
    assert state.registrations_counted == sum(len(batch) for batch in batches)
    if Registration.objects.exists():
        assert state.last_registration_id == Registration.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
    full = fill_counts(full=True)
    assert full.registrations_added == sum(len(batch) for batch in batches)
    assert table_counts() == direct_counts()


def test_second_fill_without_new_registrations_changes_nothing() -> None:
    create([Spec(2024, "PE-AMSTERDAM", "politie", False, "female", "NL", forms=("SEXUAL",))])
    fill_counts()
    before = table_counts()
    again = fill_counts()
    assert again.registrations_added == 0
    assert again.cells_written == 0
    assert table_counts() == before
    assert before[("total", 2024, "*", "*", "")] == 1
    assert before[("form", 2024, "PE-AMSTERDAM", "SEXUAL", "SEXUAL")] == 1


def test_a_registration_queues_the_fill_on_commit(
    django_capture_on_commit_callbacks: Any, make_member: Any
) -> None:
    member = make_member(role=Role.INVESTIGATOR)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        registration_create(
            actor=Actor(user=member.user, membership=member),
            data=RegistrationInput(
                registration_date=date(2024, 5, 1),
                last_name="Voorbeeld",
                date_of_birth=date(2001, 2, 3),
                melder_type="politie",
            ),
            source=Source.CASES,
        )
    # One announcement is queued (the processing log may queue its own chaining step
    # beside it); the monitor's receiver turns it into one fill.
    assert [c.__name__ for c in callbacks].count("announce_new_registrations") == 1
    # The test settings run tasks at once (ImmediateBackend).
    assert CountRow.objects.get(stat="total", year=2024, police_unit="*", form="*").count == 1
    assert FillState.objects.get().registrations_counted == 1
