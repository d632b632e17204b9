"""Scoring pairs with the weights learned from the lists (:mod:`bovenwater.pprl.em`).

The same comparisons as the fixed weights of :mod:`bovenwater.pprl.score` (popcount
similarities of the name filters, keyed date and name tokens), turned into levels; the
bits per level come from the learned m and the u of random pairs, with term-frequency
adjustments for agreeing names and dates. Scores never leave the engine.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

import bovenwater.pprl.em as em
from bovenwater.pprl.encode import T_ORDER_FREE, T_Y
from bovenwater.pprl.score import (
    CHUNK,
    M_SWAPPED,
    MIN_FREQUENCY,
    MIN_NAMES_U,
    NAME_PRIOR,
    SKELETON_SHARE,
    TWINS_SIM,
    VETO,
    Dataset,
    FloatArray,
    Int64Array,
    _bits,
    _Frequencies,
    _name_similarity,
    _pair_frequency,
)


def pair_levels(
    data: Dataset,
    i: Int64Array,
    j: Int64Array,
    tokens: tuple[NDArray[np.uint64], NDArray[np.uint64]] | None = None,
) -> em.Levels:
    """The comparison levels of pairs ``(i, j)`` (see :mod:`bovenwater.pprl.em`)."""
    fi = np.bitwise_count(data.first[i] & data.first[j]).sum(axis=1, dtype=np.int32)
    li = np.bitwise_count(data.last[i] & data.last[j]).sum(axis=1, dtype=np.int32)
    fc_i, fc_j = data.first_count[i], data.first_count[j]
    lc_i, lc_j = data.last_count[i], data.last_count[j]
    first_sim = _name_similarity(fi, fc_i, fc_j)
    last_sim = _name_similarity(li, lc_i, lc_j)
    initials_agree = (fi / np.maximum(np.minimum(fc_i, fc_j), 1)) >= 0.85
    last_known = (lc_i > 0) & (lc_j > 0)
    ti, tj = tokens if tokens is not None else (data.tokens[i], data.tokens[j])
    return em.levels_of(ti, tj, first_sim, initials_agree, last_sim, last_known)


def learn_model(
    data: Dataset,
    blocked_left: Int64Array,
    blocked_right: Int64Array,
    blocked_total: int,
) -> em.Model:
    """m by EM on a sample of blocked pairs, u from random pairs, and the prior.

    ``blocked_total`` is the number of distinct blocked pairs between sources of which
    ``blocked_left``/``blocked_right`` are a sample (or all).
    """
    levels = [
        pair_levels(data, blocked_left[s : s + CHUNK], blocked_right[s : s + CHUNK])
        for s in range(0, blocked_left.shape[0], CHUNK)
    ]
    year = np.concatenate([lv.fields["year"] for lv in levels])
    codes = np.concatenate([lv.code() for lv in levels])
    pair_level = np.concatenate([lv.fields["pair"] for lv in levels])
    names_level = np.concatenate([lv.fields["names"] for lv in levels])
    years = data.tokens[:, T_Y]
    ul, ur = em.random_pairs(years, data.source_of, em.U_SAMPLE, same_year=True)
    u_year = em.count_u(pair_levels(data, ul, ur))
    al, ar = em.random_pairs(years, data.source_of, em.U_SAMPLE, same_year=False)
    u_any = em.count_u(pair_levels(data, al, ar))
    u = {
        "year": u_any["year"],
        "sex": u_any["sex"],
        "first": u_year["first"],
        "last": u_year["last"],
        "date": u_year["date"],
        # names and the day/month pair: term frequencies and the calendar (see below)
        "names": np.array([0.5, 0.5]),
        "pair": np.array([em.U_PAIR, 1 - em.U_PAIR]),
    }
    # EM on the pairs of one birth year (all name and date fields comparable)
    same_year = year == em.Y_SAME
    m, share, iterations = em.fit_m(codes[same_year], u, em.SALTED_FIELDS)
    # pairs whose years differ: one of a person's records with a mistyped year shows as
    # the same names and the same day and month in another year, beyond what chance
    # gives (U_PAIR of such pairs share the day and month by chance)
    with_pair = (names_level == em.N_SAME) & (pair_level >= 0)
    pair_same = int(np.count_nonzero(with_pair & (pair_level == em.P_SAME)))
    by_chance = em.U_PAIR * int(np.count_nonzero(with_pair))
    year_typos = max(pair_same - by_chance, 0.0) / em.M_PAIR[em.P_SAME]
    matched_same_year = share * int(np.count_nonzero(same_year))
    differ = min(max(year_typos / max(matched_same_year + year_typos, 1.0), 1e-3), 0.2)
    m["year"] = np.array([1.0 - differ, differ])
    m["names"] = np.array([em.M_NAMES_SAME, 1 - em.M_NAMES_SAME])
    m["pair"] = em.M_PAIR.copy()
    share_all = (matched_same_year + year_typos) / max(codes.shape[0], 1)
    sizes = np.bincount(data.source_of.astype(np.int64)).astype(np.float64)
    all_pairs = (sizes.sum() ** 2 - float((sizes**2).sum())) / 2
    expected_true = share_all * blocked_total
    return em.Model(
        m=m,
        u=u,
        prior=expected_true / max(all_pairs, 1.0),
        blocked_share=share_all,
        iterations=iterations,
    )


def score_pairs_learned(
    data: Dataset, left: Int64Array, right: Int64Array, freq: _Frequencies, model: em.Model
) -> FloatArray:
    """Match weights (bits) from the learned model (never returned to a party)."""
    out = np.empty(left.shape[0], dtype=np.float32)
    for start in range(0, left.shape[0], CHUNK):
        i = left[start : start + CHUNK]
        j = right[start : start + CHUNK]
        out[start : start + CHUNK] = _learned_chunk(data, freq, model, i, j)
    return out


def _lookup(bits: NDArray[np.float32], level: NDArray[np.int8]) -> FloatArray:
    result: FloatArray = np.where(level >= 0, bits[np.maximum(level, 0)], 0.0).astype(np.float32)
    return result


def _learned_chunk(
    data: Dataset, freq: _Frequencies, model: em.Model, i: Int64Array, j: Int64Array
) -> FloatArray:
    ti = data.tokens[i]
    tj = data.tokens[j]
    levels = pair_levels(data, i, j, (ti, tj))
    f = levels.fields
    first_f = _pair_frequency(freq.first, i, j)
    last_f = _pair_frequency(freq.last, i, j)
    # first names: agreement counts by the name's own frequency (term frequency),
    # split over "several names agree" and "the name agrees" as random pairs split it
    m_first, u_first = model.m["first"], model.u["first"]
    agree_u = u_first[em.F_SEVERAL] + u_first[em.F_EXACT]
    first_w = _lookup(model.bits("first"), f["first"])
    for level in (em.F_SEVERAL, em.F_EXACT):
        u_tf = np.maximum(first_f, MIN_FREQUENCY) * (u_first[level] / agree_u)
        first_w = np.where(f["first"] == level, _bits(m_first[level], u_tf), first_w)
    # twins: written-out first names that are not even near each other, with the same
    # surname and date of birth, never link
    twins = (
        (f["first"] == em.F_DIFFERENT)
        & (levels.first_sim < TWINS_SIM)
        & (f["date"] == em.D_EXACT)
        & ((f["last"] == em.S_EXACT) | (f["last"] == em.S_CLOSE))
    )
    first_w = np.where(twins, VETO, first_w)
    # surname, with the dependence of the pair of names when both agree
    last_w = _lookup(model.bits("last"), f["last"])
    last_w = np.where(
        f["last"] == em.S_EXACT,
        _bits(model.m["last"][em.S_EXACT], np.maximum(last_f, MIN_FREQUENCY)),
        last_w,
    )
    both_exact = (f["first"] <= em.F_EXACT) & (f["first"] >= 0) & (f["last"] == em.S_EXACT)
    product = np.maximum(first_f, MIN_FREQUENCY) * np.maximum(last_f, MIN_FREQUENCY)
    joint = _pair_frequency(freq.joint, i, j, default=0.0)
    dependence = np.log2(np.maximum(joint / product, 1.0)).astype(np.float32)
    last_w = np.where(both_exact, last_w - dependence, last_w)
    # date of birth beyond the year: an exact date by that date's frequency
    date_w = _lookup(model.bits("date"), f["date"])
    date_u = np.maximum(_pair_frequency(freq.date, i, j, default=1 / 366), 1 / 400)
    date_w = np.where(f["date"] == em.D_EXACT, _bits(model.m["date"][em.D_EXACT], date_u), date_w)
    year_w = _lookup(model.bits("year"), f["year"])
    sex_w = _lookup(model.bits("sex"), f["sex"])
    # years differ or missing: the year-free keyed name tokens, by how many other
    # records carry that pair of names (over all years and lists)
    pair_count = np.fmax(freq.pair_count[i], freq.pair_count[j])
    names_u = np.where(
        np.isnan(pair_count),
        np.maximum(first_f * last_f * SKELETON_SHARE, MIN_NAMES_U),
        (np.nan_to_num(pair_count) + 0.5) / data.size,
    ).astype(np.float32)
    names_w = np.where(
        f["names"] == em.N_SAME,
        _bits(model.m["names"][em.N_SAME], names_u),
        np.where(f["names"] == em.N_DIFFER, VETO, 0.0),
    )
    pair_w = _lookup(model.bits("pair"), f["pair"])
    total = (first_w + last_w + date_w + year_w + sex_w + names_w + pair_w).astype(np.float32)
    # first names and surname swapped on one side (same year): the order-free token
    order_free = ti[:, T_ORDER_FREE]
    swapped_same = (order_free == tj[:, T_ORDER_FREE]) & (order_free != 0)
    if swapped_same.any():
        first_all = np.nan_to_num(freq.first, nan=NAME_PRIOR)
        last_all = np.nan_to_num(freq.last, nan=NAME_PRIOR)
        swap_u = np.maximum(
            np.maximum(first_all[i] * last_all[i], first_all[j] * last_all[j]) * SKELETON_SHARE,
            MIN_NAMES_U,
        )
        swapped = (_bits(M_SWAPPED, swap_u) + date_w + year_w + sex_w).astype(np.float32)
        total = np.where(swapped_same, np.maximum(total, swapped), total).astype(np.float32)
    return total
