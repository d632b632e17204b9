"""``bovenwater linkage``: privacy-preserving record linkage from the command line.

* ``encode PEOPLE.csv --secret-file SECRET --out ENCODED.jsonl [--source NAME]`` runs at
  the data owner, offline; it writes encodings only and prints no personal data.
* ``match ENC1.jsonl ENC2.jsonl [...] --out GROUPS.jsonl [--json]`` needs no secret and
  writes one line per group of two or more records believed to be one person.
* ``overlap ENC1.jsonl ENC2.jsonl [...] --out TABLE.csv`` writes the capture-history
  table that ``bovenwater mse estimate`` reads, each person counted once.

Bad input: a message naming the file, row and column on stderr, exit code 2, and no
output file.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bovenwater.lib import csvsafe
from bovenwater.pprl.encode import (
    EncodedFile,
    Encoder,
    Header,
    Keys,
    read_encodings,
    valid_source_name,
    write_encodings,
)
from bovenwater.pprl.errors import PPRLInputError
from bovenwater.pprl.match import MatchResult, link
from bovenwater.pprl.people import read_people

EXIT_INPUT = 2
PROG = "bovenwater linkage"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``linkage`` command with ``encode``, ``match`` and ``overlap``."""
    parser = subparsers.add_parser(
        "linkage",
        help="privacy-preserving record linkage: encode lists, match them, count overlaps",
        description="Privacy-preserving record linkage with salted, hardened Bloom-filter "
        "encodings. Encode at the data owner; match and overlap need no secret.",
    )
    parser.set_defaults(handler=_usage(parser))
    sub = parser.add_subparsers(dest="linkage_command", metavar="SUBCOMMAND")

    enc = sub.add_parser(
        "encode",
        help="encode a people file (CSV) with a secret; writes no plaintext",
        description="Encode PEOPLE.csv (UTF-8; columns record_id, first_names, surname, "
        "date_of_birth, optionally sex, nationality, place_of_birth).",
    )
    enc.add_argument("people", metavar="PEOPLE.csv")
    enc.add_argument("--secret-file", required=True, metavar="SECRET")
    enc.add_argument("--out", required=True, metavar="ENCODED.jsonl")
    enc.add_argument("--source", metavar="NAME", help="source name (default: the file stem)")
    enc.set_defaults(handler=handle_encode)

    match = sub.add_parser(
        "match",
        help="group the records of two or more encoding files (no secret needed)",
        description="Write one JSON line per group of two or more records believed to be "
        "the same person. No similarity scores are written.",
    )
    match.add_argument("files", nargs="+", metavar="ENC.jsonl")
    match.add_argument("--out", required=True, metavar="GROUPS.jsonl")
    match.add_argument("--json", action="store_true", help="print a JSON summary")
    match.set_defaults(handler=handle_match)

    overlap = sub.add_parser(
        "overlap",
        help="the capture-history table of the linked lists (input of `mse estimate`)",
        description="Write one 0/1 column per source and a 'count' column; every person "
        "is counted once.",
    )
    overlap.add_argument("files", nargs="+", metavar="ENC.jsonl")
    overlap.add_argument("--out", required=True, metavar="TABLE.csv")
    overlap.add_argument("--json", action="store_true", help="print a JSON summary")
    overlap.set_defaults(handler=handle_overlap)


def _usage(parser: argparse.ArgumentParser) -> object:
    def handler(args: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)
        print(f"{PROG}: error: choose a subcommand: encode, match or overlap", file=sys.stderr)
        return EXIT_INPUT

    return handler


def _fail(message: str) -> int:
    for line in message.splitlines() or [""]:
        print(f"{PROG}: error: {line}", file=sys.stderr)
    return EXIT_INPUT


def _write_text_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=".pprl-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _check_out(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise PPRLInputError(f"{path}: the output directory does not exist")


def handle_encode(args: argparse.Namespace) -> int:
    people_path = Path(args.people)
    out = Path(args.out)
    source = args.source if args.source is not None else people_path.stem
    try:
        if not valid_source_name(source):
            raise PPRLInputError(
                "the source name may hold letters, digits, spaces, '_', '-' and '.' "
                "(at most 40); give one with --source"
            )
        try:
            secret = Path(args.secret_file).read_bytes()
        except OSError:
            raise PPRLInputError(f"{args.secret_file}: cannot read the secret file") from None
        keys = Keys.from_secret(secret)
        try:
            text = people_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise PPRLInputError(f"{people_path}: file not found") from None
        except UnicodeDecodeError:
            raise PPRLInputError(f"{people_path}: not UTF-8 text") from None
        except OSError:
            raise PPRLInputError(f"{people_path}: cannot read the file") from None
        try:
            people = read_people(text)
        except PPRLInputError as exc:
            raise PPRLInputError(
                "\n".join(f"{people_path}, {line}" for line in str(exc).splitlines())
            ) from None
        _check_out(out)
    except PPRLInputError as exc:
        return _fail(str(exc))
    encoder = Encoder(keys)
    header = Header(source=source, key_fingerprint=keys.fingerprint, records=len(people))
    write_encodings(out, header, ((rid, encoder.encode(p)) for rid, p in people))
    return 0


def load_files(paths: Sequence[str]) -> list[EncodedFile]:
    files: list[EncodedFile] = []
    for name in paths:
        try:
            with open(name, encoding="utf-8") as stream:
                files.append(read_encodings(stream, name))
        except FileNotFoundError:
            raise PPRLInputError(f"{name}: file not found") from None
        except UnicodeDecodeError:
            raise PPRLInputError(f"{name}: not UTF-8 text") from None
    return files


def groups_jsonl(result: MatchResult) -> str:
    lines = []
    for number, members in enumerate(result.groups(), start=1):
        lines.append(
            json.dumps(
                {
                    "group": f"g{number:06d}",
                    "members": [{"source": s, "record_id": r} for s, r in members],
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    return "".join(line + "\n" for line in lines)


def overlap_csv(result: MatchResult) -> str:
    """The capture-history table: one 0/1 column per source, then ``count``."""
    patterns = result.capture_patterns()
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")  # source names are user input
    writer.writerow([*result.sources, "count"])
    k = len(result.sources)
    for mask in range(1, 2**k):
        count = patterns.get(mask, 0)
        if count:
            writer.writerow([*(mask >> i & 1 for i in range(k)), count])
    return buffer.getvalue()


def _summary(result: MatchResult, seconds: float, extra: dict[str, object]) -> str:
    groups = result.groups()
    persons = len(set(result.labels.tolist()))
    summary: dict[str, object] = {
        "records": result.records,
        "sources": {
            name: len(ids) for name, ids in zip(result.sources, result.data.record_ids, strict=True)
        },
        "groups": len(groups),
        "persons": persons,
        "comparisons": result.comparisons,
        "skipped_blocks": result.skipped_blocks,
        "within_source_duplicates": result.within_source_duplicates,
        # learned: Fellegi-Sunter m by EM and u from random pairs of these lists;
        # fixed: round-number weights for lists too small to learn from
        "weights": "fixed" if result.model is None else "learned",
        "seconds": round(seconds, 3),
        **extra,
    }
    return json.dumps(summary, ensure_ascii=False)


PARALLEL_FROM_RECORDS = 200_000


def _workers(records: int) -> int:
    """Processes for scoring: every core for large lists (forking costs more than it
    saves for small ones)."""
    if records < PARALLEL_FROM_RECORDS:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _run_linkage(args: argparse.Namespace) -> tuple[MatchResult, float] | int:
    started = time.perf_counter()
    out = Path(args.out)
    try:
        _check_out(out)
        files = load_files(args.files)
        result = link(files, workers=_workers(sum(len(f.record_ids) for f in files)))
    except PPRLInputError as exc:
        return _fail(str(exc))
    return result, started


def handle_match(args: argparse.Namespace) -> int:
    outcome = _run_linkage(args)
    if isinstance(outcome, int):
        return outcome
    result, started = outcome
    _write_text_atomically(Path(args.out), groups_jsonl(result))
    if args.json:
        print(_summary(result, time.perf_counter() - started, {}))
    return 0


def handle_overlap(args: argparse.Namespace) -> int:
    outcome = _run_linkage(args)
    if isinstance(outcome, int):
        return outcome
    result, started = outcome
    if not 2 <= len(result.sources) <= 10:
        return _fail("an overlap table needs 2 to 10 sources")
    _write_text_atomically(Path(args.out), overlap_csv(result))
    if args.json:
        print(_summary(result, time.perf_counter() - started, {}))
    return 0
