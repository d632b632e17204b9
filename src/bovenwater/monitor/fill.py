"""The fill job: count tables from the registry, incrementally, with bookkeeping.

Registrations are append-only, so the job adds the contributions of registrations with
an id above ``FillState.last_registration_id`` and moves that mark. After each fill it
recomputes the suppression flags of the years it touched (all years when the
threshold changed). ``fill_counts(full=True)`` rebuilds the registry's statistics (the chat's
``chat_*`` rows, added by ``add_counts``, cannot be rebuilt and stay).

The mark is an id, so a registration whose transaction commits only after a fill has
moved past its id (possible with concurrent writers on PostgreSQL) is not counted by
later incremental fills; schedule ``--full`` regularly (e.g. nightly) to repair that.

Use it as a background task (``fill_counts()`` is safe to call any time: it locks its
fill state) or from the command line: ``manage.py fill_monitor_counts [--full]``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from bovenwater.monitor.counts import CHAT_PREFIX, Facts, Key, contributions
from bovenwater.monitor.models import UNKNOWN, CountRow, FillState
from bovenwater.monitor.suppression import suppressed_cells, threshold
from bovenwater.registry.selectors import registrations_after

STATE_NAME = "registrations"
BATCH = 5000


@dataclass(frozen=True)
class FillResult:
    registrations_added: int
    cells_written: int
    years_resuppressed: tuple[int, ...]
    last_registration_id: int


def _group(is_dutch: bool | None) -> str:
    if is_dutch is None:
        return "unknown"
    return "dutch" if is_dutch else "non_dutch"


def _minor(value: object) -> str:
    if value is None:
        return "unknown"
    return "minor" if value else "adult"


def facts_after(last_id: int, batch: int = BATCH) -> Iterator[tuple[Facts, datetime]]:
    """Facts of the registrations after ``last_id``, in id order, batch by batch."""
    while True:
        rows = registrations_after(last_id, batch)
        if not rows:
            return
        for row in rows:
            yield (
                Facts(
                    registration_id=row.pk,
                    year=row.registration_date.year,
                    police_unit=row.police_unit_code or UNKNOWN,
                    melder=row.melder_type,
                    minor=_minor(row.is_minor),
                    gender=row.gender,
                    nationality_group=_group(row.is_dutch),
                    nationality=row.nationality_code or UNKNOWN,
                    forms=row.forms,
                    methods=row.methods,
                    municipalities=row.municipalities,
                ),
                row.created_at,
            )
        last_id = rows[-1].pk


def _add(counter: Counter[Key]) -> int:
    years = {key[1] for key in counter}
    existing = {
        (r[1], r[2], r[3], r[4], r[5]): r[0]
        for r in CountRow.objects.filter(year__in=years).values_list(
            "pk", "stat", "year", "police_unit", "form", "value"
        )
    }
    increments: list[tuple[int, int]] = []
    new: list[tuple[str, int, str, str, str, int, bool]] = []
    for key, amount in counter.items():
        pk = existing.get(key)
        if pk is None:
            new.append((*key, amount, False))
        else:
            increments.append((amount, pk))
    quote = connection.ops.quote_name
    table = quote(CountRow._meta.db_table)
    column = quote("count")
    with connection.cursor() as cursor:
        if increments:
            cursor.executemany(
                f"UPDATE {table} SET {column} = {column} + %s WHERE id = %s",  # noqa: S608
                increments,
            )
        if new:
            names = ", ".join(
                quote(n)
                for n in ("stat", "year", "police_unit", "form", "value", "count", "suppressed")
            )
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                new,
            )
    return len(increments) + len(new)


def resuppress(years: Iterable[int], limit: int) -> None:
    for year in sorted(set(years)):
        rows = list(
            CountRow.objects.filter(year=year).values_list(
                "pk", "stat", "year", "police_unit", "form", "value", "count", "suppressed"
            )
        )
        hidden = suppressed_cells({(r[1], r[2], r[3], r[4], r[5]): r[6] for r in rows}, limit)
        flips: dict[bool, list[int]] = {True: [], False: []}
        for r in rows:
            should = (r[1], r[2], r[3], r[4], r[5]) in hidden
            if r[7] != should:
                flips[should].append(r[0])
        for value, ids in flips.items():
            for start in range(0, len(ids), 500):
                CountRow.objects.filter(pk__in=ids[start : start + 500]).update(suppressed=value)


@transaction.atomic
def fill_counts(*, full: bool = False) -> FillResult:
    state, _created = FillState.objects.select_for_update().get_or_create(
        name=STATE_NAME, defaults={"last_registration_id": 0}
    )
    if full:  # the chat's statistics are not rebuilt from the registry (see counts.py)
        CountRow.objects.exclude(stat__startswith=CHAT_PREFIX).delete()
        state.last_registration_id = 0
        state.registrations_counted = 0
        state.last_registration_created_at = None
    limit = threshold()
    counter: Counter[Key] = Counter()
    touched: set[int] = set()
    added = 0
    cells = 0
    for facts, created_at in facts_after(state.last_registration_id):
        counter.update(contributions(facts))
        added += 1
        touched.add(facts.year)
        state.last_registration_id = facts.registration_id
        state.last_registration_created_at = created_at
        if len(counter) > 200_000:
            cells += _add(counter)
            counter.clear()
    cells += _add(counter)
    if state.threshold != limit:
        touched = set(CountRow.objects.values_list("year", flat=True).distinct())
    resuppress(touched, limit)
    state.threshold = limit
    state.registrations_counted += added
    state.filled_at = timezone.now()
    state.save()
    return FillResult(
        registrations_added=added,
        cells_written=cells,
        years_resuppressed=tuple(sorted(touched)),
        last_registration_id=state.last_registration_id,
    )


@dataclass(frozen=True)
class AddResult:
    cells_written: int
    years_resuppressed: tuple[int, ...]


@transaction.atomic
def add_counts(*, name: str, counter: Counter[Key], items: int, last_id: int) -> AddResult:
    """Add counts that another app computed (the chat's ``chat_*`` statistics) to the
    count table, re-decide the suppression of the years touched and keep the fill state
    ``name`` (items counted, the last id, when, with which threshold). Runs in the
    caller's transaction, so the caller's own "counted" marks commit with the counts."""
    if any(not key[0].startswith(CHAT_PREFIX) for key in counter):
        raise ValueError("add_counts adds only statistics filled outside the registry")
    state, _created = FillState.objects.select_for_update().get_or_create(
        name=name, defaults={"last_registration_id": 0}
    )
    limit = threshold()
    cells = _add(counter) if counter else 0
    years = {key[1] for key in counter}
    resuppress(years, limit)
    state.last_registration_id = max(state.last_registration_id, last_id)
    state.registrations_counted += items
    state.threshold = limit
    state.filled_at = timezone.now()
    state.save()
    return AddResult(cells_written=cells, years_resuppressed=tuple(sorted(years)))
