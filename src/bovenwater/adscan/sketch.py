"""MinHash sketches of word shingles and LSH banding, vectorised with NumPy.

Each advertisement becomes the set of its word 3-shingles (tokens folded; every token
that contains a digit becomes one placeholder, so phone numbers and prices do not
make copies of one template look different, and so does every one-word municipality
name: a network that moves from city to city fills the same slot with another name).
Shingles are weighted by their rarity in the batch (:func:`idf_copies`). A shingle is a 32-bit value combined
from the CRC-32 of its tokens; MinHash applies ``NUM_PERM`` multiply-shift hash
functions and keeps the minimum per ad. Batches of ads are sketched at once, so the
per-ad cost is a few NumPy operations, not a Python loop over permutations.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

from bovenwater.adscan import forked

NUM_PERM = 64  # number of bins (signature length)
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 3
_BIN_BITS = 6
_VALUE_BITS = 32 - _BIN_BITS
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_P3 = np.uint64(0xD6E8FEB86659FD93)
EMPTY = np.uint32(0xFFFFFFFF)

Signatures = npt.NDArray[np.uint32]


def sketch_batch(token_hashes: list[list[int]]) -> Signatures:
    """MinHash signatures (``len(token_hashes)`` x ``NUM_PERM``, uint32).

    One-permutation MinHash with rotation densification (Shrivastava & Li, 2014):
    every shingle is hashed once; the hash picks one of ``NUM_PERM`` bins and the
    minimum per bin is kept. An empty bin borrows the value of the next non-empty
    bin to its right (circularly), offset by the distance, so similar ads still agree
    there. This is O(shingles) instead of O(shingles x permutations). ``token_hashes``
    holds, per ad, the 32-bit hashes of its tokens. Ads with fewer than two tokens get
    the all-``EMPTY`` signature, which :func:`lsh_pairs` skips.
    """
    n = len(token_hashes)
    lengths = np.fromiter(map(len, token_hashes), dtype=np.int64, count=n)
    total = int(lengths.sum())
    flat = np.fromiter(itertools.chain.from_iterable(token_hashes), np.uint64, count=total)
    return sketch_arrays(flat, lengths)


def sketch_arrays(flat: npt.NDArray[np.uint64], lengths: npt.NDArray[np.int64]) -> Signatures:
    """:func:`sketch_batch` on a flat array of token hashes and per-ad lengths."""
    shingles, counts = shingle_arrays(flat, lengths)
    return sketch_shingles(shingles, counts)


Shingles = tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]  # flat hashes, count per ad


def shingle_batch(token_hashes: list[list[int]]) -> Shingles:
    """The 64-bit shingle hashes of each ad (flat) and their number per ad."""
    n = len(token_hashes)
    lengths = np.fromiter(map(len, token_hashes), dtype=np.int64, count=n)
    total = int(lengths.sum())
    flat = np.fromiter(itertools.chain.from_iterable(token_hashes), np.uint64, count=total)
    return shingle_arrays(flat, lengths)


def shingle_arrays(flat: npt.NDArray[np.uint64], lengths: npt.NDArray[np.int64]) -> Shingles:
    """Word 3-shingles (an ad of two tokens: one 2-shingle; fewer: none) as 64-bit hashes."""
    n = lengths.size
    if flat.size == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(n, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    with np.errstate(over="ignore"):
        t1 = np.zeros_like(flat)  # the next token (0 past the end; a batch of one token
        t1[:-1] = flat[1:]  # made the old concatenation one element too long)
        t2 = np.zeros_like(flat)
        t2[:-2] = flat[2:]
        shingles = (flat * _P1) ^ (t1 * _P2) ^ (t2 + (t2 << np.uint64(17)))
        # an ad of two tokens has one shingle of its two tokens only; without this its
        # "third" token was the next ad's first, so the signature depended on the batch
        pairs = starts[lengths == 2]
        shingles[pairs] = (flat[pairs] * _P1) ^ (flat[pairs + 1] * _P2)
        position = np.arange(flat.size, dtype=np.int64) - np.repeat(starts, lengths)
        remaining = np.repeat(lengths, lengths) - position
        short = np.repeat(lengths < SHINGLE, lengths)
        keep = (remaining >= SHINGLE) | (short & (position == 0))
        keep &= np.repeat(lengths >= 2, lengths)
        mixed = shingles[keep]
        mixed ^= mixed >> np.uint64(31)
    counts = np.bincount(
        np.repeat(np.arange(n, dtype=np.int64), lengths)[keep], minlength=n
    ).astype(np.int64)
    return mixed, counts


def sketch_shingles(
    mixed: npt.NDArray[np.uint64],
    counts: npt.NDArray[np.int64],
    copies: npt.NDArray[np.int64] | npt.NDArray[np.int8] | None = None,
) -> Signatures:
    """MinHash signatures of shingle sets; ``copies`` (per shingle, >= 1) weights them.

    A shingle with ``c`` copies enters the set as ``c`` distinct elements, so the
    agreement of two signatures estimates the *weighted* Jaccard similarity
    ``sum_{A and B} w / sum_{A or B} w`` with ``w = c`` (the weight depends only on
    the shingle, so it is the same in both ads).
    """
    n = counts.size
    signatures = np.full((n, NUM_PERM), EMPTY, dtype=np.uint32)
    if mixed.size == 0:
        return signatures
    owner = np.repeat(np.arange(n, dtype=np.int64), counts)
    flat_sig = signatures.reshape(-1)
    rounds = 1 if copies is None else int(copies.max())
    for copy in range(rounds):  # copy k of every shingle with more than k copies
        if copy == 0:
            these, who = mixed, owner
        else:
            assert copies is not None
            chosen = copies > copy
            with np.errstate(over="ignore"):
                these = mixed[chosen] ^ (np.uint64(copy) * _P2)
            who = owner[chosen]
        with np.errstate(over="ignore"):
            hashed = ((these * _P3) >> np.uint64(32)).astype(np.uint32)
        bins = (hashed & np.uint32(NUM_PERM - 1)).astype(np.int64)
        values = hashed >> np.uint32(_BIN_BITS)
        np.minimum.at(flat_sig, who * NUM_PERM + bins, values)
    _densify(signatures)
    return signatures


MAX_COPIES = 4


def idf_copies(mixed: npt.NDArray[np.uint64], n_ads: int) -> npt.NDArray[np.int64]:
    """Weight of each shingle from its rarity in the batch: 1 to :data:`MAX_COPIES`.

    The weight is the shingle's inverse document frequency ``ln(N / df)`` in
    quarters of its largest possible value ``ln N`` (rounded up): a stock phrase that
    many unrelated ads share counts once, a shingle only a few ads share (a network's
    own template, a name it reuses) up to four times. Similarity then rests on what
    two ads share that others do not, and boilerplate cannot glue unrelated ads
    together however many there are. ``df`` is counted in a table of ``2**k`` hashed
    counters (a collision can only raise a count, i.e. lower a weight).
    """
    if mixed.size == 0 or n_ads < 2:
        return np.ones(mixed.size, dtype=np.int64)
    size = 1 << min(26, max(16, int(mixed.size * 2 - 1).bit_length()))
    slot = (mixed & np.uint64(size - 1)).astype(np.int64)
    df = np.bincount(slot, minlength=size)[slot].astype(np.float64)
    relative = np.log(n_ads / np.minimum(df, n_ads)) / np.log(n_ads)
    copies = np.ceil(relative * MAX_COPIES).astype(np.int64)
    out: npt.NDArray[np.int64] = np.clip(copies, 1, MAX_COPIES)
    return out


def sketch_weighted(mixed: npt.NDArray[np.uint64], counts: npt.NDArray[np.int64]) -> Signatures:
    """Signatures with rarity (IDF) weights over this batch (:func:`idf_copies`).

    Large batches are sketched in blocks of at least :data:`BLOCK` ads, with the weights
    looked up in a table of one byte per counter: the same signatures as
    ``sketch_shingles(mixed, counts, idf_copies(mixed, n))`` (a test compares them)
    with far smaller temporary arrays (several hundred MB less at 200,000 ads).
    """
    n = int(counts.size)
    if mixed.size == 0 or n < 2 or n <= BLOCK:
        return sketch_shingles(mixed, counts, idf_copies(mixed, n))
    return sketch_parts([(mixed, counts)])


def sketch_parts(parts: list[Shingles], workers: int = 1) -> Signatures:
    """:func:`sketch_weighted` of the concatenated ``parts`` (consecutive ranges of ads),
    without concatenating them; ``parts`` is emptied as they are sketched.

    With ``workers`` of 2 or more, a forked child sketches the second half of the
    blocks meanwhile (:func:`forked.in_two`), into memory both processes share: the
    same signatures (a test compares them)."""
    n = sum(int(counts.size) for _, counts in parts)
    total = sum(int(mixed.size) for mixed, _ in parts)
    if total == 0 or n < 2 or n <= BLOCK:
        mixed = np.concatenate([m for m, _ in parts]) if parts else np.zeros(0, np.uint64)
        counts = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, np.int64)
        parts.clear()
        return sketch_shingles(mixed, counts, idf_copies(mixed, n))
    copies = _idf_copies_compact(parts, total, n)
    # blocks of at least BLOCK ads: (first row, first shingle, parts)
    blocks: list[tuple[int, int, list[Shingles]]] = []
    row = 0
    low = 0
    parts.reverse()  # taken from the end: each part is freed once sketched
    while parts:
        block = [parts.pop()]
        while parts and sum(int(c.size) for _, c in block) < BLOCK:
            block.append(parts.pop())
        blocks.append((row, low, block))
        row += sum(int(c.size) for _, c in block)
        low += sum(int(m.size) for m, _ in block)
    del block
    split = workers >= 2 and len(blocks) >= 2 and n >= forked.MIN_ITEMS and forked.can_fork()
    if not split:
        signatures = np.empty((n, NUM_PERM), dtype=np.uint32)
        _sketch_blocks(blocks, copies, signatures)
        return signatures
    signatures = forked.shared_array((n, NUM_PERM), np.uint32)
    # the halves by shingles (the cost), each at least one block
    middle = next(
        (k for k, (_, first, _) in enumerate(blocks) if first >= total // 2), len(blocks) - 1
    )
    middle = max(1, middle)
    later = blocks[middle:]
    del blocks[middle:]
    forked.in_two(
        lambda: _sketch_blocks(later, copies, signatures),
        lambda: _sketch_blocks(blocks, copies, signatures),
    )
    return signatures


def _sketch_blocks(
    blocks: list[tuple[int, int, list[Shingles]]],
    copies: npt.NDArray[np.int8],
    signatures: Signatures,
) -> None:
    """Sketch ``blocks`` into their rows of ``signatures``; empties ``blocks``."""
    blocks.reverse()
    while blocks:
        row, low, block = blocks.pop()
        mixed = np.concatenate([m for m, _ in block]) if len(block) > 1 else block[0][0]
        counts = np.concatenate([c for _, c in block]) if len(block) > 1 else block[0][1]
        del block
        high = low + int(mixed.size)
        signatures[row : row + counts.size] = sketch_shingles(mixed, counts, copies[low:high])


BLOCK = 4096  # ads per block in sketch_weighted (small temporaries stay in the CPU caches)


def _idf_copies_compact(parts: list[Shingles], total: int, n_ads: int) -> npt.NDArray[np.int8]:
    """:func:`idf_copies` of the concatenated parts' shingles (``total`` of them) as
    int8, computed per distinct document frequency."""
    size = 1 << min(26, max(16, int(total * 2 - 1).bit_length()))
    # the slot fits in 26 bits, so the signed view of the masked value is the same number
    mask = np.uint64(size - 1)
    slot = np.concatenate([np.bitwise_and(mixed, mask) for mixed, _ in parts]).view(np.int64)
    # idf_copies' expression, evaluated once per possible df (0 never occurs: every
    # looked-up counter holds the shingle itself)
    df = np.arange(n_ads + 1, dtype=np.float64)
    df[0] = 1.0
    relative = np.log(n_ads / np.minimum(df, n_ads)) / np.log(n_ads)
    lookup = np.clip(np.ceil(relative * MAX_COPIES).astype(np.int64), 1, MAX_COPIES).astype(np.int8)
    # the counters in parts of at most 2**_PART_BITS (a full table of int64 counts
    # would take 8 bytes per counter at once)
    per_counter = np.empty(size, dtype=np.int8)
    part = min(size, 1 << _PART_BITS)
    high = slot >> _PART_BITS if size > part else None
    for first in range(0, size, part):
        these = slot if high is None else slot[high == first >> _PART_BITS] - first
        table = np.bincount(these, minlength=part)
        np.minimum(table, n_ads, out=table)
        per_counter[first : first + part] = lookup[table]
    del high
    out: npt.NDArray[np.int8] = per_counter[slot]
    return out


_PART_BITS = 23


def _densify(signatures: Signatures) -> None:
    filled = signatures != EMPTY
    rows = np.flatnonzero(filled.any(axis=1) & ~filled.all(axis=1))
    if rows.size == 0:
        return
    sub = signatures[rows]
    doubled = np.concatenate([sub, sub], axis=1)
    columns = np.arange(2 * NUM_PERM, dtype=np.int16)  # small integers: less to move
    index = np.where(doubled != EMPTY, columns, np.int16(4 * NUM_PERM))
    # next non-empty column at or after each position: reverse running minimum
    nxt = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1][:, :NUM_PERM]
    distance = (nxt - columns[:NUM_PERM]).astype(np.uint32)
    borrowed = np.take_along_axis(doubled, nxt.astype(np.intp), axis=1)
    sub[:] = np.where(sub != EMPTY, sub, borrowed + (distance << np.uint32(_VALUE_BITS)))
    signatures[rows] = sub


def _band_keys(signatures: Signatures, band: int) -> npt.NDArray[np.uint64]:
    block = signatures[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
    key = np.zeros(signatures.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(ROWS):
            key = (key * _P1) ^ (block[:, column] + np.uint64(column + 1) * _P2)
    return key


def lsh_pairs(signatures: Signatures, threshold: float = 0.5) -> npt.NDArray[np.int64]:
    """Candidate near-duplicate pairs ``(i, j)`` whose estimated Jaccard >= threshold.

    Per band the ads are sorted by band key; every ad in a bucket is paired with the
    bucket's first ad and the pair is kept when the full signatures agree on at least
    ``threshold`` of the positions (the MinHash estimate of Jaccard similarity).
    """
    return scored_pairs(signatures, threshold)[0]


def scored_pairs(
    signatures: Signatures, threshold: float = 0.5, workers: int = 1
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """:func:`lsh_pairs` with the estimated similarity of every pair.

    With ``workers`` of 2 or more, a forked child takes the second half of the bands
    (:func:`forked.in_two`): the same pairs and scores."""
    n = signatures.shape[0]
    usable = np.flatnonzero(signatures[:, 0] != EMPTY) if n else np.zeros(0, np.int64)
    if usable.size < 2:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    sig = signatures[usable]
    if workers >= 2 and usable.size >= forked.MIN_ITEMS and forked.can_fork():
        half = BANDS // 2
        later, first = forked.in_two(
            lambda: _band_pairs(sig, usable, range(half, BANDS), threshold),
            lambda: _band_pairs(sig, usable, range(half), threshold),
        )
        found, scores = first[0] + later[0], first[1] + later[1]
    else:
        found, scores = _band_pairs(sig, usable, range(BANDS), threshold)
    if not found:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0)
    pairs = np.sort(np.concatenate(found), axis=1)
    agree_all = np.concatenate(scores)
    unique, first_index = unique_pairs(pairs, n)
    return unique, agree_all[first_index]


def _band_pairs(
    sig: Signatures, usable: npt.NDArray[np.int64], bands: range, threshold: float
) -> tuple[list[npt.NDArray[np.int64]], list[npt.NDArray[np.float64]]]:
    """The verified candidate pairs (and their agreement) of ``bands``, band by band."""
    found: list[npt.NDArray[np.int64]] = []
    scores: list[npt.NDArray[np.float64]] = []
    for band in bands:
        keys = _band_keys(sig, band)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        same = sorted_keys[1:] == sorted_keys[:-1]
        if not same.any():
            continue
        group_start = np.flatnonzero(np.r_[True, ~same])
        group_id = np.cumsum(np.r_[True, ~same]) - 1
        heads = order[group_start[group_id]]
        members = order
        mask = heads != members
        a, b = heads[mask], members[mask]
        agree = (sig[a] == sig[b]).mean(axis=1)
        ok = agree >= threshold
        if ok.any():
            found.append(np.stack([usable[a[ok]], usable[b[ok]]], axis=1))
            scores.append(agree[ok])
    return found, scores


def unique_pairs(
    pairs: npt.NDArray[np.int64], n: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``np.unique(pairs, axis=0, return_index=True)`` for pairs of values in ``[0, n)``,
    through one int64 key per pair (the same rows, in the same order, and the index of
    each row's first occurrence; several times faster than unique over rows)."""
    if pairs.shape[0] == 0 or n == 0:
        unique, first = np.unique(pairs.reshape(-1, 2), axis=0, return_index=True)
        return unique, first
    keys = pairs[:, 0] * np.int64(n) + pairs[:, 1]
    found, first = np.unique(keys, return_index=True)
    return np.stack([found // n, found % n], axis=1), first


def jaccard_estimate(a: Signatures, b: Signatures) -> float:
    return float((a == b).mean())


NUMBER_HASH_PLACEHOLDER = 0x5EED_0001  # every token with a digit hashes to this
PLACE_HASH_PLACEHOLDER = 0x5EED_0002  # and every one-word municipality name to this
