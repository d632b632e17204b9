"""Reading and checking the versioned reference data files: the file readers (YAML with
line numbers, CSV), the checks, and problems reported by file and line."""

from __future__ import annotations

import csv
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bovenwater.reference.models import (
    ReferenceEntry,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


MANIFEST = "manifest.yaml"


DATASETS = (
    "regions",
    "municipalities",
    "exploitation_forms",
    "sectors",
    "nationalities",
    "trafficking_methods",
    "indicators",
)


CODE_RE = re.compile(r"^[A-Z0-9]+(?:[-_][A-Z0-9]+)*$")


VERSION_RE = re.compile(r"^\d{4}\.\d+$")


MUNICIPALITY_CODE_RE = re.compile(r"^GM\d{4}$")


SAFETY_REGION_CODE_RE = re.compile(r"^VR\d{2}$")


ISO_ALPHA2_RE = re.compile(r"^[A-Z]{2}$")


ISO_ALPHA3_RE = re.compile(r"^[A-Z]{3}$")


ISIC_SECTION_RE = re.compile(r"^[A-U]?$")


LINE_KEY = "__line__"


MAX_PROBLEMS = 50


ReferenceModel = type[ReferenceEntry]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file."""

    file: str
    where: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.file}, {self.where}: {self.reason}"
            if self.where
            else f"{self.file}: {self.reason}"
        )


class ReferenceDataError(Exception):
    """The data files are invalid; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = self.problems[:MAX_PROBLEMS]
        lines = [f"Invalid reference data ({len(self.problems)} problem(s)); nothing was loaded:"]
        lines += [f"  - {problem}" for problem in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more")
        super().__init__("\n".join(lines))


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, where: str, reason: str) -> None:
        self.items.append(Problem(file, where, reason))

    def raise_if_any(self) -> None:
        if self.items:
            raise ReferenceDataError(self.items)


@dataclass(frozen=True)
class Dataset:
    """One data file with its version, as declared in the manifest."""

    name: str
    path: Path
    version: str
    valid_from: date

    @property
    def file(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class FkRef:
    """A foreign key given by the target's code; resolved to a pk while loading."""

    model: ReferenceModel
    code: str


@dataclass
class Entry:
    code: str
    values: dict[str, object]
    m2m: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class Batch:
    """All entries of one model that one data set defines."""

    model: ReferenceModel
    dataset: Dataset
    entries: list[Entry]


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that records the line of every mapping under ``__line__``."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


def _read_yaml(path: Path, problems: _Problems) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - subclass of SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problems.add(path.name, where, f"not valid YAML ({getattr(exc, 'problem', exc)})")
    except UnicodeDecodeError as exc:
        problems.add(path.name, "", f"not UTF-8 ({exc.reason} at byte {exc.start})")
    return None


def _read_csv(
    path: Path, columns: Sequence[str], problems: _Problems
) -> list[tuple[int, dict[str, str]]]:
    """Rows as ``(line number, row)``; the header must be exactly ``columns``."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                problems.add(path.name, "", "the file is empty")
                return []
            if header and header[0].startswith("\ufeff"):
                problems.add(
                    path.name, "line 1", "starts with a byte order mark; save as UTF-8 without BOM"
                )
                return []
            if header != list(columns):
                problems.add(
                    path.name,
                    "line 1",
                    f"header must be {','.join(columns)} (found {','.join(header)})",
                )
                return []
            rows: list[tuple[int, dict[str, str]]] = []
            for values in reader:
                if not values:
                    continue
                if len(values) != len(columns):
                    problems.add(
                        path.name,
                        f"line {reader.line_num}",
                        f"expected {len(columns)} columns, found {len(values)}",
                    )
                    continue
                rows.append(
                    (reader.line_num, dict(zip(columns, (v.strip() for v in values), strict=True)))
                )
            return rows
    except UnicodeDecodeError as exc:
        problems.add(path.name, "", f"not UTF-8 ({exc.reason} at byte {exc.start})")
    except csv.Error as exc:
        problems.add(path.name, "", f"not valid CSV ({exc})")
    return []


class _Checker:
    """Validates the fields of one entry against the target model and records problems."""

    def __init__(
        self, problems: _Problems, dataset: Dataset, model: ReferenceModel, where: str
    ) -> None:
        self.problems = problems
        self.dataset = dataset
        self.model = model
        self.where = where
        self.ok = True

    def fail(self, reason: str) -> None:
        self.ok = False
        self.problems.add(self.dataset.file, self.where, reason)

    def _max_length(self, name: str) -> int | None:
        model_field = self.model._meta.get_field(name)
        return getattr(model_field, "max_length", None)

    def text(
        self, raw: Any, name: str, *, required: bool = True, model_field: str | None = None
    ) -> str:
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            self.fail(f"{name} must be text, not {type(raw).__name__}")
            return ""
        value = " ".join(raw.split())
        if required and not value:
            self.fail(f"{name} is missing")
        limit = self._max_length(model_field or name)
        if limit is not None and len(value) > limit:
            self.fail(f"{name} is {len(value)} characters long; at most {limit} allowed")
        return value

    def code(self, raw: Any, name: str = "code", pattern: re.Pattern[str] = CODE_RE) -> str:
        value = self.text(raw, name, model_field="code")
        if value and not pattern.match(value):
            self.fail(f"{name} {value!r} does not match {pattern.pattern}")
        return value

    def code_list(self, raw: Any, name: str, known: Iterable[str], *, required: bool) -> list[str]:
        if raw is None:
            raw = []
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            self.fail(f"{name} must be a list of codes")
            return []
        known_set = set(known)
        unknown = [item for item in raw if item not in known_set]
        if unknown:
            self.fail(
                f"unknown {name}: {', '.join(unknown)} (known: {', '.join(sorted(known_set))})"
            )
        if len(set(raw)) != len(raw):
            self.fail(f"{name} lists a code twice")
        if required and not raw:
            self.fail(f"{name} must name at least one code")
        return list(raw)

    def keys(self, raw: dict[Any, Any], allowed: set[str], required: set[str]) -> None:
        present = {key for key in raw if key != LINE_KEY}
        for key in sorted(map(str, present - allowed)):
            self.fail(f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - present):
            self.fail(f"{key} is missing")


def _where_yaml(raw: dict[Any, Any], index: int) -> str:
    line = raw.get(LINE_KEY)
    code = raw.get("code")
    where = f"line {line}" if line else f"entry {index}"
    return f"{where} (code {code})" if isinstance(code, str) and code else where


def _mapping_list(
    data: Any, key: str, dataset: Dataset, problems: _Problems
) -> list[tuple[int, dict[Any, Any]]]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.add(dataset.file, "", f"expected a top-level key {key!r} holding a list")
        return []
    items: list[tuple[int, dict[Any, Any]]] = []
    for index, raw in enumerate(data[key], start=1):
        if not isinstance(raw, dict):
            problems.add(
                dataset.file, f"{key} entry {index}", "expected a mapping of keys to values"
            )
            continue
        items.append((index, raw))
    return items


def _unique(
    entries: Sequence[tuple[str, Entry]], dataset: Dataset, problems: _Problems
) -> list[Entry]:
    seen: dict[str, str] = {}
    result: list[Entry] = []
    for where, entry in entries:
        if entry.code in seen:
            problems.add(
                dataset.file,
                where,
                f"code {entry.code} is used twice (first at {seen[entry.code]})",
            )
            continue
        seen[entry.code] = where
        result.append(entry)
    return result


@dataclass
class _Context:
    """Codes defined by data sets that were read earlier, for cross-references."""

    police_units_by_name: dict[str, str] = field(default_factory=dict)
    provinces_by_name: dict[str, str] = field(default_factory=dict)
    forms: set[str] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)
