"""Reading advertisements from JSONL and CSV files.

A malformed line never stops a run: it is reported as an :class:`IngestError` with
its line number and reason, and reading goes on with the next line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from bovenwater.adscan.model import Ad

REQUIRED = ("id", "title", "body")
OPTIONAL = ("city", "posted_at", "url")
MAX_TEXT = 50_000


@dataclass(frozen=True, slots=True)
class IngestError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def ad_from_mapping(data: Any) -> Ad | str:
    """An :class:`Ad` from a decoded record, or the reason it is not one."""
    if type(data) is dict:
        # the common case in a few checks: every field of a JSON type that needs none
        # of the conversions below; anything else takes the full checks
        ad_id = data.get("id")
        title = data.get("title")
        body = data.get("body")
        city = data.get("city")
        posted_at = data.get("posted_at")
        url = data.get("url")
        if (
            type(ad_id) is str
            and type(title) is str
            and type(body) is str
            and (city is None or type(city) is str)
            and (posted_at is None or type(posted_at) is str)
            and (url is None or type(url) is str)
            and len(title) <= MAX_TEXT
            and len(body) <= MAX_TEXT
        ):
            ad_id = ad_id.strip()
            if ad_id:
                return Ad(ad_id, title, body, city or None, posted_at or None, url or None)
    return _checked(data)


def _checked(data: Any) -> Ad | str:
    if not isinstance(data, dict):
        return f"expected a JSON object, got {type(data).__name__}"
    missing = [key for key in REQUIRED if key not in data or data[key] is None]
    if missing:
        return "missing field(s): " + ", ".join(missing)
    ad_id = data["id"]
    if isinstance(ad_id, bool) or not isinstance(ad_id, str | int):
        return "field 'id' must be a string or an integer"
    ad_id = str(ad_id).strip()
    if not ad_id:
        return "field 'id' is empty"
    for key in ("title", "body"):
        if not isinstance(data[key], str):
            return f"field '{key}' must be a string"
        if len(data[key]) > MAX_TEXT:
            return f"field '{key}' is longer than {MAX_TEXT} characters"
    optional: dict[str, str | None] = {}
    for key in OPTIONAL:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            return f"field '{key}' must be a string"
        optional[key] = value or None
    return Ad(
        ad_id, data["title"], data["body"], optional["city"], optional["posted_at"], optional["url"]
    )


def parse_line(number: int, raw: bytes) -> Ad | IngestError | None:
    """One line of a JSONL file (with its newline, if it has one) as :func:`read_jsonl`
    reads it, without the check for duplicate ids; ``None`` for a blank line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return IngestError(number, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
    if not line.strip():
        return None
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return IngestError(number, f"invalid JSON ({exc.msg}, column {exc.colno})")
    result = ad_from_mapping(data)
    return IngestError(number, result) if isinstance(result, str) else result


def read_jsonl(path: Path) -> Iterator[Ad | IngestError]:
    """Ads and errors from a JSONL file, in file order (blank lines are skipped)."""
    seen: set[str] = set()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            result = parse_line(number, raw)
            if result is None:
                continue
            if isinstance(result, Ad):
                if result.id in seen:
                    result = IngestError(number, f"duplicate id {result.id!r}")
                else:
                    seen.add(result.id)
            yield result


class JsonlLines(Sequence[Ad]):
    """The lines of a JSONL file, parsed only when sliced: ``lines[a:b]`` is the list of
    the ads on lines ``a + 1`` to ``b`` (blank and malformed lines left out, and no
    check for duplicate ids), so that each process parses the lines it analyses.
    ``len`` counts lines, not ads."""

    def __init__(self, data: bytes) -> None:
        self.lines = data.split(b"\n")
        # as iterating over the file: a newline ends a line, and there is no empty
        # line after the last newline
        self.last_has_newline = self.lines[-1] == b""
        if self.last_has_newline:
            self.lines.pop()

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, index: int) -> Ad: ...

    @overload
    def __getitem__(self, index: slice) -> list[Ad]: ...

    def __getitem__(self, index: int | slice) -> Ad | list[Ad]:
        if not isinstance(index, slice):
            raise TypeError("JsonlLines is read by slices of lines")
        start, stop, _ = index.indices(len(self.lines))
        ads: list[Ad] = []
        for number in range(start, stop):
            result = parse_line(number + 1, self.raw(number))
            if isinstance(result, Ad):
                ads.append(result)
        return ads

    def raw(self, index: int) -> bytes:
        """Line ``index + 1`` as the file gives it (with its newline)."""
        if index < len(self.lines) - 1 or self.last_has_newline:
            return self.lines[index] + b"\n"
        return self.lines[index]


def read_csv(path: Path) -> Iterator[Ad | IngestError]:
    """Ads and errors from a CSV file with a header row (line numbers count the header)."""
    seen: set[str] = set()
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        absent = [key for key in REQUIRED if key not in header]
        if absent:
            yield IngestError(1, "header lacks column(s): " + ", ".join(absent))
            return
        for row in reader:
            number = reader.line_num
            if None in row:
                yield IngestError(number, "more fields than the header")
                continue
            result = ad_from_mapping({k: v for k, v in row.items() if v is not None})
            if isinstance(result, str):
                yield IngestError(number, result)
            elif result.id in seen:
                yield IngestError(number, f"duplicate id {result.id!r}")
            else:
                seen.add(result.id)
                yield result


def read_ads(path: Path) -> Iterator[Ad | IngestError]:
    if path.suffix.lower() == ".csv":
        return read_csv(path)
    return read_jsonl(path)
