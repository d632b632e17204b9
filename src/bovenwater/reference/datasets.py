"""The reference data sets, one reader each, and ``read_reference_data`` over the manifest
(``data/manifest.yaml``); ``loader`` writes what they read."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bovenwater.reference.constants import DOMAINS
from bovenwater.reference.models import (
    ExploitationForm,
    Indicator,
    Municipality,
    Nationality,
    PoliceUnit,
    Province,
    SafetyRegion,
    Sector,
    TraffickingMethod,
)
from bovenwater.reference.reading import (
    DATA_DIR,
    DATASETS,
    ISIC_SECTION_RE,
    ISO_ALPHA2_RE,
    ISO_ALPHA3_RE,
    LINE_KEY,
    MANIFEST,
    MUNICIPALITY_CODE_RE,
    SAFETY_REGION_CODE_RE,
    VERSION_RE,
    Batch,
    Dataset,
    Entry,
    FkRef,
    _Checker,
    _Context,
    _mapping_list,
    _Problems,
    _read_csv,
    _read_yaml,
    _unique,
    _where_yaml,
)


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
