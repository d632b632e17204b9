"""CSV/XLSX import and HTCDS-compatible exchange of registrations.

An import is validated completely before anything is written: one bad row and the
whole file is refused, with a per-row error report (Dutch, naming unknown codes) that
can be downloaded as CSV. A valid file is written in one transaction.

Plain import columns (header row, names as below, multi-valued cells separated by
``;``) carry identifying fields for the pseudonym; the HTCDS format carries an
already computed pseudonym (``bw_pseudonym``) and uses HTCDS v2 field names where the
standard has them, ``bw_`` columns where it has none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.lib import csvsafe
from bovenwater.registry.models import Gender, Registration, Source
from bovenwater.registry.services import (
    ReferenceIndex,
    RegistrationInput,
    ResolvedRegistration,
    registrations_import,
    resolve_registration,
)

MAX_ROWS = 20_000

# Plain import: column -> RegistrationInput field.
COLUMNS: dict[str, str] = {
    "registratiedatum": "registration_date",
    "voornamen": "first_names",
    "achternaam": "last_name",
    "geboortedatum": "date_of_birth",
    "nationaliteit": "nationality_code",
    "meldende_organisatie": "reporting_organisation_name",
    "soort_melder": "melder_type",
    "politie_eenheid": "reporting_police_unit_code",
    "plaats_delict": "crime_municipality_codes",
    "uitbuitingsvormen": "form_codes",
    "sector": "sector_code",
    "soort_seksuele_uitbuiting": "sex_exploitation_type",
    "methoden": "method_codes",
    "gender": "gender",
    "leeftijd_registratie": "age_at_registration",
    "leeftijd_begin_uitbuiting": "age_at_exploitation_start",
    "b8_status": "b8_status",
}
REQUIRED = ("registratiedatum", "achternaam", "geboortedatum", "soort_melder")

# HTCDS exchange: column -> RegistrationInput field.
HTCDS_COLUMNS: dict[str, str] = {
    "bw_pseudonym": "pseudonym",
    "bw_registration_date": "registration_date",
    "org_Name": "reporting_organisation_name",
    "bw_melder_type": "melder_type",
    "bw_police_unit": "reporting_police_unit_code",
    "vic_LocationOfExploitation": "crime_municipality_codes",
    "bw_forms": "form_codes",
    "vic_TypeOfExploitation": "",
    "vic_ForcedLabourIndustry": "",
    "bw_sector": "sector_code",
    "bw_sex_exploitation_type": "sex_exploitation_type",
    "vic_MethodOfRecruitment": "",
    "vic_MethodsOfControl": "",
    "bw_methods": "method_codes",
    "prs_Gender": "gender",
    "bw_age_at_registration": "age_at_registration",
    "vic_AgeWhenTrafficked": "age_at_exploitation_start",
    "prs_Citizenship": "nationality_code",
    "bw_b8_status": "b8_status",
    # export only: the linked person (the first pseudonym of the group the registry's
    # latest de-duplication run formed; empty without a run), for counting people
    "bw_linked_person": "",
}
HTCDS_REQUIRED = ("bw_pseudonym", "bw_registration_date", "bw_melder_type")
HTCDS_GENDER = {
    Gender.FEMALE: "Feminine",
    Gender.MALE: "Masculine",
    Gender.OTHER: "NonConforming",
    Gender.UNKNOWN: "NotSpecified",
}
MULTI = {"crime_municipality_codes", "form_codes", "method_codes"}
INTEGERS = {"age_at_registration", "age_at_exploitation_start"}
DATES = {"registration_date", "date_of_birth"}


@dataclass(frozen=True)
class RowError:
    row: int  # 1 = the header row; data rows start at 2
    column: str
    message: str


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: list[Registration] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(upload: IO[bytes], file_name: str) -> list[list[str]]:
    """Rows of a CSV (UTF-8, comma or semicolon) or XLSX file, as strings."""
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook  # noqa: PLC0415 - openpyxl costs ~0.15 s to import; only spreadsheet imports need it

        workbook = load_workbook(upload, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        table: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            table.append([_cell_text(v) for v in values])
        workbook.close()
        return table
    text = upload.read().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;") if text.strip() else csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time of day)
        except ValueError:
            continue
    raise ValueError(text)


def _row_input(
    values: dict[str, str], mapping: dict[str, str], row: int, errors: list[RowError]
) -> RegistrationInput | None:
    kwargs: dict[str, Any] = {}
    ok = True
    for column, name in mapping.items():
        if not name or column not in values:
            continue
        text = values[column].strip()
        if not text:
            continue
        if name in MULTI:
            kwargs[name] = [part.strip() for part in text.split(";") if part.strip()]
        elif name in DATES:
            try:
                kwargs[name] = _parse_date(text)
            except ValueError:
                errors.append(
                    RowError(row, column, _("Geen geldige datum: %(value)s") % {"value": text})
                )
                ok = False
        elif name in INTEGERS:
            if not text.isdigit():
                errors.append(
                    RowError(row, column, _("Geen geldig getal: %(value)s") % {"value": text})
                )
                ok = False
            else:
                kwargs[name] = int(text)
        elif name == "gender" and mapping is HTCDS_COLUMNS:
            reverse = {v: k for k, v in HTCDS_GENDER.items()}
            kwargs[name] = reverse.get(text, text)
        else:
            kwargs[name] = text
    if "registration_date" not in kwargs:
        if ok:
            errors.append(RowError(row, "", _("De registratiedatum ontbreekt.")))
        return None
    return RegistrationInput(**kwargs) if ok else None


COLUMN_FOR_FIELD = {name: column for column, name in COLUMNS.items()}
HTCDS_COLUMN_FOR_FIELD = {name: column for column, name in HTCDS_COLUMNS.items() if name}


def validate_table(
    table: Sequence[Sequence[str]], *, htcds: bool, file_name: str = ""
) -> tuple[ImportReport, list[ResolvedRegistration]]:
    report = ImportReport(file_name=file_name)
    mapping = HTCDS_COLUMNS if htcds else COLUMNS
    required = HTCDS_REQUIRED if htcds else REQUIRED
    column_for = HTCDS_COLUMN_FOR_FIELD if htcds else COLUMN_FOR_FIELD
    if not table:
        report.errors.append(RowError(1, "", _("Het bestand is leeg.")))
        return report, []
    header = [h.strip() for h in table[0]]
    unknown = [h for h in header if h and h not in mapping]
    for column in unknown:
        report.errors.append(
            RowError(1, column, _("Onbekende kolom: %(column)s") % {"column": column})
        )
    for column in required:
        if column not in header:
            report.errors.append(
                RowError(
                    1, column, _("Verplichte kolom ontbreekt: %(column)s") % {"column": column}
                )
            )
    if report.errors:
        return report, []
    data = [row for row in table[1:] if any(cell.strip() for cell in row)]
    if len(data) > MAX_ROWS:
        report.errors.append(
            RowError(1, "", _("Te veel rijen: hoogstens %(max)s per bestand.") % {"max": MAX_ROWS})
        )
        return report, []
    index = ReferenceIndex()
    resolved: list[ResolvedRegistration] = []
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        report.rows += 1
        values = {header[i]: row[i] if i < len(row) else "" for i in range(len(header))}
        data_input = _row_input(values, mapping, number, report.errors)
        if data_input is None:
            continue
        try:
            resolved.append(resolve_registration(data_input, index))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    report.errors.append(RowError(number, column_for.get(name, name), message))
    return report, resolved


def import_file(
    *, actor: Actor, upload: IO[bytes], file_name: str, htcds: bool = False
) -> ImportReport:
    """Validate the whole file; write all rows in one transaction, or none."""
    try:
        table = read_table(upload, file_name)
    except (ValueError, UnicodeDecodeError, csv.Error, KeyError, OSError):
        report = ImportReport(file_name=file_name)
        report.errors.append(
            RowError(0, "", _("Het bestand kan niet worden gelezen als CSV of XLSX."))
        )
        return report
    report, resolved = validate_table(table, htcds=htcds, file_name=file_name)
    if report.ok:
        report.created = registrations_import(
            actor=actor,
            rows=resolved,
            source=Source.HTCDS if htcds else Source.IMPORT,
            file_name=file_name,
        )
    return report


def error_report_csv(errors: Iterable[RowError]) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow([_("rij"), _("kolom"), _("fout")])
    for error in errors:
        writer.writerow([error.row, error.column, error.message])
    return out.getvalue()


def htcds_rows(
    registrations: Iterable[Registration], linked_person: Callable[[str], str] | None = None
) -> Iterable[list[str]]:
    """Header and one row per registration in the HTCDS exchange format;
    ``linked_person`` gives the linked person's key of a pseudonym (column
    ``bw_linked_person``, empty without it)."""
    columns = list(HTCDS_COLUMNS)
    yield columns
    for r in registrations:
        forms = list(r.forms.all())
        methods = list(r.methods.all())
        htcds_types = sorted({value for form in forms for value in form.htcds_values})
        values = {
            "bw_pseudonym": r.person.pseudonym,
            "bw_registration_date": r.registration_date.isoformat(),
            "org_Name": r.reporting_organisation_name,
            "bw_melder_type": r.melder_type,
            "bw_police_unit": r.reporting_police_unit.code if r.reporting_police_unit else "",
            "vic_LocationOfExploitation": ";".join(m.code for m in r.crime_municipalities.all()),
            "bw_forms": ";".join(f.code for f in forms),
            "vic_TypeOfExploitation": ";".join(htcds_types),
            "vic_ForcedLabourIndustry": r.sector.isic_section if r.sector else "",
            "bw_sector": r.sector.code if r.sector else "",
            "bw_sex_exploitation_type": r.sex_exploitation_type,
            "vic_MethodOfRecruitment": ";".join(
                m.htcds_value for m in methods if m.kind == "recruitment" and m.htcds_value
            ),
            "vic_MethodsOfControl": ";".join(
                m.htcds_value for m in methods if m.kind == "control" and m.htcds_value
            ),
            "bw_methods": ";".join(m.code for m in methods),
            "prs_Gender": HTCDS_GENDER.get(Gender(r.gender), "NotSpecified"),
            "bw_age_at_registration": ""
            if r.age_at_registration is None
            else str(r.age_at_registration),
            "vic_AgeWhenTrafficked": ""
            if r.age_at_exploitation_start is None
            else str(r.age_at_exploitation_start),
            "prs_Citizenship": r.nationality.code if r.nationality else "",
            "bw_b8_status": r.b8_status,
            "bw_linked_person": linked_person(r.person.pseudonym) if linked_person else "",
        }
        yield [values[column] for column in columns]
