"""Small-number suppression: the one module that decides which numbers may be shown.

Used by the fill job (which stores the decision with each count-table cell), and so by
every page, API answer and export, and by the open-data release (with its own k).

Rules, applied to all cells of one year together:

1. Primary: a count from 1 to ``threshold - 1`` is suppressed (shown as "<10").
2. Differences: a cell is suppressed when a cell that contains it (the same view with
   the police-unit filter, the form filter or the breakdown relaxed) differs from it
   by 1 to ``threshold - 1``: two views must not reveal a small difference.
3. Secondary: where cells add up to a shown or hidden whole (the single-valued
   breakdowns, and the police units of any cell), the hidden cells are at least two
   and add up to at least ``threshold``, so whole minus shown cells reveals no cell.
   Hiding more cells can make other partitions need more; this repeats until nothing
   changes.

Cells that are the same set of registrations under two names (the police-unit row of
the national view and the total of that unit's filtered view, the form row and the
total of that form's filtered view, "Nederlands" and nationality NL) share one
decision, so no page shows a number that another page suppresses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils.translation import gettext as _

from bovenwater.monitor.counts import CHAT_STATS, CHAT_TOTAL, STATS, TOTAL, Key, total_of
from bovenwater.monitor.models import ALL, UNKNOWN


def threshold() -> int:
    return int(getattr(settings, "SMALL_NUMBER_THRESHOLD", 10))


def display(count: int | None, limit: int | None = None) -> str:
    """How a cell is shown: the number, or "<10" when it is suppressed (``None``)."""
    if count is None:
        return _("<%(threshold)s") % {"threshold": limit if limit is not None else threshold()}
    return str(count)


def canonical(key: Key) -> Key:
    """One name for cells that are the same set of registrations."""
    stat, year, unit, form, value = key
    if stat == "police_unit" and unit in (ALL, value):
        return (TOTAL, year, value, form, "")
    # The chat's region and form are its filters and single-valued: a cell is the
    # total of its own filtered view (another form filter than the value holds 0).
    if stat == "chat_region" and unit in (ALL, value):
        return (CHAT_TOTAL, year, value, form, "")
    if stat == "chat_form" and form in (ALL, value):
        return (CHAT_TOTAL, year, unit, value, "")
    if stat == "form":
        if form in (ALL, value):
            return (TOTAL, year, unit, value, "")
        first, second = sorted((form, value))
        return ("form", year, unit, first, second)
    if stat == "nationality":
        if value == "NL":
            return ("nationality_group", year, unit, form, "dutch")
        if value == UNKNOWN:
            return ("nationality_group", year, unit, form, "unknown")
    return key


def relaxations(key: Key) -> Iterable[Key]:
    """The cells that structurally contain ``key`` (not itself)."""
    stat, year, unit, form, value = key
    for u in {unit, ALL}:
        for f in {form, ALL}:
            for s, v in {(stat, value), (total_of(stat), "")}:
                candidate = (s, year, u, f, v)
                if candidate != key:
                    yield candidate


SINGLE_VALUED = tuple(
    stat.name
    for stat in (*STATS, *CHAT_STATS)
    if stat.single_valued and stat.name not in (TOTAL, CHAT_TOTAL)
)


def partitions(keys: Iterable[Key]) -> dict[tuple[Key, str], set[Key]]:
    """(whole, how it is split) -> the cells that add up to it (raw keys)."""
    result: dict[tuple[Key, str], set[Key]] = defaultdict(set)
    for key in keys:
        stat, year, unit, form, value = key
        if stat in SINGLE_VALUED:
            result[((total_of(stat), year, unit, form, ""), stat)].add(key)
        if unit != ALL:
            result[((stat, year, ALL, form, value), "police_unit")].add(key)
    return result


def suppressed_cells(counts: Mapping[Key, int], limit: int) -> set[Key]:
    """The raw keys of ``counts`` that must not be shown (cells absent count 0)."""
    canon = {key: canonical(key) for key in counts}
    value: dict[Key, int] = {}
    for key, count in counts.items():
        value[canon[key]] = count

    def n(key: Key) -> int:
        return value.get(canonical(key), 0)

    hidden: set[Key] = set()
    for key in counts:
        c = canon[key]
        if c in hidden:
            continue
        own = value[c]
        if 0 < own < limit:
            hidden.add(c)
            continue
        for parent in relaxations(key):
            if 0 < n(parent) - own < limit:
                hidden.add(c)
                break

    groups = [
        (canonical(whole), sorted({canonical(part) for part in parts}))
        for (whole, _split), parts in partitions(counts).items()
    ]
    changed = True
    while changed:
        changed = False
        for whole, parts in groups:
            nonzero = [p for p in parts if value.get(p, 0) > 0 and p != whole]
            hidden_parts = [p for p in nonzero if p in hidden]
            if not hidden_parts and whole not in hidden:
                continue
            shown = sorted((p for p in nonzero if p not in hidden), key=lambda p: (value[p], p))
            total_hidden = sum(value[p] for p in hidden_parts)
            while shown and (len(hidden_parts) < 2 or total_hidden < limit):
                extra = shown.pop(0)
                hidden.add(extra)
                hidden_parts.append(extra)
                total_hidden += value[extra]
                changed = True
    return {key for key in counts if canon[key] in hidden}
