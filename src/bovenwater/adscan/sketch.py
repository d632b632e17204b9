"""MinHash sketches of word shingles and LSH banding, vectorised with NumPy.

Each advertisement becomes the set of its word 3-shingles (tokens folded; every token
that contains a digit becomes one placeholder, so phone numbers and prices do not
make copies of one template look different). A shingle is a 32-bit value combined
from the CRC-32 of its tokens; MinHash applies ``NUM_PERM`` multiply-shift hash
functions and keeps the minimum per ad. Batches of ads are sketched at once, so the
per-ad cost is a few NumPy operations, not a Python loop over permutations.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

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
    n = lengths.size
    signatures = np.full((n, NUM_PERM), EMPTY, dtype=np.uint32)
    if flat.size == 0:
        return signatures
    ends = np.cumsum(lengths)
    starts = ends - lengths
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
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths)[keep]
        mixed = shingles[keep]
        mixed ^= mixed >> np.uint64(31)
        hashed = ((mixed * _P3) >> np.uint64(32)).astype(np.uint32)
    bins = (hashed & np.uint32(NUM_PERM - 1)).astype(np.int64)
    values = hashed >> np.uint32(_BIN_BITS)
    flat_sig = signatures.reshape(-1)
    np.minimum.at(flat_sig, owner * NUM_PERM + bins, values)
    _densify(signatures)
    return signatures


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
    n = signatures.shape[0]
    usable = np.flatnonzero(signatures[:, 0] != EMPTY) if n else np.zeros(0, np.int64)
    if usable.size < 2:
        return np.zeros((0, 2), dtype=np.int64)
    sig = signatures[usable]
    found: list[npt.NDArray[np.int64]] = []
    for band in range(BANDS):
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
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    return np.unique(np.sort(pairs, axis=1), axis=0)


def jaccard_estimate(a: Signatures, b: Signatures) -> float:
    return float((a == b).mean())


NUMBER_HASH_PLACEHOLDER = 0x5EED_0001  # every token with a digit hashes to this
