"""Small-number suppression, and a differencing attack on every filtered view."""

from __future__ import annotations

import random
from itertools import product

import pytest
from django.test import override_settings
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

from bovenwater.monitor.counts import STATS
from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.selectors import table_read
from bovenwater.monitor.suppression import display, suppressed_cells

pytestmark = pytest.mark.django_db

T = 10
Key = tuple[str, int, str, str, str]


def test_display_shows_below_threshold_marker() -> None:
    assert display(None, 10) == "<10"
    assert display(0, 10) == "0"
    assert display(12, 10) == "12"


def test_primary_and_secondary_suppression_in_one_table() -> None:
    counts: dict[Key, int] = {
        ("total", 2024, "*", "*", ""): 60,
        ("melder", 2024, "*", "*", "politie"): 40,
        ("melder", 2024, "*", "*", "ngo"): 15,
        ("melder", 2024, "*", "*", "kmar"): 5,
    }
    hidden = suppressed_cells(counts, T)
    # kmar is small; ngo goes too, or 60 - 40 - 15 would give kmar away.
    assert hidden == {("melder", 2024, "*", "*", "kmar"), ("melder", 2024, "*", "*", "ngo")}


def test_a_view_that_differs_from_its_parent_by_a_small_number_is_hidden() -> None:
    counts: dict[Key, int] = {
        ("total", 2024, "*", "*", ""): 50,
        ("total", 2024, "*", "SEXUAL", ""): 47,
        ("form", 2024, "*", "*", "SEXUAL"): 47,
    }
    hidden = suppressed_cells(counts, T)
    assert ("total", 2024, "*", "SEXUAL", "") in hidden
    # The same cell under its other name shares the decision.
    assert ("form", 2024, "*", "*", "SEXUAL") in hidden
    assert ("total", 2024, "*", "*", "") not in hidden


def registry(seed: int, size: int) -> list[Spec]:
    rng = random.Random(seed)

    def skewed(values: tuple[str, ...]) -> str:
        return rng.choices(values, weights=[8, 3, 1][: len(values)])[0]

    specs = []
    for _ in range(size):
        specs.append(
            Spec(
                year=rng.choice((2023, 2024)),
                police_unit=rng.choices((*UNITS, None), weights=[10, 6, 2, 1])[0],
                melder=skewed(MELDERS),
                minor=rng.choices((True, False, None), weights=[2, 8, 1])[0],
                gender=skewed(GENDERS),
                nationality=rng.choices((*NATIONALITIES, None), weights=[6, 3, 1, 1])[0],
                forms=tuple(
                    f for f, p in zip(FORMS, (0.7, 0.3, 0.1), strict=True) if rng.random() < p
                ),
                methods=tuple(m for m in METHODS if rng.random() < 0.3),
                municipalities=tuple(m for m in MUNICIPALITIES if rng.random() < 0.4),
            )
        )
    return specs


def published_views() -> tuple[dict[Key, int | None], list[tuple[Key, list[Key]]]]:
    """Every number any filtered view shows, and which shown cells add up to a whole."""
    shown: dict[Key, int | None] = {}
    wholes: list[tuple[Key, list[Key]]] = []
    for stat, year, unit, form in product(
        [s.name for s in STATS], (2023, 2024), ("*", *UNITS, "?"), ("*", *FORMS, "?")
    ):
        table = table_read(stat=stat, year=year, police_unit=unit, form=form)
        total_key = ("total", year, unit, form, "")
        shown[total_key] = table.total.count
        keys = []
        for cell in table.cells:
            key = (stat, year, unit, form, cell.value)
            shown[key] = cell.count
            keys.append(key)
        single = next(s for s in STATS if s.name == stat).single_valued
        if single and stat != "total":
            wholes.append((total_key, keys))
    for key in list(shown):
        stat, year, unit, form, value = key
        if unit == "*":
            parts = [
                k
                for k in shown
                if k[0] == stat and k[1:2] == (year,) and k[3:] == (form, value) and k[2] != "*"
            ]
            wholes.append((key, parts))
    return shown, wholes


def contains(outer: Key, inner: Key) -> bool:
    return (
        outer != inner
        and outer[1] == inner[1]
        and outer[2] in (inner[2], "*")
        and outer[3] in (inner[3], "*")
        and (outer[0], outer[4]) in ((inner[0], inner[4]), ("total", ""))
    )


@pytest.mark.parametrize(("seed", "size"), [(1, 80), (2, 160), (3, 300)])
def test_no_two_views_reveal_a_small_cell(seed: int, size: int) -> None:
    create(registry(seed, size))
    with override_settings(SMALL_NUMBER_THRESHOLD=T):
        fill_counts()
    shown, wholes = published_views()
    hidden_somewhere = sum(1 for v in shown.values() if v is None)
    assert hidden_somewhere > 0  # the registry is small enough to need suppression
    assert sum(1 for v in shown.values() if v) > 20  # and large enough to show figures
    for key, count in shown.items():
        assert count is None or count == 0 or count >= T, key
    published = {k: v for k, v in shown.items() if v is not None}
    by_year_stat: dict[tuple[int, str, str], list[Key]] = {}
    for key in published:
        by_year_stat.setdefault((key[1], key[0], key[4]), []).append(key)
    for inner, inner_count in published.items():
        candidates = by_year_stat.get((inner[1], inner[0], inner[4]), []) + by_year_stat.get(
            (inner[1], "total", ""), []
        )
        for outer in candidates:
            if contains(outer, inner):
                difference = published[outer] - inner_count
                assert not 0 < difference < T, (outer, inner, difference)
    for whole, parts in wholes:
        hidden_parts = [p for p in parts if shown[p] is None]
        if shown.get(whole) is None:
            assert hidden_parts or not parts, ("whole hidden but all parts shown", whole)
            continue
        if not hidden_parts:
            continue
        whole_count = shown[whole]
        assert whole_count is not None
        derived = whole_count - sum(v for p in parts if (v := shown[p]) is not None)
        assert len(hidden_parts) >= 2, ("one hidden part is given away", whole, hidden_parts)
        assert not 0 < derived < T, ("hidden parts add up to a small number", whole, derived)
