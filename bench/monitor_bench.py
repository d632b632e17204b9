"""Benchmark of the monitor: count-table fill (full, incremental) and dashboard views.

Usage (needs a PostgreSQL server; the database is emptied of registry and monitor rows):

    DATABASE_URL=postgres://bovenwater:bovenwater@127.0.0.1:55441/bench \
        .venv/bin/python bench/monitor_bench.py --registrations 1000000 --incremental 10000

Steps: migrate, load reference data, COPY N generated registrations (2015-2025, the
demo's distributions, 5% of persons on a second melder list) straight into the
registry tables (rows only: this measures the monitor, not the registration service),
time ``fill_counts(full=True)``, COPY ``--incremental`` more and time ``fill_counts()``,
then time each dashboard view in-process with Django's test client (middleware,
selectors, template rendering, no network) and print Markdown rows for bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.update(
    {
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PSEUDONYM_KEY": "bench",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bovenwater.settings",
    }
)

VIEWS = (
    ("dashboard, national, one year", "/monitor/?jaar=2024"),
    ("dashboard, police unit filter", "/monitor/?jaar=2024&eenheid=PE-AMSTERDAM"),
    ("dashboard, form filter", "/monitor/?jaar=2024&vorm=SEXUAL"),
    ("dashboard, unit + form filter", "/monitor/?jaar=2019&eenheid=PE-ROTTERDAM&vorm=LABOUR"),
    ("CSV, nationalities", "/monitor/csv/nationality.csv?jaar=2024"),
    ("API, municipalities table", "/api/v1/monitor/tables/municipality/?year=2024"),
    ("API, trend", "/api/v1/monitor/trend/"),
    ("public open-data page", "/monitor/open-data/"),
)


# Share of registrations of a person already registered (a second melder list); the
# registry demo no longer has such a constant (it draws persons per list), the fill's cost
# does not depend on it.
SECOND_LIST = 0.05


def generate(
    first_id: int, count: int, rng: random.Random, ref: dict[str, Any], persons: list[int]
) -> dict[str, list[tuple[Any, ...]]]:
    from bovenwater.registry import demo

    rows: dict[str, list[tuple[Any, ...]]] = {
        "person": [],
        "registration": [],
        "forms": [],
        "methods": [],
        "places": [],
    }
    years = list(demo.YEARS)
    year_weights = [v[0] for v in demo.YEARS.values()]
    units = list(demo.UNITS)
    unit_weights = list(demo.UNITS.values())
    nat_codes = list(demo.NATIONALITIES)
    nat_weights = list(demo.NATIONALITIES.values())
    melders = list(demo.OTHER_MELDERS)
    melder_weights = list(demo.OTHER_MELDERS.values())
    now = "2026-01-01 00:00:00+00"
    for number in range(first_id, first_id + count):
        if persons and rng.random() < SECOND_LIST:
            person = persons[rng.randrange(len(persons))]
        else:
            persons.append(number)
            person = number
            rows["person"].append((person, hashlib.sha256(str(person).encode()).hexdigest(), now))
        year = rng.choices(years, year_weights)[0]
        _total, sexual, police, minor_share = demo.YEARS[year]
        melder = "politie" if rng.random() < police else rng.choices(melders, melder_weights)[0]
        unit = rng.choices(units, unit_weights)[0]
        nationality = rng.choices(nat_codes, nat_weights)[0]
        minor = rng.random() < minor_share
        age = rng.randint(12, 17) if minor else 18 + min(int(rng.expovariate(1 / 9)), 50)
        forms = demo._forms(rng, sexual)
        day = date(year, 1, 1) + timedelta(days=rng.randrange(300))
        gender = (
            "female" if "SEXUAL" in forms and rng.random() < 0.9 else rng.choice(("male", "female"))
        )
        rows["registration"].append(
            (
                number, person, day, "", melder, ref["units"][unit], gender, age, age,
                minor, ref["nationalities"].get(nationality), None if not nationality else nationality == "NL",
                "unknown", "demo", "", now, "",
            )
        )  # fmt: skip
        for form in forms:
            rows["forms"].append((number, ref["forms"][form]))
            for code, p in demo.METHODS.get(form, {}).items():
                if rng.random() < p:
                    rows["methods"].append((number, ref["methods"][code]))
        if rng.random() > 0.08:
            local = ref["by_unit"][unit]
            rows["places"].append((number, local[int(rng.paretovariate(1.2)) % len(local)]))
    return rows


COLUMNS = {
    "person": ("registry_person", "id, pseudonym, created_at"),
    "registration": (
        "registry_registration",
        "id, person_id, registration_date, reporting_organisation_name, melder_type, "
        "reporting_police_unit_id, gender, age_at_registration, age_at_exploitation_start, "
        "is_minor, nationality_id, is_dutch, b8_status, source, source_reference, created_at, "
        "sex_exploitation_type",
    ),
    "forms": ("registry_registration_forms", "registration_id, exploitationform_id"),
    "methods": ("registry_registration_methods", "registration_id, traffickingmethod_id"),
    "places": ("registry_registration_crime_municipalities", "registration_id, municipality_id"),
}


def copy_rows(rows: dict[str, list[tuple[Any, ...]]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        for name in ("person", "registration", "forms", "methods", "places"):
            table, columns = COLUMNS[name]
            seen: set[tuple[Any, ...]] = set()
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows[name]:
                    if name in ("forms", "methods", "places"):
                        if row in seen:
                            continue
                        seen.add(row)
                    copy.write_row(row)
        for table in ("registry_person", "registry_registration"):
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            cursor.execute(sql)


def reference() -> dict[str, Any]:
    from bovenwater.reference.models import (
        ExploitationForm,
        Municipality,
        Nationality,
        PoliceUnit,
        TraffickingMethod,
    )

    by_unit: dict[str, list[int]] = {}
    for m in Municipality.objects.select_related("police_unit").order_by("-pk"):
        by_unit.setdefault(m.police_unit.code, []).append(m.pk)
    return {
        "units": {u.code: u.pk for u in PoliceUnit.objects.all()},
        "nationalities": {n.code: n.pk for n in Nationality.objects.all()},
        "forms": {f.code: f.pk for f in ExploitationForm.objects.all()},
        "methods": {m.code: m.pk for m in TraffickingMethod.objects.all()},
        "by_unit": by_unit,
    }


def timed(label: str, func: Any) -> Any:
    start = time.perf_counter()
    result = func()
    print(f"{label}: {time.perf_counter() - start:.1f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--incremental", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--views-only", action="store_true", help="Keep the data; time the views only."
    )
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the registrations; time the fills and views."
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database.", file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from tests.support import TEST_PASSWORD, TEST_SECRET, login

    from bovenwater.accounts import services
    from bovenwater.accounts.roles import OrganisationKind, Role
    from bovenwater.monitor.fill import fill_counts
    from bovenwater.monitor.models import CountRow
    from bovenwater.monitor.opendata import release_create
    from bovenwater.reference.models import Municipality

    if not args.views_only:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        ref = reference()
        rng = random.Random(1)
        persons: list[int] = []
        if args.reuse:
            with connection.cursor() as cursor:
                cursor.execute("SELECT max(id) FROM registry_registration")
                args.registrations = cursor.fetchone()[0]
                cursor.execute("SELECT id FROM registry_person")
                persons = [row[0] for row in cursor.fetchall()]
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE monitor_countrow, monitor_fillstate, monitor_opendatarelease, "
                    "registry_registration_forms, registry_registration_methods, "
                    "registry_registration_crime_municipalities, registry_registration, "
                    "registry_person"
                )
            rows = timed(
                f"generate {args.registrations:,} registrations",
                lambda: generate(1, args.registrations, rng, ref, persons),
            )
            timed("COPY into PostgreSQL", lambda: copy_rows(rows))
            rows.clear()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        full = timed("fill_counts(full=True)", lambda: fill_counts(full=True))
        print(
            f"  {full.registrations_added:,} registrations, {CountRow.objects.count():,} count rows"
        )
        more = generate(args.registrations + 1, args.incremental, rng, ref, persons)
        copy_rows(more)
        incremental = timed(f"fill_counts() after {args.incremental:,} new", fill_counts)
        print(
            f"  {incremental.registrations_added:,} registrations, {incremental.cells_written:,} cells"
        )
        release_create()

    user = services.user_create(username=f"bench{time.time_ns()}", password=TEST_PASSWORD)
    services.totp_device_set_known_secret(user=user, secret_base32=TEST_SECRET)
    organisation = services.organisation_create(
        name=f"Bench RIEC {time.time_ns()}",
        kind=OrganisationKind.OTHER,
        municipality=Municipality.objects.get(code="GM0363"),
    )
    client = login(
        Client(), services.membership_add(user=user, organisation=organisation, role=Role.ANALYST)
    )
    print()
    print("| view | median | p95 |")
    print("|---|---|---|")
    for label, url in VIEWS:
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {label} (`{url}`) | {statistics.median(times):.0f} ms | {p95:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
