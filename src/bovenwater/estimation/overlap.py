"""Capture-recapture overlap tables from the registry's list memberships.

A person (pseudonym) is on the list of every kind of melder that registered them in a
year. The melder types are grouped into six lists as in the 2017 Dutch study of the
Nationaal Rapporteur and UNODC: police, KMar, Labour Inspectorate, care coordination,
shelters and the rest. Only counts per capture pattern leave this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bovenwater.mse import CaptureTable
from bovenwater.registry.choices import MelderType


@dataclass(frozen=True)
class ListDef:
    code: str
    label: str | Promise
    melder_types: tuple[str, ...]


LISTS: tuple[ListDef, ...] = (
    ListDef("politie", _("Politie"), (MelderType.POLICE,)),
    ListDef("kmar", _("KMar"), (MelderType.KMAR,)),
    ListDef("arbeidsinspectie", _("Arbeidsinspectie"), (MelderType.LABOUR_INSPECTORATE,)),
    ListDef("zorgcoordinatie", _("Zorgcoördinatie"), (MelderType.CARE_COORDINATION,)),
    ListDef("opvang", _("Opvang"), (MelderType.SHELTER,)),
    ListDef("overig", _("Overig (ngo's en anderen)"), (MelderType.NGO, MelderType.OTHER)),
)
LIST_CODES: tuple[str, ...] = tuple(item.code for item in LISTS)
LIST_LABELS: dict[str, str | Promise] = {item.code: item.label for item in LISTS}
LIST_INDEX: dict[str, int] = {
    melder: index for index, item in enumerate(LISTS) for melder in item.melder_types
}


@dataclass(frozen=True)
class OverlapTable:
    """Counts of the ``2**k - 1`` capture patterns (bit ``i`` = on list ``lists[i]``)."""

    lists: tuple[str, ...]
    counts: tuple[int, ...]

    @property
    def observed(self) -> int:
        return sum(self.counts)

    def list_totals(self) -> dict[str, int]:
        return {
            name: sum(c for mask, c in enumerate(self.counts, start=1) if mask >> i & 1)
            for i, name in enumerate(self.lists)
        }

    def active(self) -> OverlapTable:
        """The same table over only the lists that hold at least one person."""
        totals = self.list_totals()
        keep = [i for i, name in enumerate(self.lists) if totals[name] > 0]
        if len(keep) == len(self.lists):
            return self
        counts = [0] * (2 ** len(keep) - 1)
        for mask, count in enumerate(self.counts, start=1):
            new = sum(1 << j for j, i in enumerate(keep) if mask >> i & 1)
            if new:
                counts[new - 1] += count
        return OverlapTable(tuple(self.lists[i] for i in keep), tuple(counts))

    def capture_table(self) -> CaptureTable:
        """The engine's validated table (raises MSEInputError when it is not usable)."""
        return CaptureTable.from_counts(self.lists, self.counts)

    def rows(self) -> list[tuple[tuple[bool, ...], int]]:
        """(membership per list, count) for each pattern, in mask order."""
        return [
            (tuple(bool(mask >> i & 1) for i in range(len(self.lists))), count)
            for mask, count in enumerate(self.counts, start=1)
        ]

    def to_json(self) -> dict[str, Any]:
        return {"lists": list(self.lists), "counts": list(self.counts)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OverlapTable:
        return cls(tuple(str(x) for x in data["lists"]), tuple(int(x) for x in data["counts"]))


def overlap_tables(
    memberships: Iterable[tuple[Hashable, Hashable, str]],
    lists: Sequence[str] = LIST_CODES,
) -> dict[Hashable, OverlapTable]:
    """Build one table per stratum from ``(stratum, person, melder_type)`` rows.

    A person counts once per stratum, on the union of the lists of their melders.
    """
    patterns: dict[Hashable, dict[Hashable, int]] = defaultdict(lambda: defaultdict(int))
    for stratum, person, melder in memberships:
        patterns[stratum][person] |= 1 << LIST_INDEX[melder]
    size = 2 ** len(lists) - 1
    out: dict[Hashable, OverlapTable] = {}
    for stratum in sorted(patterns, key=str):
        counts = [0] * size
        for mask in patterns[stratum].values():
            counts[mask - 1] += 1
        out[stratum] = OverlapTable(tuple(lists), tuple(counts))
    return out
