"""Reading a people file (CSV) at the data owner, with a report of every bad cell.

The file is UTF-8 (a byte-order mark is allowed) with a header holding ``record_id``,
``first_names``, ``surname`` and ``date_of_birth``, and optionally ``sex``,
``nationality`` and ``place_of_birth``; comma, semicolon or tab separated. Error
messages name the row and the column but never repeat a value, so nothing personal
reaches a terminal or a log.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from bovenwater.pprl.encode import Person
from bovenwater.pprl.errors import PPRLInputError
from bovenwater.pprl.normalise import (
    current_year,
    given_names,
    normalise_sex,
    order_free_key,
    parse_date,
    surname_parts,
)

REQUIRED = ("record_id", "first_names", "surname", "date_of_birth")
OPTIONAL = ("sex", "nationality", "place_of_birth")
MAX_REPORTED = 20
MAX_RECORD_ID = 100


@dataclass(frozen=True)
class RowError:
    row: int  # line number in the file (the header is line 1)
    column: str
    message: str
    code: str = ""  # a stable code, for a translated message in the web upload

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class PeopleFileError(PPRLInputError):
    """The file cannot be encoded; ``errors`` lists what is wrong, row by row."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        lines = [str(e) for e in errors[:MAX_REPORTED]]
        if self.total > len(lines):
            lines.append(f"... and {self.total - len(lines)} more")
        super().__init__("\n".join(lines))


def read_people(text: str, *, reference_year: int | None = None) -> list[tuple[str, Person]]:
    """Parse and normalise every row, or raise PeopleFileError with all bad cells."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise PeopleFileError([RowError(1, "", "the file is empty", "file_empty")])
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: Iterator[list[str]] = iter(reader)
    header = [cell.strip().lower() for cell in next(rows)]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise PeopleFileError(
            [
                RowError(1, name, "required column is missing from the header", "missing_column")
                for name in missing
            ]
        )
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise PeopleFileError(
            [
                RowError(1, name, "column occurs more than once", "duplicate_column")
                for name in duplicated
            ]
        )
    index = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    ref = reference_year if reference_year is not None else current_year()
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    out: list[tuple[str, Person]] = []
    for row_number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(
                RowError(
                    row_number, "", f"{len(row)} fields, expected {len(header)}", "field_count"
                )
            )
            continue

        def cell(name: str, row: list[str] = row) -> str:
            return row[index[name]].strip() if name in index else ""

        record_id = cell("record_id")
        if not record_id:
            errors.append(RowError(row_number, "record_id", "empty", "empty"))
        elif len(record_id) > MAX_RECORD_ID or not record_id.isprintable():
            errors.append(
                RowError(
                    row_number,
                    "record_id",
                    f"longer than {MAX_RECORD_ID} characters or contains control characters",
                    "record_id_invalid",
                )
            )
        elif record_id in seen:
            errors.append(
                RowError(
                    row_number,
                    "record_id",
                    f"the same record_id as row {seen[record_id]}",
                    f"duplicate:{seen[record_id]}",
                )
            )
        else:
            seen[record_id] = row_number
        given = given_names(cell("first_names"))
        surname = surname_parts(cell("surname"))
        if not surname:
            errors.append(RowError(row_number, "surname", "empty or without letters", "empty"))
        if cell("first_names") and not (given.names or given.initials):
            errors.append(RowError(row_number, "first_names", "contains no letters", "no_letters"))
        try:
            dob = parse_date(cell("date_of_birth"), reference_year=ref)
        except PPRLInputError as exc:
            code = "date_range" if "range" in str(exc) else "date_unreadable"
            errors.append(RowError(row_number, "date_of_birth", str(exc), code))
            dob = None
        raw_sex = cell("sex")
        sex = normalise_sex(raw_sex) if raw_sex else ""
        order_free = order_free_key(cell("first_names"), cell("surname"))
        person = Person(given=given, surname=surname, dob=dob, sex=sex, order_free=order_free)
        out.append((record_id, person))
    if errors:
        raise PeopleFileError(errors[:MAX_REPORTED], total=len(errors))
    if not out:
        raise PeopleFileError([RowError(2, "", "no data rows", "no_rows")])
    return out
