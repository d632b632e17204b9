"""Small-number suppression of an overlap table (never of the estimate).

Uses the monitor's threshold and display: a pattern count from 1 to ``threshold - 1``
is hidden; when that leaves one hidden cell, or hidden cells that add up to less than
the threshold, the smallest shown non-zero cells are hidden too, so the shown total
minus the shown cells reveals no small number.
"""

from __future__ import annotations

from dataclasses import dataclass

from bovenwater.estimation.overlap import OverlapTable
from bovenwater.monitor.suppression import display, threshold


@dataclass(frozen=True)
class PatternCell:
    members: tuple[bool, ...]
    count: int | None  # None when suppressed
    display: str


def suppressed_cells(table: OverlapTable, limit: int | None = None) -> list[PatternCell]:
    k = threshold() if limit is None else limit
    counts = list(table.counts)
    hidden = {i for i, c in enumerate(counts) if 0 < c < k}
    while hidden and (len(hidden) < 2 or sum(counts[i] for i in hidden) < k):
        shown = [i for i, c in enumerate(counts) if c > 0 and i not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda i: (counts[i], i)))
    cells: list[PatternCell] = []
    for i, (members, count) in enumerate(table.rows()):
        if i in hidden:
            cells.append(PatternCell(members, None, display(None, k)))
        else:
            cells.append(PatternCell(members, count, str(count)))
    return cells
