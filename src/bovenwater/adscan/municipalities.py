"""Dutch municipalities (reference data) for city -> municipality code look-ups."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_PATH = Path(__file__).resolve().parents[1] / "reference" / "data" / "gemeenten_2025.csv"


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    name: str
    region_code: str
    region_name: str
    police_unit: str
    province: str


# Common place names that are not the municipality's official name.
ALIASES: dict[str, str] = {
    "den haag": "'s-Gravenhage",
    "the hague": "'s-Gravenhage",
    "scheveningen": "'s-Gravenhage",
    "den bosch": "'s-Hertogenbosch",
    "hengelo": "Hengelo (O.)",
    "bergen": "Bergen (NH.)",
    "middelburg": "Middelburg (Z.)",
    "rijswijk": "Rijswijk (ZH.)",
    "laren": "Laren (NH.)",
    "beek": "Beek (L.)",
    "stein": "Stein (L.)",
    "nuenen": "Nuenen, Gerwen en Nederwetten",
    "hoofddorp": "Haarlemmermeer",
    "zaandam": "Zaanstad",
    "sittard": "Sittard-Geleen",
    "geleen": "Sittard-Geleen",
    "heerhugowaard": "Dijk en Waard",
    "spijkenisse": "Nissewaard",
    "hellevoetsluis": "Voorne aan Zee",
    "veghel": "Meierijstad",
    "uden": "Maashorst",
    "hoogezand": "Midden-Groningen",
    "sneek": "Súdwest-Fryslân",
    "bussum": "Gooise Meren",
    "voorburg": "Leidschendam-Voorburg",
    "leidschendam": "Leidschendam-Voorburg",
    "volendam": "Edam-Volendam",
    "edam": "Edam-Volendam",
    "naaldwijk": "Westland",
    "oud-beijerland": "Hoeksche Waard",
    "schiphol": "Haarlemmermeer",
    "bijlmer": "Amsterdam",
}

# Names that are also ordinary Dutch or English words; in free text they only count
# after a place preposition ("in Best", "regio Goes").
AMBIGUOUS = frozenset(
    {"best", "goes", "ede", "epe", "oss", "putten", "sluis", "urk", "beek", "stein", "laren"}
)


def fold_name(name: str) -> str:
    """Lower-case, strip accents and the province suffix: the key for look-ups."""
    name = re.sub(r"\s*\([^)]*\)", "", name)
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


@lru_cache(maxsize=1)
def load_municipalities() -> tuple[Municipality, ...]:
    with DATA_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Municipality(
            code=row["gemeentecode"],
            name=row["gemeentenaam"],
            region_code=row["veiligheidsregio_code"],
            region_name=row["veiligheidsregio_naam"],
            police_unit=row["politie_eenheid"],
            province=row["provincie"],
        )
        for row in rows
    )


@lru_cache(maxsize=1)
def by_code() -> dict[str, Municipality]:
    return {m.code: m for m in load_municipalities()}


@lru_cache(maxsize=1)
def name_index() -> dict[str, Municipality]:
    """Folded name or alias -> municipality."""
    index: dict[str, Municipality] = {}
    by_name = {m.name: m for m in load_municipalities()}
    for municipality in load_municipalities():
        index.setdefault(fold_name(municipality.name), municipality)
        short = fold_name(municipality.name.split(",")[0])
        index.setdefault(short, municipality)
    for alias, official in ALIASES.items():
        if official in by_name:
            index[alias] = by_name[official]
    return index


@lru_cache(maxsize=65536)
def lookup(city: str) -> Municipality | None:
    """Map a free-form city name to its municipality, or ``None``."""
    key = fold_name(city).replace("\u2019", "'")
    if not key:
        return None
    return name_index().get(key)
