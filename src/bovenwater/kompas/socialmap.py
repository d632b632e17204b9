"""The sociale kaart: understanding a need in everyday words ("opvang voor een
minderjarige in Twente") and filtering help entries by it.

Places come from the reference data (municipalities, safety regions such as Twente,
police units, provinces); words for kinds of help, target groups and languages come
from ``content/socialmap.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import yaml

from bovenwater.kompas import textsearch
from bovenwater.kompas.content import CONTENT_DIR
from bovenwater.kompas.models import HelpCategory, HelpEntry, TargetGroup
from bovenwater.reference.models import Municipality


@cache
def vocabulary() -> dict[str, dict[str, str]]:
    """Stemmed word -> category / target group code, and folded language names."""
    data = yaml.safe_load((CONTENT_DIR / "socialmap.yaml").read_text(encoding="utf-8"))
    categories = {textsearch.stem(w): k for k, words in data["categories"].items() for w in words}
    groups = {textsearch.stem(w): k for k, words in data["target_groups"].items() for w in words}
    languages = {textsearch.fold(w): str(w) for w in data["languages"]}
    assert set(categories.values()) <= set(HelpCategory.values)
    assert set(groups.values()) <= set(TargetGroup.values)
    return {"categories": categories, "groups": groups, "languages": languages}


@dataclass(frozen=True)
class Place:
    name: str
    police_unit: str  # code
    municipalities: frozenset[str]  # codes


def places() -> list[Place]:
    """Every place name a searcher may use, broadest first for equal names."""
    by_name: dict[str, Place] = {}
    rows = Municipality.objects.current().select_related("safety_region", "police_unit", "province")
    groups: dict[tuple[int, str], tuple[str, set[str]]] = {}
    for m in rows:
        for rank, name in (
            (0, m.police_unit.name),
            (1, m.safety_region.name),
            (2, m.province.name),
            (3, m.name),
        ):
            key = (rank, textsearch.fold(name))
            groups.setdefault(key, (m.police_unit.code, set()))[1].add(m.code)
    for (_rank, folded), (unit, codes) in sorted(groups.items()):
        by_name.setdefault(
            folded, Place(name=folded, police_unit=unit, municipalities=frozenset(codes))
        )
    return list(by_name.values())


@dataclass
class Need:
    category: str = ""
    group: str = ""
    language: str = ""
    place: Place | None = None
    words: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.category or self.group or self.language or self.place)


def understand(text: str) -> Need:
    """The filters in a question such as "opvang voor een minderjarige in Twente"."""
    need = Need()
    folded = f" {' '.join(textsearch.WORD.findall(textsearch.fold(text)))} "
    for place in sorted(places(), key=lambda p: -len(p.name)):
        plain = " ".join(textsearch.WORD.findall(place.name))
        if plain and f" {plain} " in folded:
            need.place = place
            folded = folded.replace(f" {plain} ", " ")
            break
    words = vocabulary()
    for raw in textsearch.WORD.findall(folded):
        stem = textsearch.stem(raw)
        if not need.category and stem in words["categories"]:
            need.category = words["categories"][stem]
        elif not need.group and stem in words["groups"]:
            need.group = words["groups"][stem]
        elif not need.language and raw in words["languages"]:
            need.language = words["languages"][raw]
    return need


@dataclass(frozen=True)
class Found:
    entry: HelpEntry
    where: str  # "hier", "regio" or "landelijk"


def find(entries: list[HelpEntry], need: Need, unit_code: str | None) -> list[Found]:
    """Entries that fit the need: in the place first, then elsewhere in its region, then
    national entries. Without a place, the given police unit is the region."""
    unit = need.place.police_unit if need.place else unit_code
    result: list[Found] = []
    for entry in entries:
        if need.category and entry.category != need.category:
            continue
        if need.group and need.group not in entry.target_groups:
            continue
        if need.language and need.language.lower() not in entry.languages.lower():
            continue
        if entry.police_unit is None:
            where = "landelijk"
        elif unit and entry.police_unit.code != unit:
            continue
        elif (
            need.place
            and entry.municipality
            and entry.municipality.code in need.place.municipalities
        ):
            where = "hier"
        else:
            where = "regio" if need.place else "hier"
        result.append(Found(entry=entry, where=where))
    order = {"hier": 0, "regio": 1, "landelijk": 2}
    return sorted(result, key=lambda f: (order[f.where], f.entry.name))
