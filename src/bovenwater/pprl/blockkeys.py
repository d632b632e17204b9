"""Which blocking keys two records share (for the sample EM learns from).

``usable`` is, per record and key column, whether the key's block is usable (not
oversized, see :mod:`bovenwater.pprl.match`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bovenwater.pprl.encode import T_BLOCK
from bovenwater.pprl.score import Dataset, Int64Array

# key columns whose values can be equal between two records: the three surname parts
# of one kind of key, and each single key with itself
KEY_GROUPS = ((0, 1, 2), (3, 4, 5), (6, 7, 8), (9,), (10,), (11,))


# the kinds of blocking key that do not hold a field (key columns that can be equal
# between two records): surname parts with the date, first name with the date, first
# name with a surname part
KEYS_WITHOUT: dict[str, tuple[tuple[int, ...], ...]] = {
    "first": ((0, 1, 2), (3, 4, 5)),
    "last": ((9,), (10,)),
    "date": ((6, 7, 8),),
}


def share_keys(
    data: Dataset,
    usable: NDArray[np.bool_],
    low: Int64Array,
    high: Int64Array,
    groups: tuple[tuple[int, ...], ...],
) -> NDArray[np.bool_]:
    """Per pair: both records are in one usable block of a key in ``groups``."""
    out = np.zeros(low.shape[0], dtype=bool)
    for group in groups:
        for a in group:
            ka = data.tokens[low, T_BLOCK + a]
            here = usable[low, a] & (ka != 0)
            for b in group:
                out |= here & (ka == data.tokens[high, T_BLOCK + b])
    return out


def shared_blocks(
    data: Dataset, usable: NDArray[np.bool_], low: Int64Array, high: Int64Array
) -> NDArray[np.float64]:
    """Per pair: the number of usable blocks both records are in (at least 1)."""
    count = np.zeros(low.shape[0], dtype=np.float64)
    for group in KEY_GROUPS:
        for a in group:
            ka = data.tokens[low, T_BLOCK + a]
            here = usable[low, a] & (ka != 0)
            hit = np.zeros(low.shape[0], dtype=bool)
            for b in group:
                hit |= ka == data.tokens[high, T_BLOCK + b]
            count += here & hit
    return np.maximum(count, 1.0)


def blocked_without(
    data: Dataset, usable: NDArray[np.bool_], low: Int64Array, high: Int64Array
) -> dict[str, NDArray[np.bool_]]:
    """Per field: the pairs that share a blocking key not holding that field."""
    return {
        field: share_keys(data, usable, low, high, groups) for field, groups in KEYS_WITHOUT.items()
    }
