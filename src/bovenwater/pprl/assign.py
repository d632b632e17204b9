"""One-to-one grouping by an optimal assignment instead of best-link-first.

The links above the threshold join records into *components*. A component that holds
no two records (or duplicate groups) of the same source is one person. A component
with a conflict (two records of one source that cannot both be the person) is split
by solving, exactly, the partition of its units into groups with at most one unit per
source that maximises the sum, over the pairs inside each group, of
``weight - threshold`` (the pair's log-likelihood ratio above the link threshold; every
pair of the component is scored, also those no blocking key brought together). This is
the multi-party generalisation of a maximum-weight one-to-one matching: with two
sources it *is* the maximum-weight bipartite matching over the links above the
threshold, and with more sources a record that agrees with one member of a group but
clearly not with another is kept out. Components with more than ``EXACT_MAX_UNITS``
units fall back to best-link-first (they are very rare; the count is reported).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

Int64Array = NDArray[np.int64]
FloatArray = NDArray[np.float32]

EXACT_MAX_UNITS = 12


def best_partition(masks: list[int], gain: NDArray[np.float64]) -> list[int]:
    """Group label per unit maximising the summed ``gain`` inside groups.

    ``masks[u]`` is the set of sources (bits) of unit ``u``; two units of one group must
    have disjoint masks. ``gain[u, v]`` is symmetric. Branch and bound: units are
    placed one by one into a compatible group or a new one; the bound adds every
    remaining positive gain.
    """
    n = len(masks)
    positive = np.triu(np.maximum(gain, 0.0), 1)
    # the most any units from k on can still add: their positive gains with earlier units
    per_unit = positive.sum(axis=0)
    rest_bound = [float(per_unit[k:].sum()) for k in range(n + 1)]
    best_value = -1.0
    best: list[int] = list(range(n))
    labels = [-1] * n
    group_masks: list[int] = []
    group_members: list[list[int]] = []

    def search(k: int, value: float) -> None:
        nonlocal best_value, best
        if value + rest_bound[k] <= best_value + 1e-9:
            return
        if k == n:
            best_value = value
            best = labels.copy()
            return
        row = gain[k]
        options: list[tuple[float, int]] = []
        for g, members in enumerate(group_members):
            if group_masks[g] & masks[k]:
                continue
            options.append((float(row[members].sum()), g))
        options.sort(reverse=True)
        for added, g in options:
            labels[k] = g
            group_members[g].append(k)
            previous = group_masks[g]
            group_masks[g] |= masks[k]
            search(k + 1, value + added)
            group_masks[g] = previous
            group_members[g].pop()
        labels[k] = len(group_members)
        group_members.append([k])
        group_masks.append(masks[k])
        search(k + 1, value)
        group_masks.pop()
        group_members.pop()
        labels[k] = -1

    search(0, 0.0)
    return best


def split_components(
    unit_of: Int64Array,
    unit_mask: list[int],
    component_of_unit: Int64Array,
    conflicted: NDArray[np.bool_],
    record_units: Mapping[int, list[int]],
    score: Callable[[Int64Array, Int64Array], FloatArray],
    threshold: float,
) -> tuple[dict[int, int], int]:
    """New group (a representative unit) per unit of the conflicted components.

    ``conflicted`` says per component whether it is; ``record_units[u]`` lists the
    records of unit ``u`` (at least for the units of conflicted components). Returns the mapping and the
    number of components too large for the exact search (left to the caller).
    """
    components: dict[int, list[int]] = {}
    for unit in np.flatnonzero(conflicted[component_of_unit]).tolist():
        components.setdefault(int(component_of_unit[unit]), []).append(unit)
    solvable = {c: units for c, units in components.items() if len(units) <= EXACT_MAX_UNITS}
    too_large = len(components) - len(solvable)
    # score every record pair between two units of one solvable component, at once
    lefts: list[int] = []
    rights: list[int] = []
    owners: list[tuple[int, int, int]] = []  # (component, unit index a, unit index b)
    for c, units in solvable.items():
        for a in range(len(units)):
            for b in range(a + 1, len(units)):
                for x in record_units[units[a]]:
                    for y in record_units[units[b]]:
                        lefts.append(x)
                        rights.append(y)
                        owners.append((c, a, b))
    scores = (
        score(np.array(lefts, dtype=np.int64), np.array(rights, dtype=np.int64))
        if lefts
        else np.zeros(0, dtype=np.float32)
    )
    gains: dict[int, NDArray[np.float64]] = {
        c: np.full((len(units), len(units)), -np.inf) for c, units in solvable.items()
    }
    for (c, a, b), value in zip(owners, scores.tolist(), strict=True):
        matrix = gains[c]
        best = max(matrix[a, b], value - threshold)
        matrix[a, b] = matrix[b, a] = best
    out: dict[int, int] = {}
    for c, units in solvable.items():
        matrix = gains[c]
        np.fill_diagonal(matrix, 0.0)
        labels = best_partition([unit_mask[u] for u in units], matrix)
        representative: dict[int, int] = {}
        for unit, label in zip(units, labels, strict=True):
            out[unit] = representative.setdefault(label, unit)
    return out, too_large
