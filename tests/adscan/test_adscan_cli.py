from __future__ import annotations

import json
from pathlib import Path

import pytest

from bovenwater.adscan.generate import generate
from bovenwater.adscan.ingest import IngestError, read_csv, read_jsonl
from bovenwater.cli import main


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse errors
        return int(exc.code or 0)


def test_generate_then_cluster(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    out = tmp_path / "out.jsonl"
    networks = tmp_path / "networks.jsonl"
    assert run(["webscan", "generate", "--n", "400", "--seed", "3", str(corpus)]) == 0
    records = [json.loads(line) for line in corpus.read_text().splitlines()]
    assert len(records) == 400
    assert any("network_id" in r for r in records)
    assert (
        run(["webscan", "cluster", str(corpus), "--out", str(out), "--networks", str(networks)])
        == 0
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    for row in rows:
        assert {"id", "cluster_id", "risk", "indicators", "phones"} <= set(row)
        assert 0.0 <= row["risk"] <= 1.0
        assert all(p.startswith("+") and p[1:].isdigit() for p in row["phones"])
    clustered = [r for r in rows if r["cluster_id"] is not None]
    assert clustered
    nets = [json.loads(line) for line in networks.read_text().splitlines()]
    assert {n["cluster_id"] for n in nets} == {r["cluster_id"] for r in clustered}
    assert all(n["template"]["text"] for n in nets)


def test_cluster_reports_malformed_lines_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a1", "title": "Hoi", "body": "Bel 06-12345678 dag en nacht"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "a2", "title": "x"}),
        json.dumps({"id": "a3", "title": "x", "body": 5}),
        "",
        json.dumps({"id": "a1", "title": "dup", "body": "dup"}),
        json.dumps({"id": 7, "title": "Hi", "body": "Call 0612345678", "city": "Utrecht"}),
    ]
    source.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken\n")
    out = tmp_path / "out.jsonl"
    assert run(["webscan", "cluster", str(source), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "line 2: invalid JSON" in err
    assert "line 3: expected a JSON object, got list" in err
    assert "line 4: missing field(s): body" in err
    assert "line 5: field 'body' must be a string" in err
    assert "line 7: duplicate id 'a1'" in err
    assert "line 9: not valid UTF-8" in err
    assert "2 ads, 6 malformed line(s) skipped" in err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a1", "7"]
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"] is not None  # shared phone
    assert rows[0]["phones"] == ["+31612345678"]
    assert "AVAILABILITY_24_7" in rows[0]["indicators"]


def test_csv_ingest_reports_per_line(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,title,body,city\n1,Hoi,Bel 0612345678,Utrecht\n2,x\n3,a,b,c,d\n")
    items = list(read_csv(source))
    assert [str(i) for i in items if isinstance(i, IngestError)] == [
        "line 3: missing field(s): body",
        "line 4: more fields than the header",
    ]
    assert [i.id for i in items if not isinstance(i, IngestError)] == ["1"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,text\n1,2\n")
    assert [str(i) for i in read_csv(bad)] == ["line 1: header lacks column(s): id, title, body"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    assert list(read_jsonl(empty)) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["webscan", "generate", "--n", "0", "x.jsonl"], "must be at least 1"),
        (["webscan", "generate", "--n", "abc", "x.jsonl"], "not an integer"),
        (["webscan", "generate", "--n", "5"], "required"),
        (["webscan", "cluster", "missing.jsonl", "--out", "o.jsonl"], "cannot read input file"),
        (["webscan", "cluster", "in.jsonl"], "--out"),
        (
            ["webscan", "cluster", "in.jsonl", "--out", "o.jsonl", "--threshold", "2"],
            "between 0 and 1",
        ),
        (
            ["webscan", "generate", "--n", "5", "no/such/dir/x.jsonl"],
            "output folder does not exist",
        ),
        (["webscan"], "required"),
    ],
)
def test_bad_arguments_exit_2_with_message(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text("")
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def _bad_lines() -> list[bytes]:
    return [
        json.dumps({"id": "a1", "title": "Hoi", "body": "Bel 06-12345678 dag en nacht"}).encode(),
        b"{not json",
        b'{"id": "a9", "title": "x", "body": "cut off',
        json.dumps(["a", "list"]).encode(),
        b"",
        b"   \t",
        json.dumps({"id": "a3", "title": "x", "body": 5}).encode(),
        b"\xff\xfe broken",
        json.dumps({"id": 7, "title": "Hi", "body": "Call 0612345678", "city": "Utrecht"}).encode(),
    ]


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("trailing_newline", [True, False])
def test_parsing_in_the_workers_reads_as_the_file_reader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str, trailing_newline: bool
) -> None:
    # Without --networks each process parses the lines it analyses (run_jsonl); with
    # --networks the file is read first (read_jsonl): same output, same messages.
    good = generate(700, seed=4, hard=True)
    lines = [json.dumps(record, ensure_ascii=False).encode() for record in good]
    for offset, bad in enumerate(_bad_lines()):
        lines.insert(offset * 80 + 3, bad)
    lines.append(b'{"id": "last", "title": "Nieuw", "body": "bel 06-12345678"')  # no "}"
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + (b"\n" if trailing_newline else b""))
    outputs = []
    for networks in ([], ["--networks", str(tmp_path / "networks.jsonl")]):
        out = tmp_path / "out.jsonl"
        argv = ["webscan", "cluster", str(source), "--out", str(out), "--workers", workers]
        assert run([*argv, *networks]) == 0
        err = capsys.readouterr().err
        outputs.append((out.read_bytes(), [line for line in err.splitlines() if ": line " in line]))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][1]) == 6  # the malformed lines (blank ones are skipped)
    assert f"line {len(lines)}: invalid JSON" in outputs[0][1][-1]
    assert outputs[0][0].count(b"\n") == 702


def test_duplicate_ids_fall_back_to_reading_the_file_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    records = [
        {"id": "a1", "title": "Hoi", "body": "Bel 06-12345678"},
        {"id": "a2", "title": "Hoi", "body": "Bel 06-87654321"},
        {"id": "a1", "title": "Tweede", "body": "Bel 06-11111111"},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(["webscan", "cluster", str(source), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "line 3: duplicate id 'a1'" in err
    assert "2 ads, 1 malformed line(s) skipped" in err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["phones"]) for r in rows] == [
        ("a1", ["+31612345678"]),
        ("a2", ["+31687654321"]),
    ]
