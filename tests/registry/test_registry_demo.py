"""Demo registrations: published yearly totals, all municipalities, overlapping lists."""

from __future__ import annotations

import pytest

from bovenwater.core.demo import SeedReport
from bovenwater.monitor import demo as monitor_demo
from bovenwater.monitor.models import CountRow
from bovenwater.reference.models import Municipality
from bovenwater.registry import demo
from bovenwater.registry.models import Person, Registration

pytestmark = pytest.mark.django_db


SCALE = 0.1


def test_demo_seed_follows_published_totals_and_is_idempotent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A tenth of the real volume keeps the test fast; ``make run`` seeds it all.
    full = demo._create
    monkeypatch.setattr(demo, "_create", lambda: full(SCALE))
    report = SeedReport()
    demo.seed(report)
    monitor_demo.seed(report)  # the next demo step: the monitor counts the registrations
    per_year = {year: round(values[0] * SCALE) for year, values in demo.YEARS.items()}
    expected = sum(per_year.values())
    assert report.extra["registry_registrations"] == expected
    assert Registration.objects.count() == expected
    totals = dict(
        CountRow.objects.filter(stat="total", police_unit="*", form="*").values_list(
            "year", "count"
        )
    )
    assert totals == per_year
    places = set(
        Registration.crime_municipalities.through.objects.values_list(
            "municipality__code", flat=True
        )
    )
    assert places == set(Municipality.objects.current().values_list("code", flat=True))
    assert len(places) == 342
    persons = Person.objects.count()
    assert expected * 0.9 < persons < expected  # some persons are on more than one list
    minors_2015 = CountRow.objects.get(
        stat="minor", year=2015, police_unit="*", form="*", value="minor"
    ).count
    assert 0.15 < minors_2015 / per_year[2015] < 0.35
    again = SeedReport()
    demo.seed(again)
    monitor_demo.seed(again)
    assert "registry_registrations" not in again.extra
    assert again.extra["monitor_registrations_counted"] == 0
    assert Registration.objects.count() == expected
