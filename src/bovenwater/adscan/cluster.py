"""Networks: near-duplicate text fused with shared contact details.

Two ads are linked when their MinHash signatures estimate a word-shingle Jaccard
similarity of at least the threshold (LSH candidates, verified) or when they share a
phone number, e-mail address or handle. Connected components of the link graph are
the networks (union-find, via ``scipy.sparse.csgraph``). Contact values shared by
very many ads (a platform's own number, placeholders) are ignored and reported, so
one value cannot glue unrelated ads together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bovenwater.adscan.sketch import Signatures, lsh_pairs

# Verified MinHash agreement needed for a text link. 0.6 rather than 0.5: at 100k
# generated ads, 0.5 also linked independent ads that share a few stock sentences
# (bench/README.md, "Webscan", has the measurements).
DEFAULT_THRESHOLD = 0.6
DEFAULT_MAX_ENTITY_DF = 500


@dataclass(slots=True)
class ClusterResult:
    labels: npt.NDArray[np.int64]  # component per ad; -1 for ads that are alone
    text_links: int
    entity_links: int
    ignored_entities: list[str] = field(default_factory=list)


def entity_pairs(
    entities: Sequence[Iterable[str]], max_df: int = 500
) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Pairs ``(first ad with the value, ad)`` for every shared contact value.

    Values held by more than ``max_df`` ads are left out and returned as ignored.
    """
    lists = [list(dict.fromkeys(values)) for values in entities]
    count: Counter[str] = Counter(value for values in lists for value in values)
    ignored = sorted(value for value, c in count.items() if c > max_df)
    first: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for index, values in enumerate(lists):
        for value in values:
            c = count[value]
            if c < 2 or c > max_df:
                continue
            head = first.setdefault(value, index)
            if head != index:
                rows.append(head)
                cols.append(index)
    return np.array([rows, cols], dtype=np.int64).T.reshape(-1, 2), ignored


def cluster(
    signatures: Signatures,
    entities: Sequence[Iterable[str]],
    threshold: float = DEFAULT_THRESHOLD,
    max_entity_df: int = DEFAULT_MAX_ENTITY_DF,
) -> ClusterResult:
    n = signatures.shape[0]
    text = lsh_pairs(signatures, threshold)
    contact, ignored = entity_pairs(entities, max_entity_df)
    pairs = np.concatenate([text, contact]) if contact.size else text
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return ClusterResult(labels, 0, 0, ignored)
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n)
    )
    _, components = connected_components(graph, directed=False)
    sizes = np.bincount(components)
    # number networks in order of their first ad; singletons stay -1
    multi = sizes[components] > 1
    order: dict[int, int] = {}
    for index in np.flatnonzero(multi):
        component = int(components[index])
        if component not in order:
            order[component] = len(order)
        labels[index] = order[component]
    return ClusterResult(labels, len(text), len(contact), ignored)


def adjusted_rand_index(truth: Sequence[object], predicted: Sequence[object]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of two labelings of the same items."""
    if len(truth) != len(predicted):
        raise ValueError("labelings differ in length")
    n = len(truth)
    if n < 2:
        return 1.0
    _, t = np.unique(np.asarray([str(x) for x in truth]), return_inverse=True)
    _, p = np.unique(np.asarray([str(x) for x in predicted]), return_inverse=True)
    pair_keys = t.astype(np.int64) * (int(p.max()) + 1) + p
    _, joint = np.unique(pair_keys, return_counts=True)

    def comb2(counts: npt.NDArray[np.int64]) -> float:
        c = counts.astype(np.float64)
        return float((c * (c - 1) / 2).sum())

    index = comb2(joint)
    sum_t = comb2(np.bincount(t))
    sum_p = comb2(np.bincount(p))
    total = n * (n - 1) / 2
    expected = sum_t * sum_p / total
    maximum = (sum_t + sum_p) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def singleton_labels(labels: npt.NDArray[np.int64]) -> list[str]:
    """Cluster labels where every ad alone (-1) gets a label of its own (for ARI)."""
    return [f"n{label}" if label >= 0 else f"s{i}" for i, label in enumerate(labels.tolist())]


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)
