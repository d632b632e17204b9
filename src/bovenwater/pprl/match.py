"""Matching encoded records of several sources into groups of one person each.

1. **Blocking.** Records are compared only when they share one of twelve keyed
   blocking keys (surname part with year and month of birth, or with the day/month
   pair; first name with year and month, or with the pair; first name with surname
   part). A record with one error in
   any single field still shares several keys with its partner. Blocks larger than
   ``MAX_BLOCK`` are skipped for that key (the other keys still pair their records).
2. **Comparison** (:mod:`bovenwater.pprl.score`): per field a similarity from
   popcounts, weighted as a Fellegi-Sunter log-likelihood ratio in bits.
3. **Grouping.** First duplicates within one source are joined at a strict threshold;
   then links between sources are taken best score first, and a link is accepted only
   when the two groups hold no record of the same source (one-to-one per source). A
   group may thus hold two records of one source only as duplicates found in step 1;
   it still counts as one person on that source's list.

Scores never leave this module: callers get groups.
"""

from __future__ import annotations

import math
import multiprocessing
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

import bovenwater.pprl.assign as assign
import bovenwater.pprl.em as em
from bovenwater.pprl.blockkeys import KEY_GROUPS, blocked_without, shared_blocks
from bovenwater.pprl.encode import T_BLOCK, T_Y, T_YPAIR, EncodedFile
from bovenwater.pprl.learned import learn_model, score_pairs_learned
from bovenwater.pprl.score import (
    Dataset,
    FloatArray,
    Int64Array,
    _Frequencies,
    build_dataset,
    score_pairs,
)

__all__ = ["MatchResult", "build_dataset", "candidate_pairs", "link", "score_pairs"]

MAX_BLOCK = 300
PAIR_BUDGET = 500_000  # pairs scored at once (memory ~ 300 bytes per pair)
THRESHOLD = 13.0  # bits: posterior odds of about 200:1 at the prior of a blocked pair
DUPLICATE_THRESHOLD = 18.0
# learned weights: the posterior log-odds (bits) a link needs, and how much more a link
# within one source needs (duplicates on one list are rarer than people on two)
POSTERIOR_BITS = 0.0
DUPLICATE_EXTRA_BITS = 5.0
# The prior odds that a blocked pair is a match fall as lists grow: every record meets
# more namesakes. Both thresholds rise by log2 of the comparisons per record above this
# reference (never fall below it, so a small hit/no-hit question is not more lenient).
REFERENCE_COMPARISONS_PER_RECORD = 10.0

# -------------------------------------------------------------------------- blocking


def _pairs_within(order: Int64Array, starts: Int64Array, sizes: Int64Array) -> Int64Array:
    """All pairs (as an (n, 2) array) within runs ``order[start:start+size]``."""
    per_element_sizes = np.repeat(sizes, sizes)
    local = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    counts = per_element_sizes - 1 - local
    positions = np.repeat(starts, sizes) + local
    left_pos = np.repeat(positions, counts)
    step = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    right_pos = left_pos + 1 + step
    return np.stack((order[left_pos], order[right_pos]), axis=1)


class Blocks(NamedTuple):
    records: Int64Array  # record indexes sorted by blocking key
    starts: Int64Array  # start of every usable block in ``records``
    sizes: Int64Array  # its size
    skipped: int  # blocks larger than the maximum, skipped
    values: NDArray[np.uint64]  # the key value of every usable block
    usable: NDArray[np.bool_]  # per record and key column: the key's block is usable


def _blocks(data: Dataset, max_block: int) -> Blocks:
    """Records sorted by blocking key, with the start and size of every usable block."""
    keys = data.tokens[:, T_BLOCK:]
    n_blocks = keys.shape[1]
    flat = keys.reshape(-1)
    order = np.argsort(flat, kind="stable")
    sorted_keys = flat[order]
    present = sorted_keys != 0
    order = order[present]
    sorted_keys = sorted_keys[present]
    sorted_records = order // n_blocks
    boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
    starts = np.concatenate(([0], boundaries)).astype(np.int64)
    sizes = np.diff(np.concatenate((starts, [sorted_keys.shape[0]]))).astype(np.int64)
    usable = (sizes >= 2) & (sizes <= max_block)
    skipped = int(np.count_nonzero(sizes > max_block))
    usable_keys = np.zeros(flat.shape[0], dtype=bool)
    usable_keys[order] = np.repeat(usable, sizes)
    return Blocks(
        records=sorted_records,
        starts=starts[usable],
        sizes=sizes[usable],
        skipped=skipped,
        values=sorted_keys[starts[usable]],
        usable=usable_keys.reshape(keys.shape),
    )


def _first_meeting(
    data: Dataset, blocks: Blocks, low: Int64Array, high: Int64Array, value: NDArray[np.uint64]
) -> NDArray[np.bool_]:
    """Whether the block of ``value`` is the first (smallest key value) usable block the
    pair shares: a pair that shares several keys is scored there only."""
    keys_i = data.tokens[low, T_BLOCK:]
    keys_j = data.tokens[high, T_BLOCK:]
    # the keys of the first record that are usable and come before this block; only
    # those pairs are checked for sharing one of them
    candidate = blocks.usable[low] & (keys_i < value[:, None]) & (keys_i != 0)
    earlier = np.zeros(low.shape[0], dtype=bool)
    for group in KEY_GROUPS:
        for a in group:
            rows = np.flatnonzero(candidate[:, a])
            if rows.shape[0] == 0:
                continue
            ka = keys_i[rows, a]
            shared = np.zeros(rows.shape[0], dtype=bool)
            for b in group:
                shared |= ka == keys_j[rows, b]
            earlier[rows[shared]] = True
    result: NDArray[np.bool_] = ~earlier
    return result


def _distinct(values: Int64Array) -> Int64Array:
    """Sorted distinct values (sorting: NumPy 2's hash-based ``unique`` is far slower here)."""
    ordered = np.sort(values)
    keep = np.ones(ordered.shape[0], dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    result: Int64Array = ordered[keep]
    return result


def _ordered(pairs: Int64Array) -> tuple[Int64Array, Int64Array]:
    low = np.minimum(pairs[:, 0], pairs[:, 1])
    high = np.maximum(pairs[:, 0], pairs[:, 1])
    keep = low != high
    return low[keep], high[keep]


def candidate_pairs(
    data: Dataset, max_block: int = MAX_BLOCK
) -> tuple[Int64Array, Int64Array, int]:
    """Distinct record pairs (i < j) sharing a blocking key; also the skipped blocks."""
    sorted_records, starts, sizes, skipped = _blocks(data, max_block)[:4]
    low, high = _ordered(_pairs_within(sorted_records, starts, sizes))
    codes = _distinct(low * data.size + high)
    return codes // data.size, codes % data.size, skipped


@dataclass(frozen=True)
class _Scored:
    left: Int64Array
    right: Int64Array
    scores: FloatArray
    comparisons: int
    skipped_blocks: int


Scorer = Callable[[Dataset, Int64Array, Int64Array], FloatArray]


def scored_candidates(
    data: Dataset,
    freq: _Frequencies,
    keep_min: float,
    max_block: int = MAX_BLOCK,
    budget: int = PAIR_BUDGET,
    scorer: Scorer | None = None,
    blocks: Blocks | None = None,
    workers: int = 1,
) -> _Scored:
    """Score the blocked pairs a batch of blocks at a time, keeping those >= ``keep_min``.

    Memory stays bounded by ``budget`` pairs per batch whatever the size of the lists; a
    pair that shares several keys is scored once, in the first block it shares. With
    ``workers`` > 1 the batches are scored by that many forked processes.
    """
    blocks = blocks or _blocks(data, max_block)
    sizes = blocks.sizes
    cumulative = np.cumsum(sizes * (sizes - 1) // 2)
    batches: list[tuple[int, int]] = []
    begin = 0
    while begin < sizes.shape[0]:
        base = int(cumulative[begin - 1]) if begin else 0
        end = max(begin + 1, int(np.searchsorted(cumulative, base + budget, side="right")))
        batches.append((begin, end))
        begin = end
    job = _BatchJob(data, freq, keep_min, blocks, scorer)
    if workers > 1 and len(batches) > 1:
        # fork: the workers share the read-only arrays; each returns only the pairs kept
        _JOB.append(job)
        try:
            context = multiprocessing.get_context("fork")
            pool = context.Pool(workers, initializer=_default_signals)
            try:
                parts = pool.map(_run_batch, batches, chunksize=1)
                pool.close()  # the workers end by themselves: no signal needed
                pool.join()
            finally:
                pool.terminate()  # after a failure: stop the others (nothing left otherwise)
        finally:
            _JOB.clear()
    else:
        parts = [job.run(batch) for batch in batches]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Scored(empty, empty, np.zeros(0, dtype=np.float32), 0, blocks.skipped)
    # every pair was scored once, in the first block it shares
    return _Scored(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        sum(p[3] for p in parts),
        blocks.skipped,
    )


@dataclass(frozen=True)
class _BatchJob:
    data: Dataset
    freq: _Frequencies
    keep_min: float
    blocks: Blocks
    scorer: Scorer | None

    def run(self, batch: tuple[int, int]) -> tuple[Int64Array, Int64Array, FloatArray, int]:
        """Score the pairs of blocks ``begin:end``; return those kept and the count."""
        begin, end = batch
        blocks, data = self.blocks, self.data
        sizes = blocks.sizes[begin:end]
        pairs = _pairs_within(blocks.records, blocks.starts[begin:end], sizes)
        value = np.repeat(blocks.values[begin:end], sizes * (sizes - 1) // 2)
        first = _first_meeting(data, blocks, pairs[:, 0], pairs[:, 1], value)
        low, high = _ordered(pairs[first])
        del pairs, value, first
        if self.scorer is None:
            scores = score_pairs(data, low, high, self.freq)
        else:
            scores = self.scorer(data, low, high)
        keep = scores >= self.keep_min
        return low[keep], high[keep], scores[keep], int(low.shape[0])


_JOB: list[_BatchJob] = []  # the job of the forked workers (set before the fork)


def _default_signals() -> None:
    """In a forked worker: SIGTERM and SIGINT end it again, whatever handler the parent
    had installed (a task worker's graceful-shutdown handler would otherwise keep a
    worker waiting for work after the pool is stopped)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _run_batch(batch: tuple[int, int]) -> tuple[Int64Array, Int64Array, FloatArray, int]:
    return _JOB[0].run(batch)


# -------------------------------------------------------------------------- grouping


class _Groups:
    """Union-find over record indexes with the set of sources (bit mask), the years of
    birth and the full dates of birth (keyed tokens) per group."""

    def __init__(self, data: Dataset) -> None:
        self.parent: list[int] = list(range(data.size))
        self.mask: list[int] = [1 << s for s in data.source_of.tolist()]
        self.record_year: list[int] = data.tokens[:, T_Y].tolist()
        self.years: list[frozenset[int]] = [
            frozenset((y,)) if y else frozenset() for y in self.record_year
        ]
        # the unordered day/month pair with the year (a swapped day and month keep it)
        self.record_date: list[int] = data.tokens[:, T_YPAIR].tolist()
        self.dates: list[frozenset[int]] = [
            frozenset((d,)) if d else frozenset() for d in self.record_date
        ]

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int, *, disjoint: bool, check_years: bool = True) -> bool:
        """Join the groups of ``a`` and ``b`` unless a rule forbids it.

        One record per source (``disjoint``); and two groups with different years of
        birth only through a link that itself compared two different years (a year
        typo): a record without a date must not bridge two people of the same name.
        Likewise two groups with different full dates of birth only through a link of
        two records with a full date: a record without a day must not bridge two
        people born in the same month.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if disjoint and self.mask[ra] & self.mask[rb]:
            return False
        ya, yb = self.years[ra], self.years[rb]
        if check_years and ya and yb and not (ya & yb):
            year_a, year_b = self.record_year[a], self.record_year[b]
            if not (year_a and year_b and year_a != year_b):
                return False
        da, db = self.dates[ra], self.dates[rb]
        full_dates = bool(self.record_date[a] and self.record_date[b])
        if check_years and da and db and not (da & db) and not full_dates:
            return False
        self.parent[rb] = ra
        self.mask[ra] |= self.mask[rb]
        self.years[ra] = ya | yb
        self.dates[ra] = da | db
        return True

    def labels(self) -> Int64Array:
        labels = np.array(self.parent, dtype=np.int64)
        while True:
            following = labels[labels]
            if np.array_equal(following, labels):
                return labels
            labels = following


@dataclass(frozen=True)
class MatchResult:
    sources: list[str]
    labels: Int64Array  # group label (a root record index) per record
    records: int
    comparisons: int
    skipped_blocks: int
    seconds: float
    within_source_duplicates: int
    data: Dataset
    model: em.Model | None = None  # the learned weights, None for the fixed ones

    def groups(self) -> list[list[tuple[str, str]]]:
        """Groups of two or more records, members sorted, groups in a stable order."""
        order = np.argsort(self.labels, kind="stable")
        labels = self.labels[order]
        boundaries = np.flatnonzero(np.diff(labels)) + 1
        out: list[list[tuple[str, str]]] = []
        for chunk in np.split(order, boundaries):
            if chunk.shape[0] < 2:
                continue
            out.append(sorted(self.data.member(int(k)) for k in chunk))
        out.sort()
        return out

    def capture_patterns(self) -> dict[int, int]:
        """Persons per capture pattern (bit i = on source i); every person counted once."""
        masks = (np.int64(1) << self.data.source_of.astype(np.int64)).astype(np.int64)
        per_group: dict[int, int] = {}
        for label, mask in zip(self.labels.tolist(), masks.tolist(), strict=True):
            per_group[label] = per_group.get(label, 0) | mask
        patterns: dict[int, int] = {}
        for mask in per_group.values():
            patterns[mask] = patterns.get(mask, 0) + 1
        return patterns


def learn_model_if_enough(data: Dataset, blocks: Blocks) -> em.Model | None:
    """The learned model, or None when the lists give too few blocked pairs for EM.

    EM sees a sample of the blocks; a pair is taken only in the first block it shares
    (as in scoring), so every distinct blocked pair is in the sample with the same
    chance, the block sampling rate. Taking a pair from any chosen block instead would
    favour true pairs (they share many blocks) and overstate both the share of true
    pairs and how clean their fields are, more so the larger the lists.
    """
    sizes = blocks.sizes
    if int((sizes * (sizes - 1) // 2).sum()) < em.MIN_EM_PAIRS:
        return None
    chosen, rate = em.sample_blocks(sizes, em.EM_SAMPLE)
    chosen_sizes = sizes[chosen]
    pairs = _pairs_within(blocks.records, blocks.starts[chosen], chosen_sizes)
    value = np.repeat(blocks.values[chosen], chosen_sizes * (chosen_sizes - 1) // 2)
    first = _first_meeting(data, blocks, pairs[:, 0], pairs[:, 1], value)
    fit_pairs = None
    fit_without = None
    fit_weights = None
    if rate < 1.0:
        # every pair of the sampled blocks: m is fitted there (see learn_model)
        all_low, all_high = _ordered(pairs)
        all_codes = _distinct(all_low * data.size + all_high)
        all_low, all_high = all_codes // data.size, all_codes % data.size
        keep = data.source_of[all_low] != data.source_of[all_high]
        fit_pairs = (all_low[keep], all_high[keep])
        fit_without = blocked_without(data, blocks.usable, all_low[keep], all_high[keep])
        # a pair is in the sampled blocks if any of the k usable blocks it shares was
        # chosen, with chance 1 - (1 - rate)^k: weighed by its inverse
        shared = shared_blocks(data, blocks.usable, all_low[keep], all_high[keep])
        fit_weights = 1.0 / (1.0 - (1.0 - rate) ** shared)
        del all_low, all_high, all_codes, keep
    low, high = _ordered(pairs[first])
    del pairs, value, first
    codes = _distinct(low * data.size + high)
    low, high = codes // data.size, codes % data.size
    cross = data.source_of[low] != data.source_of[high]
    if int(cross.sum()) < em.MIN_EM_PAIRS // 4:
        return None
    # distinct blocked pairs between sources in all blocks
    total = int(cross.sum()) / rate
    low, high = low[cross], high[cross]
    without = blocked_without(data, blocks.usable, low, high)
    return learn_model(
        data,
        low,
        high,
        round(total),
        without["date"],
        fit_pairs,
        without,
        fit_without,
        fit_weights,
    )


def _assign(
    groups: _Groups,
    data: Dataset,
    left: Int64Array,
    right: Int64Array,
    score: Callable[[Int64Array, Int64Array], FloatArray],
    threshold: float,
) -> None:
    """Join the links (best first) by the optimal one-to-one grouping of
    :mod:`bovenwater.pprl.assign`; ``groups`` holds the duplicates joined so far."""
    unit_of = groups.labels()
    units, unit_index = np.unique(unit_of, return_inverse=True)
    n_units = int(units.shape[0])
    unit_mask = np.zeros(n_units, dtype=np.int64)
    np.bitwise_or.at(unit_mask, unit_index, np.int64(1) << data.source_of.astype(np.int64))
    # components of the links, regardless of the one-to-one rule
    a_index, b_index = unit_index[left], unit_index[right]
    graph = coo_matrix(
        (np.ones(a_index.shape[0], dtype=np.int8), (a_index, b_index)), shape=(n_units, n_units)
    )
    component = connected_components(graph, directed=False)[1].astype(np.int64)
    # a component is conflicted when two of its units hold one source
    sources_in = np.zeros(int(component.max()) + 1 if n_units else 0, dtype=np.int64)
    np.bitwise_or.at(sources_in, component, unit_mask)
    bits_in = np.bincount(component, weights=np.bitwise_count(unit_mask).astype(np.float64))
    conflicted_component = np.bitwise_count(sources_in) < bits_in.astype(np.int64)
    conflicted = conflicted_component[component]
    masks = unit_mask.tolist()
    # the records of the units of conflicted components (the exact search needs them)
    record_units: dict[int, list[int]] = {}
    for record in np.flatnonzero(conflicted[unit_index]).tolist():
        record_units.setdefault(int(unit_index[record]), []).append(record)
    a_units = a_index.tolist()
    b_units = b_index.tolist()
    conflicted_roots = set(np.flatnonzero(conflicted_component).tolist())
    solved, _ = assign.split_components(
        unit_index, masks, component, conflicted_component, record_units, score, threshold
    )
    # join: a free component as a whole, a conflicted one as solved; a component too
    # large for the exact search best link first under the one-to-one rule
    for a, b, i, j in zip(a_units, b_units, left.tolist(), right.tolist(), strict=True):
        root = int(component[a])
        if root not in conflicted_roots:
            # best link first, and never two birth years through a record without one
            groups.union(i, j, disjoint=False)
        elif a in solved:
            if solved[a] == solved[b]:
                groups.union(i, j, disjoint=False, check_years=False)
        else:
            groups.union(i, j, disjoint=True)
    for unit, representative in solved.items():
        if unit != representative:
            groups.union(
                record_units[unit][0],
                record_units[representative][0],
                disjoint=False,
                check_years=False,
            )


def prior_shift(comparisons: int, records: int) -> float:
    """Bits added to the thresholds for lists where a record meets many candidates."""
    per_record = comparisons / max(records, 1)
    return max(0.0, math.log2(max(per_record, 1e-9) / REFERENCE_COMPARISONS_PER_RECORD))


def link(
    files: Sequence[EncodedFile],
    *,
    threshold: float = THRESHOLD,
    duplicate_threshold: float = DUPLICATE_THRESHOLD,
    min_files: int = 2,
    deduplicate: bool = False,
    posterior_bits: float = POSTERIOR_BITS,
    learn: bool = True,
    workers: int = 1,
) -> MatchResult:
    """Group the records of ``files`` (see the module docstring for the rules).

    With enough blocked pairs the weights are learned from the lists
    (:mod:`bovenwater.pprl.em`) and a pair links when its posterior log-odds reach
    ``posterior_bits`` (``DUPLICATE_EXTRA_BITS`` more within one source); smaller lists
    use the fixed weights with ``threshold`` and ``duplicate_threshold``. De-duplicating
    one list (``min_files=1``, ``deduplicate=True``) expects duplicates: the same
    threshold within a list as between lists. ``workers`` > 1 scores the pairs in that
    many forked processes (the command line does for large lists).
    """
    started = time.perf_counter()
    data = build_dataset(files, min_files)
    freq = _Frequencies.of(data)
    blocks = _blocks(data, MAX_BLOCK)
    model = learn_model_if_enough(data, blocks) if learn else None
    if model is None:
        if deduplicate:
            duplicate_threshold = threshold
        scored = scored_candidates(
            data,
            freq,
            keep_min=min(threshold, duplicate_threshold),
            blocks=blocks,
            workers=workers,
        )
        shift = prior_shift(scored.comparisons, data.size)
        threshold += shift
        duplicate_threshold += shift
    else:
        threshold = posterior_bits - model.prior_bits
        duplicate_threshold = threshold + (0.0 if deduplicate else DUPLICATE_EXTRA_BITS)

        def scorer(d: Dataset, i: Int64Array, j: Int64Array) -> FloatArray:
            return score_pairs_learned(d, i, j, freq, model)

        scored = scored_candidates(
            data,
            freq,
            keep_min=min(threshold, duplicate_threshold),
            blocks=blocks,
            scorer=scorer,
            workers=workers,
        )
    left, right, scores = scored.left, scored.right, scored.scores
    same_source = data.source_of[left] == data.source_of[right]
    groups = _Groups(data)
    duplicates = 0
    dup = np.flatnonzero(same_source & (scores >= duplicate_threshold))
    for k in dup[np.argsort(-scores[dup], kind="stable")].tolist():
        if groups.union(int(left[k]), int(right[k]), disjoint=False):
            duplicates += 1
    cross = np.flatnonzero(~same_source & (scores >= threshold))
    cross = cross[np.argsort(-scores[cross], kind="stable")]
    if model is None:
        for k in cross.tolist():
            groups.union(int(left[k]), int(right[k]), disjoint=True)
    else:

        def rescore(i: Int64Array, j: Int64Array) -> FloatArray:
            return score_pairs_learned(data, i, j, freq, model)

        _assign(groups, data, left[cross], right[cross], rescore, threshold)
    labels = groups.labels()
    return MatchResult(
        sources=data.sources,
        labels=labels,
        records=data.size,
        comparisons=scored.comparisons,
        skipped_blocks=scored.skipped_blocks,
        seconds=time.perf_counter() - started,
        within_source_duplicates=duplicates,
        data=data,
        model=model,
    )
