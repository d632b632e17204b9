"""Load the versioned reference data files into the database, idempotently.

``load_reference_data()`` works in two phases:

1. **Read and validate** every file named in ``data/manifest.yaml``. Nothing touches the
   database yet; all problems are collected and raised together as one
   :class:`ReferenceDataError` that names file, row or line, and reason.
2. **Synchronise** each model inside one transaction (all or nothing). Entries are
   matched on their stable ``code``:

   * a new code is created with the data set's ``valid_from`` and ``version``;
   * an existing code whose content differs is updated in place, and its
     ``data_version`` becomes the version that changed it;
   * an existing code with identical content is left alone (no write at all);
   * a code that is no longer in the file is *closed*: ``valid_to`` becomes the day
     before the data set's ``valid_from`` (never earlier than the entry's own
     ``valid_from``). Rows are never deleted, so old records keep their meaning;
   * a closed code that comes back is reopened (``valid_to`` cleared) and counts as
     updated.

Running the loader twice in a row therefore reports only ``unchanged`` counts.
"""

from __future__ import annotations

import contextlib
import csv
import re
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.dispatch import Signal

from bovenwater.reference.constants import DOMAINS
from bovenwater.reference.models import (
    ExploitationForm,
    Indicator,
    Municipality,
    Nationality,
    PoliceUnit,
    Province,
    ReferenceEntry,
    SafetyRegion,
    Sector,
    TraffickingMethod,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST = "manifest.yaml"

#: Data sets in load order: later sets refer to codes defined by earlier ones.
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


# --------------------------------------------------------------------------- errors


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


# --------------------------------------------------------------------------- parsed data


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


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.closed


@dataclass
class LoadReport:
    """What a load did, per model (keyed by model class name, e.g. ``"Municipality"``)."""

    counts: dict[str, Counts]
    versions: dict[str, str]
    seconds: float
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())


# --------------------------------------------------------------------------- file reading


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


# --------------------------------------------------------------------------- data sets


@dataclass
class _Context:
    """Codes defined by data sets that were read earlier, for cross-references."""

    police_units_by_name: dict[str, str] = field(default_factory=dict)
    provinces_by_name: dict[str, str] = field(default_factory=dict)
    forms: set[str] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)


def _read_regions(dataset: Dataset, problems: _Problems, context: _Context) -> list[Batch]:
    data = _read_yaml(dataset.path, problems)
    if data is None:
        return []
    batches: list[Batch] = []
    for key, model, lookup in (
        ("police_units", PoliceUnit, context.police_units_by_name),
        ("provinces", Province, context.provinces_by_name),
    ):
        parsed: list[tuple[str, Entry]] = []
        for index, raw in _mapping_list(data, key, dataset, problems):
            where = _where_yaml(raw, index)
            check = _Checker(problems, dataset, model, where)
            check.keys(raw, {"code", "name"}, {"code", "name"})
            code = check.code(raw.get("code"))
            name = check.text(raw.get("name"), "name")
            if check.ok:
                if name in lookup:
                    check.fail(f"name {name!r} is used twice")
                lookup[name] = code
                parsed.append((where, Entry(code, {"name": name})))
        batches.append(Batch(model, dataset, _unique(parsed, dataset, problems)))
    return batches


MUNICIPALITY_COLUMNS = (
    "gemeentecode",
    "gemeentenaam",
    "veiligheidsregio_code",
    "veiligheidsregio_naam",
    "politie_eenheid",
    "provincie",
)


def _read_municipalities(dataset: Dataset, problems: _Problems, context: _Context) -> list[Batch]:
    regions: dict[str, tuple[str, str, str]] = {}  # code -> (name, police unit code, first line)
    municipalities: list[tuple[str, Entry]] = []
    for line, row in _read_csv(dataset.path, MUNICIPALITY_COLUMNS, problems):
        where = f"line {line}"
        if row["gemeentecode"]:
            where += f" (code {row['gemeentecode']})"
        check = _Checker(problems, dataset, Municipality, where)
        code = check.code(row["gemeentecode"], "gemeentecode", MUNICIPALITY_CODE_RE)
        name = check.text(row["gemeentenaam"], "gemeentenaam", model_field="name")
        region_code = check.code(
            row["veiligheidsregio_code"], "veiligheidsregio_code", SAFETY_REGION_CODE_RE
        )
        region_name = check.text(
            row["veiligheidsregio_naam"], "veiligheidsregio_naam", model_field="name"
        )
        unit = context.police_units_by_name.get(row["politie_eenheid"])
        if unit is None:
            check.fail(f"unknown politie_eenheid {row['politie_eenheid']!r} (not in regions.yaml)")
        province = context.provinces_by_name.get(row["provincie"])
        if province is None:
            check.fail(f"unknown provincie {row['provincie']!r} (not in regions.yaml)")
        if not check.ok or unit is None or province is None:
            continue
        known = regions.get(region_code)
        if known is None:
            regions[region_code] = (region_name, unit, where)
        elif known[:2] != (region_name, unit):
            check.fail(
                f"safety region {region_code} is given as {region_name!r} in police unit {unit} here "
                f"but as {known[0]!r} in police unit {known[1]} at {known[2]}"
            )
            continue
        values: dict[str, object] = {
            "name": name,
            "safety_region": FkRef(SafetyRegion, region_code),
            "police_unit": FkRef(PoliceUnit, unit),
            "province": FkRef(Province, province),
        }
        municipalities.append((where, Entry(code, values)))
    safety_regions = [
        Entry(code, {"name": name, "police_unit": FkRef(PoliceUnit, unit)})
        for code, (name, unit, _where) in sorted(regions.items())
    ]
    return [
        Batch(SafetyRegion, dataset, safety_regions),
        Batch(Municipality, dataset, _unique(municipalities, dataset, problems)),
    ]


def _read_exploitation_forms(
    dataset: Dataset, problems: _Problems, context: _Context
) -> list[Batch]:
    data = _read_yaml(dataset.path, problems)
    if data is None:
        return []
    allowed = {
        "code",
        "name_nl",
        "name_en",
        "htcds_values",
        "description_nl",
        "description_en",
        "note",
    }
    parsed: list[tuple[str, Entry]] = []
    for index, raw in _mapping_list(data, "forms", dataset, problems):
        where = _where_yaml(raw, index)
        check = _Checker(problems, dataset, ExploitationForm, where)
        check.keys(raw, allowed, {"code", "name_nl", "name_en", "htcds_values"})
        code = check.code(raw.get("code"))
        htcds = raw.get("htcds_values")
        if (
            not isinstance(htcds, list)
            or not htcds
            or not all(isinstance(v, str) and v for v in htcds)
        ):
            check.fail("htcds_values must be a non-empty list of HTCDS TypeOfExploitation values")
            htcds = []
        values: dict[str, object] = {
            "name_nl": check.text(raw.get("name_nl"), "name_nl"),
            "name_en": check.text(raw.get("name_en"), "name_en"),
            "htcds_values": list(htcds),
            "description_nl": check.text(
                raw.get("description_nl"), "description_nl", required=False
            ),
            "description_en": check.text(
                raw.get("description_en"), "description_en", required=False
            ),
            "position": index,
        }
        if check.ok:
            context.forms.add(code)
            parsed.append((where, Entry(code, values)))
    return [Batch(ExploitationForm, dataset, _unique(parsed, dataset, problems))]


def _read_sectors(dataset: Dataset, problems: _Problems, context: _Context) -> list[Batch]:
    parsed: list[tuple[str, Entry]] = []
    for line, row in _read_csv(
        dataset.path, ("code", "name_nl", "name_en", "isic_section"), problems
    ):
        where = f"line {line}" + (f" (code {row['code']})" if row["code"] else "")
        check = _Checker(problems, dataset, Sector, where)
        code = check.code(row["code"])
        section = check.text(row["isic_section"], "isic_section", required=False)
        if not ISIC_SECTION_RE.match(section):
            check.fail(
                f"isic_section {section!r} is not an ISIC rev. 4 section letter (A-U) or empty"
            )
        values: dict[str, object] = {
            "name_nl": check.text(row["name_nl"], "name_nl"),
            "name_en": check.text(row["name_en"], "name_en"),
            "isic_section": section,
        }
        if check.ok:
            context.sectors.add(code)
            parsed.append((where, Entry(code, values)))
    return [Batch(Sector, dataset, _unique(parsed, dataset, problems))]


REGION_GROUPS = (
    "NL",
    "EU/EER",
    "Europa overig",
    "Afrika",
    "Amerika",
    "Azië",
    "Oceanië",
    "Antarctica",
)


def _read_nationalities(dataset: Dataset, problems: _Problems, context: _Context) -> list[Batch]:
    parsed: list[tuple[str, Entry]] = []
    columns = ("code", "alpha3", "name_nl", "name_en", "region_group")
    for line, row in _read_csv(dataset.path, columns, problems):
        where = f"line {line}" + (f" (code {row['code']})" if row["code"] else "")
        check = _Checker(problems, dataset, Nationality, where)
        code = check.code(row["code"], pattern=ISO_ALPHA2_RE)
        alpha3 = check.text(row["alpha3"], "alpha3")
        if alpha3 and not ISO_ALPHA3_RE.match(alpha3):
            check.fail(f"alpha3 {alpha3!r} is not three capital letters")
        group = row["region_group"]
        if group not in REGION_GROUPS:
            check.fail(f"region_group {group!r} is not one of {', '.join(REGION_GROUPS)}")
        values: dict[str, object] = {
            "alpha3": alpha3,
            "name_nl": check.text(row["name_nl"], "name_nl"),
            "name_en": check.text(row["name_en"], "name_en"),
            "region_group": group,
        }
        if check.ok:
            parsed.append((where, Entry(code, values)))
    return [Batch(Nationality, dataset, _unique(parsed, dataset, problems))]


def _read_trafficking_methods(
    dataset: Dataset, problems: _Problems, context: _Context
) -> list[Batch]:
    data = _read_yaml(dataset.path, problems)
    if data is None:
        return []
    parsed: list[tuple[str, Entry]] = []
    allowed = {"code", "htcds_value", "name_nl", "name_en", "note"}
    for key, kind in (
        ("recruitment", TraffickingMethod.Kind.RECRUITMENT),
        ("control", TraffickingMethod.Kind.CONTROL),
    ):
        for index, raw in _mapping_list(data, key, dataset, problems):
            where = _where_yaml(raw, index)
            check = _Checker(problems, dataset, TraffickingMethod, where)
            check.keys(raw, allowed, {"code", "htcds_value", "name_nl", "name_en"})
            code = check.code(raw.get("code"))
            values: dict[str, object] = {
                "kind": str(kind),
                "htcds_value": check.text(raw.get("htcds_value"), "htcds_value"),
                "name_nl": check.text(raw.get("name_nl"), "name_nl"),
                "name_en": check.text(raw.get("name_en"), "name_en"),
                "position": index,
            }
            if check.ok:
                parsed.append((where, Entry(code, values)))
    return [Batch(TraffickingMethod, dataset, _unique(parsed, dataset, problems))]


INDICATOR_KEYS = {
    "code",
    "name_nl",
    "name_en",
    "citizen_question_nl",
    "citizen_question_en",
    "forms",
    "sectors",
    "domains",
    "source",
}
SECTION_KEYS = {
    "catalogue",
    "group_nl",
    "group_en",
    "source",
    "forms",
    "sectors",
    "domains",
    "indicators",
}


def _inherited(raw: dict[Any, Any], section: dict[Any, Any], key: str) -> Any:
    """An indicator's own value for ``key``, else its section's default."""
    return raw[key] if key in raw else section.get(key)


def _read_indicators(dataset: Dataset, problems: _Problems, context: _Context) -> list[Batch]:
    data = _read_yaml(dataset.path, problems)
    if data is None:
        return []
    parsed: list[tuple[str, Entry]] = []
    position = 0
    for section_index, section in _mapping_list(data, "sections", dataset, problems):
        section_where = f"section at line {section.get(LINE_KEY, section_index)}"
        section_check = _Checker(problems, dataset, Indicator, section_where)
        section_check.keys(
            section, SECTION_KEYS, {"catalogue", "group_nl", "group_en", "indicators"}
        )
        catalogue = section.get("catalogue")
        if catalogue not in Indicator.Catalogue.values:
            section_check.fail(
                f"catalogue {catalogue!r} is not one of {', '.join(Indicator.Catalogue.values)}"
            )
        group_nl = section_check.text(section.get("group_nl"), "group_nl")
        group_en = section_check.text(section.get("group_en"), "group_en")
        if not section_check.ok:
            continue
        for index, raw in _mapping_list(section, "indicators", dataset, problems):
            position += 1
            where = _where_yaml(raw, index)
            check = _Checker(problems, dataset, Indicator, where)
            check.keys(raw, INDICATOR_KEYS, {"code", "name_nl", "name_en"})
            code = check.code(raw.get("code"))
            forms = check.code_list(
                _inherited(raw, section, "forms"), "forms", context.forms, required=True
            )
            sectors = check.code_list(
                _inherited(raw, section, "sectors"), "sectors", context.sectors, required=False
            )
            domains = check.code_list(
                _inherited(raw, section, "domains"), "domains", DOMAINS, required=True
            )
            question_nl = check.text(
                raw.get("citizen_question_nl"), "citizen_question_nl", required=False
            )
            question_en = check.text(
                raw.get("citizen_question_en"), "citizen_question_en", required=False
            )
            if bool(question_nl) != bool(question_en):
                check.fail("give the citizen question in both Dutch and English, or in neither")
            values: dict[str, object] = {
                "catalogue": catalogue,
                "group_nl": group_nl,
                "group_en": group_en,
                "name_nl": check.text(raw.get("name_nl"), "name_nl"),
                "name_en": check.text(raw.get("name_en"), "name_en"),
                "citizen_question_nl": question_nl,
                "citizen_question_en": question_en,
                "domains": [domain for domain in DOMAINS if domain in domains],
                "source": check.text(_inherited(raw, section, "source"), "source"),
                "position": position,
            }
            if check.ok:
                m2m = {"forms": frozenset(forms), "sectors": frozenset(sectors)}
                parsed.append((where, Entry(code, values, m2m)))
    return [Batch(Indicator, dataset, _unique(parsed, dataset, problems))]


READERS: dict[str, Callable[[Dataset, _Problems, _Context], list[Batch]]] = {
    "regions": _read_regions,
    "municipalities": _read_municipalities,
    "exploitation_forms": _read_exploitation_forms,
    "sectors": _read_sectors,
    "nationalities": _read_nationalities,
    "trafficking_methods": _read_trafficking_methods,
    "indicators": _read_indicators,
}


def _read_manifest(data_dir: Path, problems: _Problems) -> list[Dataset]:
    path = data_dir / MANIFEST
    if not path.is_file():
        problems.add(MANIFEST, "", f"not found in {data_dir}")
        return []
    data = _read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("datasets"), dict):
        problems.add(MANIFEST, "", "expected a top-level key 'datasets' holding a mapping")
        return []
    declared = {str(key): value for key, value in data["datasets"].items() if key != LINE_KEY}
    for name in sorted(set(declared) - set(DATASETS)):
        problems.add(
            MANIFEST, f"datasets.{name}", f"unknown data set (known: {', '.join(DATASETS)})"
        )
    datasets: list[Dataset] = []
    for name in DATASETS:
        raw = declared.get(name)
        where = f"datasets.{name}"
        if not isinstance(raw, dict):
            problems.add(
                MANIFEST, where, "missing, or not a mapping with file, version and valid_from"
            )
            continue
        where = f"line {raw.get(LINE_KEY)} ({where})"
        unknown = {str(key) for key in raw if key != LINE_KEY} - {"file", "version", "valid_from"}
        if unknown:
            problems.add(MANIFEST, where, f"unknown key(s): {', '.join(sorted(unknown))}")
        file_name, version, valid_from = raw.get("file"), raw.get("version"), raw.get("valid_from")
        ok = True
        if not isinstance(file_name, str) or not (data_dir / file_name).is_file():
            problems.add(MANIFEST, where, f"file {file_name!r} not found in {data_dir}")
            ok = False
        if not isinstance(version, str) or not VERSION_RE.match(version):
            problems.add(
                MANIFEST, where, f'version must be a quoted string like "2025.1", not {version!r}'
            )
            ok = False
        if isinstance(valid_from, str):
            with contextlib.suppress(ValueError):
                valid_from = date.fromisoformat(valid_from)
        if not isinstance(valid_from, date):
            problems.add(
                MANIFEST, where, f"valid_from must be a date (YYYY-MM-DD), not {valid_from!r}"
            )
            ok = False
        if ok and isinstance(file_name, str) and isinstance(version, str):
            assert isinstance(valid_from, date)
            datasets.append(Dataset(name, data_dir / file_name, version, valid_from))
    return datasets


def read_reference_data(data_dir: Path | None = None) -> list[Batch]:
    """Read and validate every data file; raise :class:`ReferenceDataError` on any problem."""
    problems = _Problems()
    datasets = _read_manifest(data_dir or DATA_DIR, problems)
    problems.raise_if_any()
    context = _Context()
    batches: list[Batch] = []
    for dataset in datasets:
        batches.extend(READERS[dataset.name](dataset, problems, context))
    problems.raise_if_any()
    return batches


# --------------------------------------------------------------------------- synchronising


@dataclass(frozen=True)
class _M2M:
    """How a many-to-many field is stored: its through model and column names."""

    through: type[models.Model]
    source: str
    target: str
    target_model: ReferenceModel

    @classmethod
    def of(cls, model: ReferenceModel, name: str) -> _M2M:
        m2m_field = model._meta.get_field(name)
        assert isinstance(m2m_field, models.ManyToManyField)
        through = m2m_field.remote_field.through
        assert isinstance(through, type)
        assert issubclass(through, models.Model)
        target_model = m2m_field.related_model
        assert isinstance(target_model, type)
        assert issubclass(target_model, ReferenceEntry)
        return cls(
            through,
            _attname(through, m2m_field.m2m_field_name()),
            _attname(through, m2m_field.m2m_reverse_field_name()),
            target_model,
        )

    def current(self) -> dict[int, set[int]]:
        links: dict[int, set[int]] = {}
        rows = self.through._default_manager.values_list(self.source, self.target)
        for source_pk, target_pk in rows:
            links.setdefault(source_pk, set()).add(target_pk)
        return links

    def replace(self, wanted: dict[int, set[int]]) -> None:
        """Give each source pk in ``wanted`` exactly the listed targets."""
        manager = self.through._default_manager
        manager.filter(**{f"{self.source}__in": list(wanted)}).delete()
        manager.bulk_create(
            [
                self.through(**{self.source: source_pk, self.target: target_pk})
                for source_pk, targets in sorted(wanted.items())
                for target_pk in sorted(targets)
            ]
        )


def _attname(model: type[models.Model], name: str) -> str:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field.attname


def _sync(batch: Batch, pks: dict[ReferenceModel, dict[str, int]]) -> Counts:
    """Bring the table of ``batch.model`` in line with ``batch.entries``."""
    model, dataset = batch.model, batch.dataset
    counts = Counts()
    manager = model._default_manager
    existing: dict[str, Any] = {obj.code: obj for obj in manager.all()}
    relations = {
        name: _M2M.of(model, name) for name in sorted({n for e in batch.entries for n in e.m2m})
    }
    current_links = {name: relation.current() for name, relation in relations.items()}

    to_create: list[Any] = []
    to_update: list[Any] = []
    update_fields: set[str] = set()
    # field name -> entry code -> wanted target pks, for entries whose links must be written
    link_writes: dict[str, dict[str, set[int]]] = {name: {} for name in relations}
    for entry in batch.entries:
        values: dict[str, object] = {}
        for name, value in entry.values.items():
            if isinstance(value, FkRef):
                values[_attname(model, name)] = pks[value.model][value.code]
            else:
                values[name] = value
        wanted = {
            name: {pks[relations[name].target_model][code] for code in codes}
            for name, codes in entry.m2m.items()
        }
        obj = existing.get(entry.code)
        if obj is None:
            to_create.append(
                model(
                    code=entry.code,
                    valid_from=dataset.valid_from,
                    valid_to=None,
                    data_version=dataset.version,
                    **values,
                )
            )
            for name, targets in wanted.items():
                link_writes[name][entry.code] = targets
            continue
        diff = {name: value for name, value in values.items() if getattr(obj, name) != value}
        stale = {
            name: targets
            for name, targets in wanted.items()
            if current_links[name].get(obj.pk, set()) != targets
        }
        if not diff and not stale and obj.valid_to is None:
            counts.unchanged += 1
            continue
        for name, value in diff.items():
            setattr(obj, name, value)
        obj.valid_to = None
        obj.data_version = dataset.version
        update_fields.update(diff)
        to_update.append(obj)
        for name, targets in stale.items():
            link_writes[name][entry.code] = targets
        counts.updated += 1

    present = {entry.code for entry in batch.entries}
    closing_day = dataset.valid_from - timedelta(days=1)
    to_close = [
        obj for code, obj in existing.items() if code not in present and obj.valid_to is None
    ]
    for obj in to_close:
        obj.valid_to = max(closing_day, obj.valid_from)
    counts.closed = len(to_close)

    if to_create:
        manager.bulk_create(to_create)
        counts.created = len(to_create)
    if to_update:
        manager.bulk_update(to_update, sorted(update_fields | {"valid_to", "data_version"}))
    if to_close:
        manager.bulk_update(to_close, ["valid_to"])
    pks[model] = dict(manager.values_list("code", "pk"))

    for name, relation in relations.items():
        if link_writes[name]:
            relation.replace({pks[model][code]: t for code, t in link_writes[name].items()})
    return counts


# Sent inside the loading transaction after the data is in place, so rooms whose
# defaults refer to reference entries (intake's routing rules by form) can add them.
reference_data_loaded = Signal()


def load_reference_data(data_dir: Path | None = None, *, dry_run: bool = False) -> LoadReport:
    """Validate all data files, then load them in one transaction.

    Raises :class:`ReferenceDataError` (and writes nothing) when a file is invalid. With
    ``dry_run`` the changes are computed and counted, then rolled back.
    """
    started = time.perf_counter()
    batches = read_reference_data(data_dir)
    counts: dict[str, Counts] = {}
    pks: dict[ReferenceModel, dict[str, int]] = {}
    with transaction.atomic():
        for batch in batches:
            counts[batch.model.__name__] = _sync(batch, pks)
        if dry_run:
            transaction.set_rollback(True)
        else:
            reference_data_loaded.send(sender=load_reference_data)
    versions = {batch.dataset.name: batch.dataset.version for batch in batches}
    return LoadReport(counts, versions, time.perf_counter() - started, dry_run)
