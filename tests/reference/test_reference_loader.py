"""The reference data loader: full load, idempotence, closing, validation, all-or-nothing."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from bovenwater.reference import loader
from bovenwater.reference.loader import ReferenceDataError, load_reference_data
from bovenwater.reference.models import (
    ExploitationForm,
    Indicator,
    Municipality,
    Nationality,
    PoliceUnit,
    Province,
    SafetyRegion,
    Sector,
    TraffickingMethod,
)

pytestmark = pytest.mark.django_db

EXPECTED_PER_POLICE_UNIT = {
    "Noord-Nederland": 40,
    "Oost-Nederland": 76,
    "Midden-Nederland": 38,
    "Noord-Holland": 32,
    "Amsterdam": 6,
    "Den Haag": 27,
    "Rotterdam": 23,
    "Zeeland-West-Brabant": 37,
    "Oost-Brabant": 32,
    "Limburg": 31,
}
ALL_MODELS = (
    Indicator,
    TraffickingMethod,
    Nationality,
    Sector,
    ExploitationForm,
    Municipality,
    SafetyRegion,
    Province,
    PoliceUnit,
)
WRITES = ("INSERT", "UPDATE", "DELETE")


def _empty_reference_tables() -> None:
    """The session database holds the reference data; tests that need a first load clear it.

    Plain SQL, so Django does not collect related rows of other apps; the test's
    transaction is rolled back. The routing rules per form of exploitation (added when
    the forms are loaded) refer to reference rows, so they go first and the load adds
    them again.
    """

    tables = [apps.get_model("intake", "RoutingRule")._meta.db_table]
    tables += [Indicator.forms.through._meta.db_table, Indicator.sectors.through._meta.db_table]
    tables += [model._meta.db_table for model in ALL_MODELS]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    assert not Municipality.objects.exists()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged data files (without the map geometry)."""
    target = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, target, ignore=shutil.ignore_patterns("geo", "README.md"))
    return target


def _edit(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit did not change {path.name}"
    path.write_text(after, encoding="utf-8")


def _drop_line(path: Path, startswith: str) -> None:
    _edit(
        path,
        lambda text: "".join(
            line for line in text.splitlines(keepends=True) if not line.startswith(startswith)
        ),
    )


def _bump(data_dir: Path, dataset: str, version: str, valid_from: str) -> None:
    """Give ``dataset`` a new version and valid_from in the copied manifest."""
    manifest = data_dir / "manifest.yaml"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"  {dataset}:\n")
    lines[start + 2] = f'    version: "{version}"\n'
    lines[start + 3] = f"    valid_from: {valid_from}\n"
    manifest.write_text("".join(lines), encoding="utf-8")


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        model.__name__: sorted(
            model._default_manager.values_list("code", "valid_from", "valid_to", "data_version")
        )
        for model in ALL_MODELS
    }


# --------------------------------------------------------------------------- full load


def test_first_load_creates_every_entry_with_the_right_regions() -> None:
    _empty_reference_tables()

    report = load_reference_data()

    created = {name: counts.created for name, counts in report.counts.items()}
    assert created == {
        "PoliceUnit": 10,
        "Province": 12,
        "SafetyRegion": 25,
        "Municipality": 342,
        "ExploitationForm": 6,
        "Sector": 17,
        "Nationality": 249,
        "TraffickingMethod": 25,
        "Indicator": 94,
    }
    assert all(c.updated == c.unchanged == c.closed == 0 for c in report.counts.values())
    assert Municipality.objects.count() == 342
    per_unit = Counter(Municipality.objects.values_list("police_unit__name", flat=True))
    assert dict(per_unit) == EXPECTED_PER_POLICE_UNIT
    amsterdam = Municipality.objects.select_related("safety_region", "police_unit", "province").get(
        code="GM0363"
    )
    assert (
        amsterdam.name,
        amsterdam.safety_region.code,
        amsterdam.police_unit.code,
        amsterdam.province.code,
    ) == (
        "Amsterdam",
        "VR13",
        "PE-AMSTERDAM",
        "PV27",
    )
    # A municipality's police unit is always the police unit of its safety region.
    assert not Municipality.objects.exclude(police_unit=F("safety_region__police_unit")).exists()
    assert report.seconds > 0  # measured, never bounded here: bench/reference_bench.py


def test_entries_get_the_manifest_version_and_valid_from() -> None:
    _empty_reference_tables()
    load_reference_data()

    for model in ALL_MODELS:
        rows = set(model._default_manager.values_list("valid_from", "valid_to", "data_version"))
        assert rows == {(date(2025, 1, 1), None, "2025.1")}, model.__name__


def test_second_run_changes_nothing_and_writes_nothing() -> None:
    load_reference_data()
    before = _snapshot()

    with CaptureQueriesContext(connection) as queries:
        report = load_reference_data()

    for name, counts in report.counts.items():
        assert (counts.created, counts.updated, counts.closed) == (0, 0, 0), name
    assert report.counts["Municipality"].unchanged == 342
    assert report.counts["Indicator"].unchanged == 94
    assert report.counts["Nationality"].unchanged == 249
    assert not report.changed
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert writes == []
    assert _snapshot() == before


def test_the_management_command_reports_counts() -> None:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    text = out.getvalue()
    assert "Municipality" in text
    assert "342" in text
    assert "already up to date" in text


# --------------------------------------------------------------------------- changes


def test_removed_entries_are_closed_not_deleted(data_copy: Path) -> None:
    load_reference_data()
    _drop_line(data_copy / "gemeenten_2025.csv", "GM0014,")
    _drop_line(data_copy / "sectors.csv", "OTHER,")

    report = load_reference_data(data_copy)

    assert report.counts["Municipality"].closed == 1
    assert report.counts["Municipality"].unchanged == 341
    assert report.counts["Sector"].closed == 1
    groningen = Municipality.objects.get(code="GM0014")  # still there
    # Same valid_from as the entry: the period cannot end before it began.
    assert groningen.valid_to == date(2025, 1, 1)
    assert Municipality.objects.current().count() == 341
    assert not Municipality.objects.current().filter(code="GM0014").exists()
    assert Sector.objects.filter(code="OTHER", valid_to__isnull=False).exists()

    again = load_reference_data(data_copy)
    assert again.counts["Municipality"].closed == 0  # already closed: nothing to do
    assert not again.changed


def test_removal_in_a_new_version_ends_the_day_before_it(data_copy: Path) -> None:
    load_reference_data()
    _drop_line(data_copy / "sectors.csv", "OTHER,")
    _bump(data_copy, "sectors", "2026.1", "2026-01-01")

    report = load_reference_data(data_copy)

    assert report.counts["Sector"].closed == 1
    assert report.counts["Sector"].unchanged == 16
    other = Sector.objects.get(code="OTHER")
    assert other.valid_to == date(2025, 12, 31)
    assert Sector.objects.valid_on(date(2025, 12, 31)).filter(code="OTHER").exists()
    assert not Sector.objects.valid_on(date(2026, 1, 1)).filter(code="OTHER").exists()
    # Unchanged entries keep the version that last changed them.
    assert set(Sector.objects.current().values_list("data_version", flat=True)) == {"2025.1"}


def test_an_entry_that_comes_back_is_reopened(data_copy: Path) -> None:
    load_reference_data()
    original = data_copy / "sectors.csv"
    kept = original.read_text(encoding="utf-8")
    _drop_line(original, "OTHER,")
    load_reference_data(data_copy)
    original.write_text(kept, encoding="utf-8")

    report = load_reference_data(data_copy)

    assert report.counts["Sector"].updated == 1
    assert Sector.objects.get(code="OTHER").valid_to is None


def test_changed_entries_are_updated_in_place(data_copy: Path) -> None:
    load_reference_data()
    pk = Sector.objects.get(code="CLEANING").pk
    _edit(
        data_copy / "sectors.csv",
        lambda t: t.replace("CLEANING,Schoonmaak,", "CLEANING,Schoonmaakbranche,"),
    )
    _bump(data_copy, "sectors", "2025.2", "2025-01-01")

    report = load_reference_data(data_copy)

    assert (report.counts["Sector"].updated, report.counts["Sector"].unchanged) == (1, 16)
    cleaning = Sector.objects.get(code="CLEANING")
    assert (cleaning.pk, cleaning.name_nl, cleaning.data_version) == (
        pk,
        "Schoonmaakbranche",
        "2025.2",
    )
    assert Sector.objects.get(code="HOSPITALITY").data_version == "2025.1"


def test_a_changed_form_list_updates_the_indicator_links(data_copy: Path) -> None:
    load_reference_data()
    assert set(Indicator.objects.get(code="ILO-08").forms.values_list("code", flat=True)) == {
        "LABOUR"
    }
    _edit(
        data_copy / "indicators.yaml",
        lambda t: t.replace(
            "      - code: ILO-08\n", "      - code: ILO-08\n        forms: [LABOUR, CRIMINAL]\n", 1
        ).replace("        forms: [LABOUR]\n      - code: ILO-09", "      - code: ILO-09", 1),
    )

    report = load_reference_data(data_copy)

    assert (report.counts["Indicator"].updated, report.counts["Indicator"].unchanged) == (1, 93)
    assert set(Indicator.objects.get(code="ILO-08").forms.values_list("code", flat=True)) == {
        "LABOUR",
        "CRIMINAL",
    }
    assert not load_reference_data(data_copy).changed


def test_dry_run_counts_but_writes_nothing(data_copy: Path) -> None:
    load_reference_data()
    before = _snapshot()
    _drop_line(data_copy / "gemeenten_2025.csv", "GM0014,")

    report = load_reference_data(data_copy, dry_run=True)

    assert report.dry_run
    assert report.counts["Municipality"].closed == 1
    assert _snapshot() == before


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("file_name", "change", "expected"),
    [
        (
            "indicators.yaml",
            lambda t: t.replace("forms: [LABOUR, CRIMINAL, SEXUAL]", "forms: [LABOUR, SEXUEL]", 1),
            ["indicators.yaml, line", "(code ILO-01)", "unknown forms: SEXUEL"],
        ),
        (
            "gemeenten_2025.csv",
            lambda t: t.replace(
                "GM0034,Almere,VR25,Flevoland,Midden-Nederland,Flevoland", "GM0034,Almere,VR25"
            ),
            ["gemeenten_2025.csv, line 3", "expected 6 columns, found 3"],
        ),
        (
            "gemeenten_2025.csv",
            lambda t: t.replace(
                "GM0034,Almere,VR25,Flevoland,Midden-Nederland",
                "GM0034,Almere,VR25,Flevoland,Midden-Holland",
            ),
            [
                "gemeenten_2025.csv, line 3 (code GM0034)",
                "unknown politie_eenheid 'Midden-Holland'",
            ],
        ),
        (
            "sectors.csv",
            lambda t: t.replace("CLEANING,", "HOSPITALITY,", 1),
            ["sectors.csv, line", "code HOSPITALITY is used twice"],
        ),
        (
            "nationalities.csv",
            lambda t: t.replace(
                "NL,NLD,Nederland,Netherlands,NL", "NL,NLD,Nederland,Netherlands,Benelux"
            ),
            ["nationalities.csv, line", "(code NL)", "region_group 'Benelux'"],
        ),
        (
            "exploitation_forms.yaml",
            lambda t: t.replace("    htcds_values: [OrganRemoval]\n", ""),
            ["exploitation_forms.yaml, line", "(code ORGAN-REMOVAL)", "htcds_values is missing"],
        ),
        (
            "trafficking_methods.yaml",
            lambda t: t.replace(
                "recruitment:\n",
                "recruitment:\n  - {code: REC-X, htcds_value: X, name_nl: [broken\n",
                1,
            ),
            ["trafficking_methods.yaml, line", "not valid YAML"],
        ),
        (
            "manifest.yaml",
            lambda t: t.replace('version: "2025.1"', "version: 2025.1", 1),
            [
                "manifest.yaml",
                "(datasets.regions)",
                'version must be a quoted string like "2025.1"',
            ],
        ),
    ],
)
def test_a_malformed_file_is_reported_clearly_and_nothing_is_written(
    data_copy: Path, file_name: str, change: Callable[[str], str], expected: list[str]
) -> None:
    load_reference_data()
    # A valid change in an earlier file must not be written either.
    _edit(data_copy / "sectors.csv", lambda t: t.replace("RETAIL,Detailhandel,", "RETAIL,Winkels,"))
    _edit(data_copy / file_name, change)
    before = _snapshot()

    with pytest.raises(ReferenceDataError) as caught:
        load_reference_data(data_copy)

    message = str(caught.value)
    for fragment in expected:
        assert fragment in message
    assert _snapshot() == before
    assert Sector.objects.get(code="RETAIL").name_nl == "Detailhandel"


def test_all_problems_are_reported_at_once(data_copy: Path) -> None:
    _edit(
        data_copy / "sectors.csv",
        lambda t: t.replace("CLEANING,Schoonmaak,Cleaning,N", "cleaning,,Cleaning,Z"),
    )

    with pytest.raises(ReferenceDataError) as caught:
        load_reference_data(data_copy)

    reasons = [problem.reason for problem in caught.value.problems]
    assert len(reasons) == 4
    assert any("does not match" in reason for reason in reasons)
    assert any("name_nl is missing" in reason for reason in reasons)
    assert any("isic_section 'Z'" in reason for reason in reasons)
    # ... and the indicators that still refer to the sector by its old code.
    assert any(reason.startswith("unknown sectors: CLEANING") for reason in reasons)


def test_the_command_turns_invalid_data_into_a_command_error(data_copy: Path) -> None:
    (data_copy / "sectors.csv").unlink()
    with pytest.raises(CommandError, match=r"manifest.yaml.*sectors.csv' not found"):
        call_command("load_reference_data", data_dir=data_copy)


def test_a_failure_while_writing_rolls_everything_back(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_reference_data()
    _edit(data_copy / "sectors.csv", lambda t: t.replace("RETAIL,Detailhandel,", "RETAIL,Winkels,"))
    real_sync = loader._sync

    def failing_sync(
        batch: loader.Batch, pks: dict[loader.ReferenceModel, dict[str, int]]
    ) -> loader.Counts:
        if batch.model is Indicator:
            raise RuntimeError("disk full")
        return real_sync(batch, pks)

    monkeypatch.setattr(loader, "_sync", failing_sync)

    with pytest.raises(RuntimeError, match="disk full"):
        load_reference_data(data_copy)

    assert Sector.objects.get(code="RETAIL").name_nl == "Detailhandel"
