"""Name data for normalisation: particles, name-variant groups and script tables.

The tables live in ``data/names.json`` inside this package (shipped with it, read once
at import): they are data, not rules, and a deployment may extend them. Every
name-variant group maps spellings, short forms and nicknames of one given name (Dutch
and foreign) to one canonical key, so "Kees", "Cees" and "Cornelis" compare as the
same first name. The groups are kept small and conservative: forms that are common
names in their own right for a different person (for example "Anna" and "Johanna") are
kept apart. The file explains each table in the ``note_*`` entry before it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def _load() -> dict[str, Any]:
    text = resources.files("bovenwater.pprl").joinpath("data", "names.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _mapping(values: dict[str, Any], kind: type) -> dict[str, Any]:
    if not all(isinstance(k, str) and isinstance(v, kind) for k, v in values.items()):
        raise ValueError(f"names.json: a table of {kind.__name__} values holds another type")
    return dict(values)


_DATA = _load()

# surname particles (tussenvoegsels and relatives), matched as whole tokens
PARTICLES: frozenset[str] = frozenset(_DATA["particles"])
# glued Dutch particles at the start of a surname ("Vandenberg"), longest first
GLUED_PREFIXES: tuple[str, ...] = tuple(_DATA["glued_prefixes"])
GLUED_MIN_REST: int = int(_DATA["glued_min_rest"])
# given-name variant groups; the first entry is the canonical key
NAME_GROUPS: tuple[tuple[str, ...], ...] = tuple(tuple(g) for g in _DATA["name_groups"])
# script tables to Latin, and month names
CYRILLIC: dict[str, str] = _mapping(_DATA["cyrillic"], str)
GREEK: dict[str, str] = _mapping(_DATA["greek"], str)
GREEK_DIGRAPHS: dict[str, str] = _mapping(_DATA["greek_digraphs"], str)
ARABIC: dict[str, str] = _mapping(_DATA["arabic"], str)
LATIN_SPECIAL: dict[str, str] = _mapping(_DATA["latin_special"], str)
MONTHS: dict[str, int] = _mapping(_DATA["months"], int)

del _DATA
