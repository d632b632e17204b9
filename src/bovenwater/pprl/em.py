"""Fellegi-Sunter weights learned from the lists themselves, without labels.

Every compared pair gets a *level* per field (first names, surname, date of birth,
year of birth, sex, and for pairs whose years differ the year-free name and day/month
tokens): the same discrete outcomes the fixed weights of :mod:`bovenwater.pprl.score`
distinguish. Then

* **u** (the chance of a level for two records of *different* people) is counted on
  random pairs of records: pairs of one birth year for the name and date fields (the
  name filters are salted with the year, so only those can be compared), any pairs for
  the year and sex. Agreement on a name or a date uses that name's or date's own
  frequency instead (term-frequency adjustment), split over the agreeing levels as the
  random pairs split it.
* **m** (the chance of a level for two records of *one* person) and the share of true
  pairs among the blocked pairs are estimated by expectation-maximisation on a sample of
  the blocked pairs: a two-class latent model, fields conditionally independent given
  the class, a field left out where it is missing.
* The **prior** is the estimated number of true pairs over all pairs of records of
  different sources, so the link threshold follows the size of the lists (more records,
  more namesakes) by Bayes' rule instead of a fitted constant.

Lists too small for a stable estimate (fewer than ``MIN_EM_PAIRS`` blocked pairs) keep
the fixed weights of :mod:`bovenwater.pprl.score`. Nothing here reads plaintext: the
levels come from popcounts and keyed tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray

from bovenwater.pprl.encode import (
    KIND_FULL,
    KIND_INITIALS,
    KIND_MISSING,
    KIND_SEVERAL,
    T_BLOCK,
    T_DAY_TENS,
    T_DAY_UNITS,
    T_KIND,
    T_SEX,
    T_Y,
    T_YM,
    T_YMD,
    T_YPAIR,
)
from bovenwater.pprl.score import tokens_both, tokens_same

Int64Array = NDArray[np.int64]
FloatArray = NDArray[np.float32]
LevelArray = NDArray[np.int8]

MIN_EM_PAIRS = 10_000  # blocked pairs between sources needed to estimate m by EM
EM_SAMPLE = 1_500_000  # blocked pairs used for EM (a random sample of the blocks)
U_SAMPLE = 600_000  # random pairs for u, per kind (same year / any)
EM_ITERATIONS = 60
MIN_PROBABILITY = 1e-4

# fields and their levels (-1: missing on either side, the field is left out)
FIELDS = ("year", "first", "last", "date", "sex", "names", "pair")
# year: same / differ
Y_SAME, Y_DIFFER = 0, 1
# first names (same year only)
F_SEVERAL, F_EXACT, F_CLOSE, F_NEAR, F_DIFFERENT, F_INIT_AGREE, F_INIT_DIFFER, F_FAR = range(8)
# surname (same year only)
S_EXACT, S_CLOSE, S_NEAR, S_DIFFERENT = range(4)
# date beyond the year (same year only)
D_EXACT, D_SWAP, D_DIGIT, D_OTHER, D_MONTH, D_MONTH_DIFFER = range(6)
# sex
X_AGREE, X_DIFFER = 0, 1
# year differs or is missing: the year-free keyed name tokens
N_SAME, N_DIFFER = 0, 1
# ... and the year-free day/month pair with the first name
P_SAME, P_DIFFER = 0, 1
N_LEVELS = {"year": 2, "first": 8, "last": 4, "date": 6, "sex": 2, "names": 2, "pair": 2}

EXACT_SIM, CLOSE_SIM, NEAR_SIM = 0.92, 0.70, 0.45
# written-out first names with less in common than this share almost nothing (a typo or
# a second name keeps more): the level of twins and siblings; its m and u are learned
FAR_SIM = 0.3
# EM runs on pairs of one birth year, where all of these can be compared
SALTED_FIELDS = ("first", "last", "date", "sex")
# two different people's records share the unordered day/month pair by chance: 132
# dates with a day up to 12 (not equal to the month) pair up two by two, the other 233
# are alone, so the chance is (66 * 2**2 + 233) / 365**2, about 1 in 268
U_PAIR = (66 * 4 + 233) / 365**2
# for the rare pairs whose years differ (a mistyped year) m is not estimated by EM (too
# few for a stable class): one person's two records share the day/month pair unless the
# date has a second error, and write both names alike as often as for the salted pairs
M_PAIR = np.array([0.95, 0.05])
M_NAMES_SAME = 0.7


@dataclass
class Levels:
    """Per pair and field the level (int8, -1 missing)."""

    fields: dict[str, LevelArray]
    first_sim: FloatArray  # kept for the twins rule and the swapped-fields path

    def code(self) -> Int64Array:
        """One integer per pair for the combination of levels (for counting patterns)."""
        out = np.zeros(self.first_sim.shape[0], dtype=np.int64)
        for name in FIELDS:
            out = out * (N_LEVELS[name] + 1) + (self.fields[name].astype(np.int64) + 1)
        return out


def _level(conditions: list[tuple[NDArray[np.bool_], int]], size: int) -> LevelArray:
    """The first matching condition's level per pair (-1 where none matches)."""
    out = np.full(size, -1, dtype=np.int8)
    done = np.zeros(size, dtype=bool)
    for condition, level in conditions:
        take = condition & ~done
        out[take] = level
        done |= condition
    return out


def levels_of(
    ti: NDArray[np.uint64],
    tj: NDArray[np.uint64],
    first_sim: FloatArray,
    initials_agree: NDArray[np.bool_],
    last_sim: FloatArray,
    last_known: NDArray[np.bool_],
) -> Levels:
    """Levels of the pairs (rows of ``ti``/``tj``) from similarities and keyed tokens."""
    n = ti.shape[0]

    same = partial(tokens_same, ti, tj)
    both = partial(tokens_both, ti, tj)

    years = both(T_Y)
    salted = years & same(T_Y)
    year = _level([(salted, Y_SAME), (years, Y_DIFFER)], n)

    kind_i, kind_j = ti[:, T_KIND], tj[:, T_KIND]
    present = (kind_i != KIND_MISSING) & (kind_j != KIND_MISSING) & salted
    initials = present & ((kind_i == KIND_INITIALS) | (kind_j == KIND_INITIALS))
    several = (kind_i == KIND_SEVERAL) & (kind_j == KIND_SEVERAL)
    full = present & (kind_i >= KIND_FULL) & (kind_j >= KIND_FULL)
    first = _level(
        [
            (initials & initials_agree, F_INIT_AGREE),
            (initials, F_INIT_DIFFER),
            (full & several & (first_sim >= EXACT_SIM), F_SEVERAL),
            (full & (first_sim >= EXACT_SIM), F_EXACT),
            (full & (first_sim >= CLOSE_SIM), F_CLOSE),
            (full & (first_sim >= NEAR_SIM), F_NEAR),
            (full & (first_sim >= FAR_SIM), F_DIFFERENT),
            (full, F_FAR),
        ],
        n,
    )
    last_present = salted & last_known
    last = _level(
        [
            (last_present & (last_sim >= EXACT_SIM), S_EXACT),
            (last_present & (last_sim >= CLOSE_SIM), S_CLOSE),
            (last_present & (last_sim >= NEAR_SIM), S_NEAR),
            (last_present, S_DIFFERENT),
        ],
        n,
    )
    full_date = both(T_YMD) & salted
    months = both(T_YM) & salted
    date = _level(
        [
            (full_date & same(T_YMD), D_EXACT),
            (full_date & same(T_YPAIR), D_SWAP),
            (full_date & (same(T_DAY_TENS) | same(T_DAY_UNITS)), D_DIGIT),
            (full_date, D_OTHER),
            (months & same(T_YM), D_MONTH),
            (months, D_MONTH_DIFFER),
        ],
        n,
    )
    sexes = both(T_SEX)
    sex = _level([(sexes & same(T_SEX), X_AGREE), (sexes, X_DIFFER)], n)
    unsalted = ~salted
    names_same = np.zeros(n, dtype=bool)
    names_known = np.zeros(n, dtype=bool)
    for a in range(6, 9):
        names_known |= ti[:, T_BLOCK + a] != 0
        for b in range(6, 9):
            names_same |= (ti[:, T_BLOCK + a] == tj[:, T_BLOCK + b]) & (ti[:, T_BLOCK + a] != 0)
    names = _level(
        [(unsalted & names_same, N_SAME), (unsalted & names_known, N_DIFFER)],
        n,
    )
    pairs = unsalted & names_same & both(T_YPAIR)
    pair = _level(
        [(pairs & same(T_BLOCK + 10), P_SAME), (pairs, P_DIFFER)],
        n,
    )
    return Levels(
        fields={
            "year": year,
            "first": first,
            "last": last,
            "date": date,
            "sex": sex,
            "names": names,
            "pair": pair,
        },
        first_sim=first_sim,
    )


# ----------------------------------------------------------------------------- model


def _initial_m() -> dict[str, NDArray[np.float64]]:
    return {
        "year": np.array([0.95, 0.05]),
        "first": np.array([0.15, 0.6, 0.08, 0.05, 0.03, 0.06, 0.02, 0.01]),
        "last": np.array([0.8, 0.07, 0.04, 0.09]),
        "date": np.array([0.85, 0.03, 0.02, 0.02, 0.06, 0.02]),
        "sex": np.array([0.97, 0.03]),
        "names": np.array([0.7, 0.3]),
        "pair": np.array([0.9, 0.1]),
    }


def _initial_u() -> dict[str, NDArray[np.float64]]:
    return {
        "year": np.array([0.5, 0.5]),
        "first": np.array([0.02, 0.1, 0.1, 0.15, 0.2, 0.05, 0.05, 0.33]),
        "last": np.array([0.3, 0.1, 0.1, 0.5]),
        "date": np.array([0.05, 0.02, 0.1, 0.7, 0.05, 0.08]),
        "sex": np.array([0.6, 0.4]),
        "names": np.array([0.3, 0.7]),
        "pair": np.array([0.1, 0.9]),
    }


@dataclass(frozen=True)
class Model:
    """Learned m and u per field and level, and the prior share of true pairs."""

    m: dict[str, NDArray[np.float64]]
    u: dict[str, NDArray[np.float64]]
    prior: float  # true pairs / all pairs of records of different sources
    blocked_share: float  # EM's share of true pairs among the blocked pairs
    iterations: int
    # share of one person's record pairs with first names and surname swapped on one side
    swapped: float = 0.02

    def bits(self, name: str) -> NDArray[np.float32]:
        return np.log2(
            np.maximum(self.m[name], MIN_PROBABILITY) / np.maximum(self.u[name], MIN_PROBABILITY)
        ).astype(np.float32)

    @property
    def prior_bits(self) -> float:
        """log2 of the prior odds that two records of different sources are one person."""
        p = min(max(self.prior, 1e-15), 0.5)
        return math.log2(p / (1.0 - p))


def count_u(levels: Levels) -> dict[str, NDArray[np.float64]]:
    """u per field: the level shares among random pairs (missing left out)."""
    out: dict[str, NDArray[np.float64]] = {}
    for name in FIELDS:
        values = levels.fields[name]
        counts = np.bincount(values[values >= 0].astype(np.int64), minlength=N_LEVELS[name])
        smoothed = counts.astype(np.float64) + 0.5
        out[name] = smoothed / smoothed.sum()
    return out


def fit_m(
    codes: Int64Array,
    u: dict[str, NDArray[np.float64]],
    fields: tuple[str, ...] = FIELDS,
    iterations: int = EM_ITERATIONS,
) -> tuple[dict[str, NDArray[np.float64]], float, int]:
    """EM on the blocked pairs' level patterns: m per field and the share of true pairs."""
    fitted = fit(codes, u, fields, iterations)
    return fitted.m, fitted.share, fitted.iterations


@dataclass(frozen=True)
class Fit:
    m: dict[str, NDArray[np.float64]]
    share: float
    iterations: int
    posterior: NDArray[np.float64]  # per input pair: the chance it is a true pair


def fit(
    codes: Int64Array,
    u: dict[str, NDArray[np.float64]],
    fields: tuple[str, ...] = FIELDS,
    iterations: int = EM_ITERATIONS,
    fixed_m: dict[str, NDArray[np.float64]] | None = None,
    pair_weights: NDArray[np.float64] | None = None,
) -> Fit:
    """EM on the blocked pairs' level patterns: m per field, the share of true pairs and
    each pair's posterior chance of being one (with ``fixed_m`` only the share and the
    non-match class are fitted).

    The non-match class gets its own level distribution among the *blocked* pairs
    (blocking makes different people agree far more often than random pairs do); only
    m and the share are kept, u for the weights comes from random pairs (``u``).
    ``pair_weights`` weigh the pairs (the inverse of their chance to be in a sample).
    """
    patterns, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    weights = counts.astype(np.float64)
    if pair_weights is not None:
        weights = np.bincount(inverse, weights=pair_weights, minlength=patterns.shape[0]).astype(
            np.float64
        )
    # decode the pattern codes back to levels (-1 missing)
    decoded: dict[str, Int64Array] = {}
    rest = patterns.copy()
    for name in reversed(FIELDS):
        base = N_LEVELS[name] + 1
        decoded[name] = rest % base - 1
        rest //= base
    m = _initial_m() if fixed_m is None else {k: v.copy() for k, v in fixed_m.items()}
    u_blocked = {name: (u[name] + _initial_u()[name]) / 2 for name in fields}
    share = 0.2
    done = 0
    posterior = np.zeros(patterns.shape[0])
    for done in range(1, iterations + 1):  # noqa: B007 - the count is returned
        log_m = np.full(patterns.shape[0], math.log(share))
        log_u = np.full(patterns.shape[0], math.log(1.0 - share))
        for name in fields:
            level = decoded[name]
            known = level >= 0
            safe = np.where(known, level, 0)
            log_m += np.where(known, np.log(np.maximum(m[name][safe], 1e-12)), 0.0)
            log_u += np.where(known, np.log(np.maximum(u_blocked[name][safe], 1e-12)), 0.0)
        posterior = 1.0 / (1.0 + np.exp(np.clip(log_u - log_m, -700, 700)))
        matched = weights * posterior
        unmatched = weights - matched
        new_share = float(matched.sum() / weights.sum())
        change = abs(new_share - share)
        share = min(max(new_share, 1e-9), 1 - 1e-9)
        for name in fields:
            level = decoded[name]
            known = level >= 0
            size = N_LEVELS[name]
            in_m = np.bincount(level[known], weights=matched[known], minlength=size) + 0.01
            in_u = np.bincount(level[known], weights=unmatched[known], minlength=size) + 0.01
            if fixed_m is None:
                m[name] = in_m / in_m.sum()
            u_blocked[name] = in_u / in_u.sum()
        if change < 1e-7:
            break
    return Fit(m=m, share=share, iterations=done, posterior=posterior[inverse])


def random_pairs(
    years: NDArray[np.uint64], sources: NDArray[np.int16], size: int, *, same_year: bool
) -> tuple[Int64Array, Int64Array]:
    """Random pairs of records of different sources (of one birth year if asked)."""
    rng = np.random.default_rng(20261207)
    n = years.shape[0]
    left = rng.integers(0, n, size, dtype=np.int64)
    if same_year:
        order = np.argsort(years, kind="stable")
        sorted_years = years[order]
        start = np.searchsorted(sorted_years, years[left], side="left")
        stop = np.searchsorted(sorted_years, years[left], side="right")
        right = order[start + (rng.random(size) * (stop - start)).astype(np.int64)]
        keep = (years[left] != 0) & (right != left)
    else:
        right = rng.integers(0, n, size, dtype=np.int64)
        keep = right != left
    keep &= sources[left] != sources[right]
    return left[keep], right[keep]


def sample_blocks(sizes: Int64Array, budget: int) -> tuple[NDArray[np.bool_], float]:
    """A random subset of the blocks holding about ``budget`` pairs, and the rate at
    which each block was chosen (1.0: all of them)."""
    pairs = sizes * (sizes - 1) // 2
    total = int(pairs.sum())
    if total <= budget:
        return np.ones(sizes.shape[0], dtype=bool), 1.0
    rng = np.random.default_rng(7)
    rate = budget / total
    chosen: NDArray[np.bool_] = np.less(rng.random(sizes.shape[0]), rate)
    return chosen, rate
