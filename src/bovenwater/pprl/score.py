"""Scoring pairs of encoded records: the stacked dataset and the Fellegi-Sunter weights.

Per field a similarity from popcounts (``np.bitwise_count`` on 64-bit words): the Dice
coefficient, or the overlap coefficient when one side holds nearly all of the other (one
of two given names, initials, a birth name inside a married name); the date of birth by
its keyed tokens, tolerating a swapped day and month, a missing day or one mistyped
digit; swapped name fields by the order-free key. The weighted sum is the score, which
never leaves the engine (see :mod:`bovenwater.pprl.match`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from numpy.typing import NDArray

from bovenwater.pprl.encode import (
    FILTER_WORDS,
    KIND_FULL,
    KIND_INITIALS,
    KIND_MISSING,
    KIND_SEVERAL,
    N_TOKENS,
    PAD_BYTES,
    RECORD_BYTES,
    T_BLOCK,
    T_DAY_TENS,
    T_DAY_UNITS,
    T_FIRST_YEAR,
    T_KIND,
    T_LAST_YEAR,
    T_ORDER_FREE,
    T_SEX,
    T_Y,
    T_YM,
    T_YMD,
    T_YPAIR,
    EncodedFile,
)
from bovenwater.pprl.errors import PPRLInputError

CHUNK = 250_000  # pairs per vectorised step

Int64Array = NDArray[np.int64]
FloatArray = NDArray[np.float32]


@dataclass
class Dataset:
    sources: list[str]
    record_ids: list[list[str]]
    source_of: NDArray[np.int16]
    offsets: list[int]
    first: NDArray[np.uint64]
    last: NDArray[np.uint64]
    tokens: NDArray[np.uint64]
    first_count: NDArray[np.int32] = field(init=False)
    last_count: NDArray[np.int32] = field(init=False)

    def __post_init__(self) -> None:
        self.first_count = np.bitwise_count(self.first).sum(axis=1, dtype=np.int32)
        self.last_count = np.bitwise_count(self.last).sum(axis=1, dtype=np.int32)

    @property
    def size(self) -> int:
        return int(self.source_of.shape[0])

    def member(self, index: int) -> tuple[str, str]:
        src = int(self.source_of[index])
        return self.sources[src], self.record_ids[src][index - self.offsets[src]]


def build_dataset(files: Sequence[EncodedFile], min_files: int = 2) -> Dataset:
    """Stack the sources' records; all files must share one key and distinct sources."""
    if len(files) < max(min_files, 1):
        raise PPRLInputError("matching needs at least two encoding files")
    names = [f.header.source for f in files]
    if len(set(names)) != len(names):
        raise PPRLInputError(f"two files carry the same source name: {', '.join(names)}")
    fingerprints = {f.header.key_fingerprint for f in files}
    if len(fingerprints) != 1:
        raise PPRLInputError(
            "the files were encoded with different secrets (key fingerprints differ)"
        )
    payload = b"".join(f.payload for f in files)
    total = sum(len(f.record_ids) for f in files)
    raw = np.frombuffer(payload, dtype=np.uint8).reshape(total, RECORD_BYTES)
    words = FILTER_WORDS
    body = np.ascontiguousarray(raw[:, : RECORD_BYTES - PAD_BYTES]).view("<u8")
    first = np.ascontiguousarray(body[:, :words])
    last = np.ascontiguousarray(body[:, words : 2 * words])
    tokens = np.ascontiguousarray(body[:, 2 * words : 2 * words + N_TOKENS])
    offsets: list[int] = []
    position = 0
    for f in files:
        offsets.append(position)
        position += len(f.record_ids)
    source_of = np.repeat(np.arange(len(files), dtype=np.int16), [len(f.record_ids) for f in files])
    return Dataset(
        sources=names,
        record_ids=[f.record_ids for f in files],
        source_of=source_of,
        offsets=offsets,
        first=first.astype(np.uint64, copy=False),
        last=last.astype(np.uint64, copy=False),
        tokens=tokens.astype(np.uint64, copy=False),
    )


# ------------------------------------------------------------------------ comparison
#
# The score is a log-likelihood ratio in bits (Fellegi-Sunter): for each field, how
# much more likely the observed agreement is for two records of one person (m) than
# for two records of different people (u). Agreement on a name counts by how rare that
# name is among the people born in the same year (u from the frequencies of the keyed
# blocking tokens, so no plaintext is needed); agreement on a date of birth by how rare
# that date is in that year. The m-probabilities describe data quality and are
# deliberately round numbers, not fitted to any test population.

M_EXACT, M_CLOSE, M_NEAR, M_DIFFERENT = 0.85, 0.07, 0.04, 0.04
EXACT_SIM, CLOSE_SIM, NEAR_SIM = 0.92, 0.70, 0.45
U_NEAR_BASE = 0.04
U_CLOSE_BASE = 0.01
M_INITIALS, U_INITIALS = 0.90, 0.08
MIN_FREQUENCY = 2e-4
NAME_PRIOR = 0.005
SMOOTHING = 100.0
M_NAMES_EXACT = 0.70
MIN_NAMES_U = 1e-4
# the smaller name filter counts as contained in the larger only when nearly all of
# its bits are there (one of two given names, a birth name inside a married name)
CONTAINED_MIN = 0.8
# both records hold several given names and they agree: the later names are evidence
# beyond the first one's frequency (another person with the same first name has the
# same further names about one time in ten)
U_FURTHER_NAMES = 0.1
# the pair of names counts as commoner than its parts say only when at least this many
# other records carry it (fewer are noise, often the same person's other records)
JOINT_MIN_OTHERS = 3
# a different surname: a married name (the sex token is keyed, so the matcher cannot
# tell women from men; this is the rate over everyone)
M_SURNAME_DIFFERENT = 0.08
SKELETON_SHARE = 8.0

M_DATE_EXACT, M_DATE_SWAP, M_DATE_OTHER = 0.95, 0.02, 0.005
# one digit of the day differs (same year and month): about 1 in 100 true pairs; for
# different people born in the same year, same month and one shared digit ~ 1 in 50
M_DATE_DIGIT, U_DATE_DIGIT = 0.01, 0.02
VETO = -40.0
M_SEX_AGREE, M_SEX_DIFFER = 0.98, 0.02
# first names and surname swapped: about one record in fifty (more for name orders
# that differ between cultures), times the chance that both lead names then agree
M_SWAPPED = 0.02


def _bits(m: float | FloatArray, u: float | FloatArray) -> FloatArray:
    return np.asarray(
        np.log2(np.asarray(m, dtype=np.float32) / np.asarray(u, dtype=np.float32)), dtype=np.float32
    )


def _name_similarity(
    inter: NDArray[np.int32], a: NDArray[np.int32], b: NDArray[np.int32]
) -> FloatArray:
    """Dice, or the overlap coefficient (less a margin) when one side is clearly smaller."""
    total = np.maximum(a + b, 1)
    dice = 2.0 * inter / total
    smaller = np.maximum(np.minimum(a, b), 1)
    overlap = inter / smaller
    # containment counts only when the smaller side is a real part of the larger one
    # (XOR-folding clears about one in ten of the smaller side's bits, hence the margin)
    contained = np.where(
        (np.minimum(a, b) <= 0.7 * np.maximum(a, b)) & (overlap >= CONTAINED_MIN),
        np.minimum(overlap + 0.05, 1.0),
        0.0,
    )
    result: FloatArray = np.maximum(dice, contained).astype(np.float32)
    return result


def _name_weight(sim: FloatArray, frequency: FloatArray) -> FloatArray:
    """Bits for a name comparison; ``frequency`` is how common the (more common) name is.

    A random other person has *this* name with probability ``frequency``, but a name one
    typing error away from it with a probability that depends on its neighbours more
    than on its own frequency, hence the constant parts of ``u_close`` and ``u_near``.
    """
    u_exact = np.maximum(frequency, MIN_FREQUENCY)
    u_close = np.minimum(0.5, U_CLOSE_BASE + 0.5 * u_exact)
    u_near = np.minimum(0.6, U_NEAR_BASE + u_exact)
    weight = np.where(
        sim >= EXACT_SIM,
        _bits(M_EXACT, u_exact),
        np.where(
            sim >= CLOSE_SIM,
            _bits(M_CLOSE, u_close),
            np.where(sim >= NEAR_SIM, _bits(M_NEAR, u_near), _bits(M_DIFFERENT, 0.9)),
        ),
    )
    return weight.astype(np.float32)


def _frequencies(
    data: Dataset,
    column: int,
    prior: float,
    group: int | None = T_Y,
    own_copies: int = 2,
    min_others: int = 0,
) -> FloatArray:
    """Per record: the share of other records (of its birth year, or year and month, as
    ``group`` says) with its token value.

    The pair itself is left out of the count (``own_copies`` records), and the share is smoothed
    towards ``prior`` so that a rare year or a small list does not make every name look
    unique.
    """
    values = data.tokens[:, column]
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    if group is None:
        totals = np.full(values.shape[0], float(values.shape[0]))
    else:
        groups = data.tokens[:, group]
        _, group_inverse, group_counts = np.unique(groups, return_inverse=True, return_counts=True)
        totals = group_counts[group_inverse].astype(np.float64)
    others = np.maximum(counts[inverse].astype(np.float64) - own_copies, 0.0)
    share = (others + prior * SMOOTHING) / (totals + SMOOTHING)
    share = np.where((values == 0) | (others < min_others), np.nan, share)
    return share.astype(np.float32)


def _others(data: Dataset, column: int) -> FloatArray:
    """Per record: how many *other people* carry its token value, at least.

    A list holds a person once, so the people with a value number at least its largest
    count on any one list; the copies on other lists may be the same people. One of
    them is the record itself. NaN where the token is missing.
    """
    values = data.tokens[:, column]
    keys, inverse = np.unique(values, return_inverse=True)
    per_source = np.zeros((keys.shape[0], len(data.sources)), dtype=np.int32)
    np.add.at(per_source, (inverse, data.source_of.astype(np.int64)), 1)
    people = per_source.max(axis=1)[inverse].astype(np.float64)
    result: FloatArray = np.where(values == 0, np.nan, people - 1.0).astype(np.float32)
    return result


@dataclass
class _Frequencies:
    first: FloatArray
    last: FloatArray
    date: FloatArray
    joint: FloatArray
    # per record: how many other records carry its first given name with its surname
    # skeleton, besides the one it is compared with (NaN without both names)
    pair_count: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # per record: how many records carry its year-free name token with its year of
    # birth (itself included; 0 without both), and in how many years of birth its name
    # token is carried by two or more records (people with that name, at least)
    year_support: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    name_years: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    # per record: the share of the records of its birth year that belong to another
    # person with its unordered pair of lead names (NaN without the token)
    order_free: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    @classmethod
    def of(cls, data: Dataset) -> _Frequencies:
        support, years = _name_years(data, T_BLOCK + 6)
        return cls(
            # first given name, and first surname part, among people born in that year
            first=_frequencies(data, T_FIRST_YEAR, NAME_PRIOR),
            last=_frequencies(data, T_LAST_YEAR, NAME_PRIOR),
            date=_frequencies(data, T_YMD, 1 / 366),
            # first given name with the first surname skeleton, over all years: names
            # are not independent (origin, family), so the pair is often commoner than
            # the product of the two frequencies
            # (a person is on each list at most once: that many copies may be their own)
            joint=_frequencies(
                data,
                T_BLOCK + 6,
                NAME_PRIOR * NAME_PRIOR,
                group=None,
                own_copies=max(2, len(data.sources)),
                min_others=JOINT_MIN_OTHERS,
            ),
            pair_count=_others(data, T_BLOCK + 6),
            year_support=support,
            name_years=years,
            order_free=_others_share(data, T_ORDER_FREE),
        )


def _others_share(data: Dataset, column: int) -> FloatArray:
    """Per record: the other people with its token value (:func:`_others`), plus one
    half, as a share of the records of its birth year (NaN where the token is
    missing)."""
    others = _others(data, column)
    years = data.tokens[:, T_Y]
    _, inverse, counts = np.unique(years, return_inverse=True, return_counts=True)
    share = (others + 0.5) / np.maximum(counts[inverse], 1).astype(np.float32)
    result: FloatArray = share.astype(np.float32)
    return result


def _name_years(data: Dataset, column: int) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """Per record the support of (name token, year) and the corroborated years of the
    name token (see :class:`_Frequencies`)."""
    name = data.tokens[:, column]
    year = data.tokens[:, T_Y]
    known = (name != 0) & (year != 0)
    combined = name ^ (year * np.uint64(0x9E3779B97F4A7C15))
    _, inverse, counts = np.unique(combined, return_inverse=True, return_counts=True)
    support = np.where(known, counts[inverse], 0).astype(np.int32)
    # one entry per (name, year) seen at least twice, counted per name
    first_of = np.zeros(counts.shape[0], dtype=np.int64)
    first_of[inverse[::-1]] = np.arange(name.shape[0] - 1, -1, -1)
    corroborated = (counts >= 2) & known[first_of]
    names, name_inverse = np.unique(name, return_inverse=True)
    per_name = np.bincount(name_inverse[first_of[corroborated]], minlength=names.shape[0])
    years = np.where(name != 0, per_name[name_inverse], 0).astype(np.int32)
    return support, years


def score_pairs(
    data: Dataset, left: Int64Array, right: Int64Array, freq: _Frequencies | None = None
) -> FloatArray:
    """The match weight (bits) of each pair (never returned to a party)."""
    if freq is None:
        freq = _Frequencies.of(data)
    out = np.empty(left.shape[0], dtype=np.float32)
    for start in range(0, left.shape[0], CHUNK):
        i = left[start : start + CHUNK]
        j = right[start : start + CHUNK]
        out[start : start + CHUNK] = _score_chunk(data, freq, i, j)
    return out


def _pair_frequency(
    values: FloatArray, i: Int64Array, j: Int64Array, default: float = NAME_PRIOR
) -> FloatArray:
    both = np.fmax(values[i], values[j])  # the more common of the two; NaN when both missing
    return np.where(np.isnan(both), default, both).astype(np.float32)


def _score_chunk(data: Dataset, freq: _Frequencies, i: Int64Array, j: Int64Array) -> FloatArray:
    fi = np.bitwise_count(data.first[i] & data.first[j]).sum(axis=1, dtype=np.int32)
    li = np.bitwise_count(data.last[i] & data.last[j]).sum(axis=1, dtype=np.int32)
    ti = data.tokens[i]
    tj = data.tokens[j]
    # first names
    first_sim = _name_similarity(fi, data.first_count[i], data.first_count[j])
    first_w = _name_weight(first_sim, _pair_frequency(freq.first, i, j))
    kind_i = ti[:, T_KIND]
    kind_j = tj[:, T_KIND]
    initials = ((kind_i == KIND_INITIALS) | (kind_j == KIND_INITIALS)) & (
        (kind_i != KIND_MISSING) & (kind_j != KIND_MISSING)
    )
    smaller = np.maximum(np.minimum(data.first_count[i], data.first_count[j]), 1)
    initials_agree = (fi / smaller) >= 0.85
    first_w = np.where(
        initials,
        np.where(initials_agree, _bits(M_INITIALS, U_INITIALS), _bits(0.1, 0.9)),
        first_w,
    )
    # Written-out first names that are not even near each other veto the link: with
    # the same surname and date of birth that is what twins look like.
    both_full = (kind_i >= KIND_FULL) & (kind_j >= KIND_FULL)
    first_w = np.where(both_full & (first_sim < NEAR_SIM), VETO, first_w)
    several = (kind_i == KIND_SEVERAL) & (kind_j == KIND_SEVERAL) & (first_sim >= EXACT_SIM)
    first_w = np.where(several, first_w + _bits(1.0, U_FURTHER_NAMES), first_w)
    first_w = np.where((kind_i == KIND_MISSING) | (kind_j == KIND_MISSING), 0.0, first_w)
    # surname
    last_sim = _name_similarity(li, data.last_count[i], data.last_count[j])
    last_w = _name_weight(last_sim, _pair_frequency(freq.last, i, j))
    last_w = np.where(last_sim < NEAR_SIM, _bits(M_SURNAME_DIFFERENT, 0.9), last_w)
    # both names agree: the evidence is that of the pair of names, which is at least as
    # common as the product of their frequencies says
    both_exact = (first_sim >= EXACT_SIM) & (last_sim >= EXACT_SIM)
    product = np.maximum(_pair_frequency(freq.first, i, j), MIN_FREQUENCY) * np.maximum(
        _pair_frequency(freq.last, i, j), MIN_FREQUENCY
    )
    joint = _pair_frequency(freq.joint, i, j, default=0.0)
    dependence = np.log2(np.maximum(joint / product, 1.0)).astype(np.float32)
    last_w = np.where(both_exact, last_w - dependence, last_w)
    # date of birth and sex
    date_w = _date_weight(ti, tj, _pair_frequency(freq.date, i, j))
    sex_i = ti[:, T_SEX]
    sex_j = tj[:, T_SEX]
    both_sex = (sex_i != 0) & (sex_j != 0)
    sex_w = np.where(
        both_sex,
        np.where(sex_i == sex_j, _bits(M_SEX_AGREE, 0.5), _bits(M_SEX_DIFFER, 0.5)),
        0.0,
    )
    salted = (first_w + last_w + date_w + sex_w).astype(np.float32)
    # The same two lead names in either order and the same year: the fields may have
    # been swapped on one side, so the name filters are compared crosswise in effect.
    order_free = ti[:, T_ORDER_FREE]
    swapped_same = (order_free == tj[:, T_ORDER_FREE]) & (order_free != 0)
    if swapped_same.any():
        # the frequencies of whichever record kept the usual order: the larger of the
        # two records' products (the swapped record's fields hold unusual names)
        first_f = np.nan_to_num(freq.first, nan=NAME_PRIOR)
        last_f = np.nan_to_num(freq.last, nan=NAME_PRIOR)
        swap_u = np.maximum(
            np.maximum(first_f[i] * last_f[i], first_f[j] * last_f[j]) * SKELETON_SHARE,
            MIN_NAMES_U,
        )
        swapped = (_bits(M_SWAPPED, swap_u) + date_w + sex_w).astype(np.float32)
        salted = np.where(swapped_same, np.maximum(salted, swapped), salted).astype(np.float32)
    # Years differ or one is missing: the year-salted filters cannot be compared, so
    # only exact keyed tokens that leave the year out can link the pair: the first
    # given name with a surname part, and with the day/month pair.
    year_i = ti[:, T_Y]
    year_j = tj[:, T_Y]
    unsalted = (year_i != year_j) | (year_i == 0) | (year_j == 0)
    if not unsalted.any():
        return salted
    names_same = np.zeros(i.shape[0], dtype=bool)
    for a in range(6, 9):
        for b in range(6, 9):
            names_same |= (ti[:, T_BLOCK + a] == tj[:, T_BLOCK + b]) & (ti[:, T_BLOCK + a] != 0)
    # the two names are taken as independent: u = f(first name) * f(surname); the
    # token holds only the surname's skeleton, which several surnames share
    names_u = np.maximum(
        _pair_frequency(freq.first, i, j) * _pair_frequency(freq.last, i, j) * SKELETON_SHARE,
        MIN_NAMES_U,
    )
    names_w = np.where(names_same, _bits(M_NAMES_EXACT, names_u), -np.inf)
    pair_i = ti[:, T_BLOCK + 10]
    pair_j = tj[:, T_BLOCK + 10]
    both_pair = (ti[:, T_YPAIR] != 0) & (tj[:, T_YPAIR] != 0)
    pair_w = np.where(both_pair, np.where(pair_i == pair_j, _bits(0.95, 1 / 365), VETO), 0.0)
    both_years = (year_i != 0) & (year_j != 0)
    year_w = np.where(both_years, _bits(0.01, 0.95), 0.0)
    alternative = (names_w + pair_w + year_w + sex_w).astype(np.float32)
    return np.where(unsalted, alternative, salted).astype(np.float32)


def tokens_same(ti: NDArray[np.uint64], tj: NDArray[np.uint64], column: int) -> NDArray[np.bool_]:
    """Per pair: both records carry the keyed token of ``column`` and it is the same."""
    a = ti[:, column]
    result: NDArray[np.bool_] = (a == tj[:, column]) & (a != 0)
    return result


def tokens_both(ti: NDArray[np.uint64], tj: NDArray[np.uint64], column: int) -> NDArray[np.bool_]:
    """Per pair: both records carry the keyed token of ``column`` (the field is known)."""
    result: NDArray[np.bool_] = (ti[:, column] != 0) & (tj[:, column] != 0)
    return result


def _date_weight(
    ti: NDArray[np.uint64], tj: NDArray[np.uint64], date_frequency: FloatArray
) -> FloatArray:
    """Evidence of the date of birth beyond the year (the year is in the name salt)."""
    same = partial(tokens_same, ti, tj)
    both = partial(tokens_both, ti, tj)

    u_date = np.maximum(date_frequency, 1 / 366)
    full = both(T_YMD)
    months = both(T_YM)
    weight = np.zeros(ti.shape[0], dtype=np.float32)
    # both dates complete: the same date, a swapped day and month, or another date
    weight = np.where(
        full,
        np.where(
            same(T_YMD),
            _bits(M_DATE_EXACT, u_date),
            np.where(
                same(T_YPAIR),
                _bits(M_DATE_SWAP, u_date),
                np.where(
                    same(T_DAY_TENS) | same(T_DAY_UNITS),
                    _bits(M_DATE_DIGIT, U_DATE_DIGIT),
                    _bits(M_DATE_OTHER, 0.95),
                ),
            ),
        ),
        weight,
    )
    # a day missing on one side: only the month can agree
    weight = np.where(
        ~full & months,
        np.where(same(T_YM), _bits(0.97, 1 / 12), _bits(0.03, 11 / 12)),
        weight,
    )
    return weight.astype(np.float32)
