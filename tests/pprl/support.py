"""Small hand-written people lists for the engine and CLI tests."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from bovenwater.pprl.encode import EncodedFile, Encoder, Header, Keys, read_encodings
from bovenwater.pprl.encode import write_encodings as _write
from bovenwater.pprl.people import read_people

SECRET = b"test-only-linkage-secret-0123456789"
HEADER = ["record_id", "first_names", "surname", "date_of_birth", "sex"]

# (person, source A spelling, source B spelling): each row is one person seen twice.
VARIANTS: list[tuple[tuple[str, str, str, str], tuple[str, str, str, str]]] = [
    (("Maria Johanna", "de Vries", "14-03-1990", "V"), ("Mieke", "Vries, de", "1990-03-14", "F")),
    (("Cornelis", "van der Berg", "02-11-1985", "M"), ("Kees", "Berg, v.d.", "1985-11-02", "")),
    (("Anna", "Jansen-de Boer", "1979-07-21", "V"), ("Anna", "de Boer", "21/7/1979", "vrouw")),
    (
        ("Oleksandr", "Шевченко", "05-06-1996", "M"),
        ("Aleksandr", "Schewtschenko", "1996-06-05", "M"),
    ),
    (("Mohammed", "El-Amrani", "1988-01-09", "M"), ("Muhammad", "Amrani", "09-01-1988", "man")),
    (("Ştefan", "Ionescu", "1993-04-12", "M"), ("Stefan", "Ionesku", "12-04-1993", "")),
    (("Blessing", "Osagie", "1999-12-03", "V"), ("Blessing", "Osagie", "1999-03-12", "F")),  # swap
    (
        ("Katarzyna", "Wiśniewski", "1991-08-00", "V"),
        ("Katarzyna", "Wisniewski", "1991-08-17", "V"),
    ),
    (
        ("Georgios", "Καραγιάννης", "1984-10-30", "M"),
        ("Γεώργιος", "Karagiannis", "30.10.1984", "M"),
    ),
    (("Esther", "Okonkwo", "2001-05-23", "V"), ("Ester", "Okonkwo", "23 mei 2001", "V")),  # typo
    (("Fatma", "Yılmaz", "1995-02-28", "V"), ("Fatima", "Yilmaz", "28-2-1995", "")),
    (("M.J.", "Bakker", "1970-09-15", "M"), ("Marcel Johannes", "Bakker", "15-09-1970", "M")),
]
# Twins: same surname and date of birth, different first names: never one person.
TWINS = [
    ("Sanne", "Visser", "2003-06-06", "V"),
    ("Lotte", "Visser", "2003-06-06", "V"),
]
# A common name with another birthday in the same year: two people.
NAMESAKES = [
    ("Jan", "de Jong", "1990-01-05", "M"),
    ("Jan", "de Jong", "1990-08-19", "M"),
]


def people_csv(rows: list[tuple[str, str, str, str]], prefix: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for number, row in enumerate(rows, start=1):
        writer.writerow([f"{prefix}{number:04d}", *row])
    return out.getvalue()


def source_rows() -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str, str]]]:
    a = [pair[0] for pair in VARIANTS] + [TWINS[0], NAMESAKES[0]]
    b = [pair[1] for pair in VARIANTS] + [TWINS[1], NAMESAKES[1]]
    return a, b


def encode_text(text: str, source: str, secret: bytes = SECRET) -> EncodedFile:
    keys = Keys.from_secret(secret)
    encoder = Encoder(keys)
    people = read_people(text, reference_year=2026)
    buffer_path = Path(_tmp_dir()) / f"{source}.jsonl"
    _write(
        buffer_path,
        Header(source=source, key_fingerprint=keys.fingerprint, records=len(people)),
        ((rid, encoder.encode(p)) for rid, p in people),
    )
    with buffer_path.open(encoding="utf-8") as stream:
        return read_encodings(stream, source)


_TMP: list[str] = []


def _tmp_dir() -> str:
    if not _TMP:
        _TMP.append(tempfile.mkdtemp(prefix="pprl-test-"))
    return _TMP[0]
