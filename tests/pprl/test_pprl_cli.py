"""The ``bovenwater linkage`` command line: the contract other tools depend on."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.pprl.support import SECRET, VARIANTS, people_csv, source_rows

from bovenwater.cli import main
from bovenwater.mse import CaptureTable
from bovenwater.pprl import FORMAT_VERSION

NAMES_THAT_MUST_NOT_LEAK = [
    "Vries",
    "Mieke",
    "Okonkwo",
    "Osagie",
    "Amrani",
    "Karagiannis",
    "Wisniewski",
    "Bakker",
    "Visser",
    "1990-03-14",
    "14-03-1990",
]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    secret = tmp_path / "secret.key"
    secret.write_bytes(SECRET + b"\n")
    rows_a, rows_b = source_rows()
    rows_c = [pair[0] for pair in VARIANTS[:4]]  # a third list: four people seen again
    paths = {"secret": secret}
    for name, rows, prefix in (
        ("politie", rows_a, "P"),
        ("opvang", rows_b, "O"),
        ("kmar", rows_c, "K"),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(people_csv(rows, prefix), encoding="utf-8")
        paths[name] = path
    return paths


def encode(files: dict[str, Path], name: str, *extra: str) -> Path:
    out = files[name].with_suffix(".jsonl")
    code = main(
        [
            "linkage",
            "encode",
            str(files[name]),
            "--secret-file",
            str(files["secret"]),
            "--out",
            str(out),
            *extra,
        ]
    )
    assert code == 0
    return out


def test_encode_writes_header_and_records_without_plaintext(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = encode(files, "politie")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "bovenwater-pprl"
    assert header["version"] == FORMAT_VERSION
    assert header["source"] == "politie"  # default: the file stem
    assert len(header["key_fingerprint"]) == 16
    assert header["records"] == len(lines) - 1 == len(source_rows()[0])
    assert set(json.loads(lines[1])) == {"r", "e"}
    text = out.read_text(encoding="utf-8").lower()
    for name in NAMES_THAT_MUST_NOT_LEAK:
        assert name.lower() not in text


def test_encode_source_option(files: dict[str, Path]) -> None:
    out = encode(files, "politie", "--source", "Politie NO")
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["source"] == "Politie NO"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("record_id,first_names,surname\nP1,Anna,Bos\n", "row 1, column date_of_birth"),
        (
            "record_id,first_names,surname,date_of_birth\nP1,Anna,Bos,1990-01-01\n"
            "P2,Piet,Vos,31-02-1990\n",
            "row 3, column date_of_birth: not a readable date",
        ),
        (
            "record_id,first_names,surname,date_of_birth\nP1,Anna,,1990-01-01\n",
            "row 2, column surname",
        ),
        (
            "record_id,first_names,surname,date_of_birth\nP1,Anna,Bos,1990-01-01\n"
            "P1,Piet,Vos,1990-01-01\n",
            "row 3, column record_id: the same record_id as row 2",
        ),
        ("record_id,first_names,surname,date_of_birth\nP1,Anna,Bos\n", "row 2: 3 fields"),
        ("", "the file is empty"),
    ],
)
def test_encode_bad_input_exits_2_names_row_and_column_and_writes_nothing(
    tmp_path: Path,
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    content: str,
    expected: str,
) -> None:
    people = tmp_path / "bad.csv"
    people.write_text(content, encoding="utf-8")
    out = tmp_path / "bad.jsonl"
    code = main(
        ["linkage", "encode", str(people), "--secret-file", str(files["secret"]), "--out", str(out)]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert expected in captured.err
    assert captured.out == ""
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pprl-")] == []
    for value in ("Anna", "Piet", "31-02-1990"):
        assert value not in captured.err


def test_encode_refuses_a_short_secret_and_a_bad_source_name(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    weak = tmp_path / "weak.key"
    weak.write_bytes(b"1234")
    out = tmp_path / "x.jsonl"
    assert (
        main(
            [
                "linkage",
                "encode",
                str(files["politie"]),
                "--secret-file",
                str(weak),
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "too short" in capsys.readouterr().err
    assert (
        main(
            [
                "linkage",
                "encode",
                str(files["politie"]),
                "--secret-file",
                str(files["secret"]),
                "--out",
                str(out),
                "--source",
                "a,b",
            ]
        )
        == 2
    )
    assert "source name" in capsys.readouterr().err
    assert not out.exists()


def test_match_writes_groups_only_and_a_json_summary(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    encoded = [encode(files, n) for n in ("politie", "opvang", "kmar")]
    out = tmp_path / "groups.jsonl"
    code = main(["linkage", "match", *map(str, encoded), "--out", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert {"records", "groups", "seconds"} <= set(summary)
    assert summary["records"] == len(source_rows()[0]) * 2 + 4
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert summary["groups"] == len(lines) == len(VARIANTS)
    for group in lines:
        assert set(group) == {"group", "members"}
        assert isinstance(group["group"], str)
        assert len(group["members"]) >= 2
        for member in group["members"]:
            assert set(member) == {"source", "record_id"}
    by_size = sorted(len(g["members"]) for g in lines)
    assert by_size == [2] * (len(VARIANTS) - 4) + [3] * 4
    text = out.read_text(encoding="utf-8").lower() + captured.out.lower()
    for name in NAMES_THAT_MUST_NOT_LEAK:
        assert name.lower() not in text
    assert "score" not in text and "similar" not in text


def test_overlap_table_is_read_by_mse_and_counts_each_person_once(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    encoded = [encode(files, n) for n in ("politie", "opvang", "kmar")]
    out = tmp_path / "table.csv"
    assert main(["linkage", "overlap", *map(str, encoded), "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["politie", "opvang", "kmar", "count"]
    table = CaptureTable.from_csv(out)
    persons = len(VARIANTS) + 4  # linked people + twins (2) + namesakes (2)
    assert table.observed == persons
    assert table.list_totals() == {"politie": 14, "opvang": 14, "kmar": 4}
    capsys.readouterr()
    assert main(["mse", "estimate", str(out), "--method", "fixed", "--model", "", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["observed"] == persons


def test_match_refuses_mixed_secrets_and_writes_nothing(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    first = encode(files, "politie")
    other_secret = tmp_path / "other.key"
    other_secret.write_bytes(SECRET + b"-other")
    second = tmp_path / "opvang.jsonl"
    assert (
        main(
            [
                "linkage",
                "encode",
                str(files["opvang"]),
                "--secret-file",
                str(other_secret),
                "--out",
                str(second),
            ]
        )
        == 0
    )
    out = tmp_path / "groups.jsonl"
    assert main(["linkage", "match", str(first), str(second), "--out", str(out)]) == 2
    assert "different secrets" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json\n", "line 1: not a bovenwater encoding file"),
        ('{"format": "bovenwater-pprl", "version": 9}\n', "format version 9 is not supported"),
    ],
)
def test_match_refuses_a_damaged_file(
    tmp_path: Path,
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    content: str,
    expected: str,
) -> None:
    good = encode(files, "politie")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["linkage", "overlap", str(good), str(bad), "--out", str(out)]) == 2
    assert expected in capsys.readouterr().err
    assert not out.exists()


def test_a_truncated_record_is_reported_by_line(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    good = encode(files, "politie")
    lines = good.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[3])
    record["e"] = record["e"][:-8]
    lines[3] = json.dumps(record)
    bad = tmp_path / "cut.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    other = encode(files, "opvang")
    assert main(["linkage", "match", str(other), str(bad), "--out", str(tmp_path / "g")]) == 2
    assert "line 4: the encoding has the wrong length" in capsys.readouterr().err


def test_match_needs_two_files(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    good = encode(files, "politie")
    assert main(["linkage", "match", str(good), "--out", str(tmp_path / "g.jsonl")]) == 2
    assert "at least two" in capsys.readouterr().err


def test_subcommand_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["linkage"]) == 2
    assert "encode, match or overlap" in capsys.readouterr().err
