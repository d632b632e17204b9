"""CSV/XLSX import (all or nothing, per-row report) and the HTCDS exchange."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.registry.models import Person, Registration

pytestmark = pytest.mark.django_db

HEADER = [
    "registratiedatum",
    "voornamen",
    "achternaam",
    "geboortedatum",
    "nationaliteit",
    "soort_melder",
    "politie_eenheid",
    "plaats_delict",
    "uitbuitingsvormen",
    "methoden",
    "gender",
]
GOOD = [
    [
        "2024-02-01",
        "Eva",
        "Bakker",
        "2007-05-04",
        "NL",
        "politie",
        "PE-AMSTERDAM",
        "GM0363",
        "SEXUAL",
        "REC-LOVERBOY",
        "female",
    ],
    [
        "2024-03-11",
        "Piotr",
        "Nowak",
        "1990-01-20",
        "PL",
        "ngo",
        "",
        "GM0599;GM0363",
        "LABOUR",
        "CTL-DEBT-BONDAGE",
        "male",
    ],
    [
        "15-04-2024",
        "Eva",
        "Bákker",
        "2007-05-04",
        "NL",
        "zorgcoordinatie",
        "PE-AMSTERDAM",
        "",
        "SEXUAL",
        "",
        "female",
    ],
]
BAD = [
    "2024-05-01",
    "Ade",
    "Okafor",
    "1999-09-09",
    "NG",
    "politie",
    "PE-NERGENS",
    "GM0363",
    "SEXUAL;ZZZ",
    "",
    "female",
]


def csv_upload(rows: list[list[str]], name: str = "registraties.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


@pytest.fixture
def analyst(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> Membership:
    return make_member(
        role=Role.ANALYST,
        organisation=make_organisation(kind=OrganisationKind.NATIONAL_REGISTRAR),
    )


def test_one_bad_row_imports_nothing_and_reports_that_row(
    analyst: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(analyst)
    response = client.post(
        reverse("registry:import"), {"file": csv_upload([*GOOD, BAD]), "format": "plain"}
    )
    assert response.status_code == 200
    assert Registration.objects.count() == 0
    assert Person.objects.count() == 0
    errors = [(e.row, e.column, e.message) for e in response.context["report"].errors]
    assert errors == [
        (5, "politie_eenheid", "Onbekende politie-eenheid: PE-NERGENS"),
        (5, "uitbuitingsvormen", "Onbekende code voor uitbuitingsvorm: ZZZ"),
    ]
    token = response.context["report_token"]
    download = client.get(reverse("registry:import_report", args=[token]))
    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode().splitlines()
    assert lines[0] == "rij,kolom,fout"
    assert lines[1] == "5,politie_eenheid,Onbekende politie-eenheid: PE-NERGENS"


def test_good_csv_imports_all_rows_in_one_go_and_links_persons(
    analyst: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(analyst)
    response = client.post(
        reverse("registry:import"), {"file": csv_upload(GOOD), "format": "plain"}
    )
    assert response.status_code == 302
    assert Registration.objects.count() == 3
    assert Person.objects.count() == 2  # Eva Bakker and Eva Bákker are one person
    entry = ProcessingLogEntry.objects.get(object_type="registry.registration")
    assert entry.details["count"] == 3


def test_xlsx_import_and_unknown_column(
    analyst: Membership, login_as: Callable[[Membership], Client]
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in GOOD:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    client = login_as(analyst)
    upload = SimpleUploadedFile("r.xlsx", data.getvalue())
    response = client.post(reverse("registry:import"), {"file": upload, "format": "plain"})
    assert response.status_code == 302
    assert Registration.objects.count() == 3
    wrong = io.StringIO()
    csv.writer(wrong).writerows(
        [["registratiedatum", "achternaam", "geboortedatum", "soort_melder", "bsn"]]
    )
    response = client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("x.csv", wrong.getvalue().encode()), "format": "plain"},
    )
    assert [(e.row, e.column, e.message) for e in response.context["report"].errors] == [
        (1, "bsn", "Onbekende kolom: bsn")
    ]
    assert Registration.objects.count() == 3


def test_htcds_export_and_reimport_round_trip(
    analyst: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(analyst)
    client.post(reverse("registry:import"), {"file": csv_upload(GOOD), "format": "plain"})
    exported = b"".join(client.post(reverse("registry:htcds_export")).streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 3
    assert rows[0]["prs_Gender"] == "Feminine"
    assert rows[0]["vic_TypeOfExploitation"] == "SexualExploitation"
    assert rows[0]["vic_MethodOfRecruitment"] == "Friends"  # HTCDS value of the loverboy method
    assert rows[0]["bw_methods"] == "REC-LOVERBOY"
    assert rows[1]["vic_MethodsOfControl"] == "DebtBondage"
    export_log = ProcessingLogEntry.objects.get(action="export")
    assert export_log.details["count"] == 3
    response = client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("h.csv", exported.encode()), "format": "htcds"},
    )
    assert response.status_code == 302
    assert Registration.objects.count() == 6
    assert Person.objects.count() == 2


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.CHAIN_DIRECTOR, Role.CARE_COORDINATOR])
def test_other_roles_may_not_import_or_export(
    role: Role, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(make_member(role=role))
    assert client.get(reverse("registry:import")).status_code == 403
    response = client.post(
        reverse("registry:import"), {"file": csv_upload(GOOD), "format": "plain"}
    )
    assert response.status_code == 403
    assert client.post(reverse("registry:htcds_export")).status_code == 403
    assert Registration.objects.count() == 0
    assert not ProcessingLogEntry.objects.filter(object_type="registry.registration").exists()
