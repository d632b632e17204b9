"""Networks: near-duplicate text fused with shared contact details.

Text similarity is the rarity-weighted Jaccard similarity of word shingles,
estimated from MinHash signatures (:mod:`sketch`: stock phrases weigh little,
what few ads share weighs much). Ads are linked

* when they share a phone number, a phone key (a number outside the numbering plan),
  an e-mail address or a handle;
* when their similarity is at least :data:`STRONG` (LSH candidates, verified): a
  copy of the same text with other slot values;
* when their similarity is at least the threshold but below :data:`STRONG` (a weak
  link), only if the two groups the strong links and contacts formed are cohesive:
  the *average* similarity between up to :data:`SAMPLE` members of each is at least
  :data:`COHESION`. One weak pair can then no longer join two networks that merely
  share a template family or stock phrases (transitive chaining), while an edited
  copy that is weakly similar to a few ads but on average close to its network
  still joins it.

Connected components of the links are the networks (union-find in NumPy). Contact
values shared by very many ads (a platform's own number, placeholders) are ignored
and reported, so one value cannot glue unrelated ads together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

from bovenwater.adscan.sketch import Signatures, scored_pairs, unique_pairs

# Verified (weighted) MinHash agreement for a text link: a strong link from STRONG,
# a weak one from the threshold, kept when the two groups are cohesive (see above).
# Measured on the generator's hard corpus (bench/README.md, "Webscan").
DEFAULT_THRESHOLD = 0.4
STRONG = 0.7
COHESION = 0.45
SAMPLE = 6
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


def components(n: int, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Connected components: for every node the smallest node of its component."""
    labels = np.arange(n, dtype=np.int64)
    if pairs.size == 0:
        return labels
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        low = np.minimum(labels[a], labels[b])
        before = labels.copy()
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        while True:  # pointer jumping: every node straight to its current root
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            return labels


def _samples(labels: npt.NDArray[np.int64], groups: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Up to :data:`SAMPLE` members (the first ones) of each group; -1 pads."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    first = np.searchsorted(sorted_labels, groups)
    out = np.full((groups.size, SAMPLE), -1, dtype=np.int64)
    for k in range(SAMPLE):
        position = first + k
        inside = position < labels.size
        member = np.where(inside, order[np.minimum(position, labels.size - 1)], -1)
        same = inside & (sorted_labels[np.minimum(position, labels.size - 1)] == groups)
        out[:, k] = np.where(same, member, -1)
    return out


def cohesive_links(
    signatures: Signatures,
    labels: npt.NDArray[np.int64],
    weak: npt.NDArray[np.int64],
    cohesion: float = COHESION,
) -> npt.NDArray[np.int64]:
    """The weak links whose two groups are cohesive (average linkage on samples)."""
    a, b = labels[weak[:, 0]], labels[weak[:, 1]]
    across = a != b
    if not across.any():
        return np.zeros((0, 2), dtype=np.int64)
    pairs = unique_pairs(np.sort(np.stack([a[across], b[across]], axis=1), axis=1), labels.size)[0]
    groups = np.unique(pairs)
    sample = _samples(labels, groups)
    left = sample[np.searchsorted(groups, pairs[:, 0])]
    right = sample[np.searchsorted(groups, pairs[:, 1])]
    keep = np.zeros(pairs.shape[0], dtype=np.bool_)
    step = 4096
    for lo in range(0, pairs.shape[0], step):
        x = left[lo : lo + step][:, :, None]
        y = right[lo : lo + step][:, None, :]
        valid = (x >= 0) & (y >= 0)
        xi = np.broadcast_to(np.where(x >= 0, x, 0), valid.shape)
        yi = np.broadcast_to(np.where(y >= 0, y, 0), valid.shape)
        agree = (signatures[xi] == signatures[yi]).mean(axis=-1)
        mean = (agree * valid).sum(axis=(1, 2)) / valid.sum(axis=(1, 2))
        keep[lo : lo + step] = mean >= cohesion
    return pairs[keep]


def cluster(
    signatures: Signatures,
    entities: Sequence[Iterable[str]],
    threshold: float = DEFAULT_THRESHOLD,
    max_entity_df: int = DEFAULT_MAX_ENTITY_DF,
    workers: int = 1,
    contacts: tuple[npt.NDArray[np.int64], list[str]] | None = None,
) -> ClusterResult:
    """Networks of the ads (see the module docstring). ``workers``: 2 or more lets
    :func:`sketch.scored_pairs` search half of its bands in a forked process.
    ``contacts``: what ``entity_pairs(entities, max_entity_df)`` gives, when the caller
    has it already (``entities`` is then not read)."""
    n = signatures.shape[0]
    text, similarity = scored_pairs(signatures, threshold, workers)
    contact, ignored = entity_pairs(entities, max_entity_df) if contacts is None else contacts
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return ClusterResult(labels, 0, 0, ignored)
    strong = similarity >= max(STRONG, threshold)
    links = np.concatenate([text[strong], contact.reshape(-1, 2)])
    groups = components(n, links)
    weak = text[~strong]
    if weak.size:
        joined = cohesive_links(signatures, groups, weak)
        if joined.size:
            groups = components(n, np.concatenate([links, joined]))
    sizes = np.bincount(groups, minlength=n)
    # number networks in order of their first ad; singletons stay -1
    multi = np.flatnonzero(sizes[groups] > 1)
    roots = groups[multi]
    _, first_seen = np.unique(roots, return_index=True)
    ordered_roots = roots[np.sort(first_seen)]
    number = np.full(n, -1, dtype=np.int64)
    number[ordered_roots] = np.arange(ordered_roots.size)
    labels[multi] = number[roots]
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
