"""Scoring pairs with the weights learned from the lists (:mod:`bovenwater.pprl.em`).

The same comparisons as the fixed weights of :mod:`bovenwater.pprl.score` (popcount
similarities of the name filters, keyed date and name tokens), turned into levels; the
bits per level come from the learned m and the u of random pairs, with term-frequency
adjustments for agreeing names and dates. Scores never leave the engine.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

import bovenwater.pprl.em as em
from bovenwater.pprl.encode import T_BLOCK, T_ORDER_FREE, T_Y, T_YPAIR
from bovenwater.pprl.score import (
    CHUNK,
    MIN_FREQUENCY,
    MIN_NAMES_U,
    NAME_PRIOR,
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
    """The comparison levels of pairs ``(i, j)`` (see :mod:`bovenwater.pprl.em`).

    The name filters are salted with the year of birth, so they are compared (gathered
    and popcounted, the costly part) only for pairs of one known year; the other pairs'
    name levels come from the year-free tokens alone.
    """
    ti, tj = tokens if tokens is not None else (data.tokens[i], data.tokens[j])
    year = ti[:, T_Y]
    salted = np.flatnonzero((year == tj[:, T_Y]) & (year != 0))
    si, sj = i[salted], j[salted]
    fi = np.zeros(i.shape[0], dtype=np.int32)
    li = np.zeros(i.shape[0], dtype=np.int32)
    fi[salted] = np.bitwise_count(data.first[si] & data.first[sj]).sum(axis=1, dtype=np.int32)
    li[salted] = np.bitwise_count(data.last[si] & data.last[sj]).sum(axis=1, dtype=np.int32)
    fc_i, fc_j = data.first_count[i], data.first_count[j]
    lc_i, lc_j = data.last_count[i], data.last_count[j]
    first_sim = _name_similarity(fi, fc_i, fc_j)
    last_sim = _name_similarity(li, lc_i, lc_j)
    initials_agree = (fi / np.maximum(np.minimum(fc_i, fc_j), 1)) >= 0.85
    last_known = (lc_i > 0) & (lc_j > 0)
    return em.levels_of(ti, tj, first_sim, initials_agree, last_sim, last_known)


def learn_model(
    data: Dataset,
    blocked_left: Int64Array,
    blocked_right: Int64Array,
    blocked_total: int,
    name_blocked: NDArray[np.bool_] | None = None,
    fit_pairs: tuple[Int64Array, Int64Array] | None = None,
    blocked_without: dict[str, NDArray[np.bool_]] | None = None,
    fit_without: dict[str, NDArray[np.bool_]] | None = None,
    fit_weights: NDArray[np.float64] | None = None,
) -> em.Model:
    """m by EM on a sample of blocked pairs, u from random pairs, and the prior.

    ``blocked_total`` is the number of distinct blocked pairs between sources of which
    ``blocked_left``/``blocked_right`` are a uniform sample (or all). ``fit_pairs``, when
    given, are the pairs m is fitted on (the same blocks, every pair: richer in true
    pairs, so EM's classes separate better on large lists), each weighed by the inverse
    of its chance to be in those blocks (``fit_weights``: a pair sharing k blocks is k
    times as likely to be there, and true pairs share many); the share of true pairs is
    then fitted on the uniform sample with that m. ``blocked_without`` and
    ``fit_without`` mark, per field, the pairs a blocking key without that field
    brought together: m of the first names, the surname and the date is fitted there
    (see ``_field_wise``).
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
    fixed_m = None
    if fit_pairs is not None:
        fl, fr = fit_pairs
        fit_levels = [
            pair_levels(data, fl[s : s + CHUNK], fr[s : s + CHUNK])
            for s in range(0, fl.shape[0], CHUNK)
        ]
        fit_codes = np.concatenate([lv.code() for lv in fit_levels])
        fit_same = np.concatenate([lv.fields["year"] for lv in fit_levels]) == em.Y_SAME
        weights = None if fit_weights is None else fit_weights[fit_same]
        fixed_m = em.fit(fit_codes[fit_same], u, em.SALTED_FIELDS, pair_weights=weights).m
        if fit_without is not None:
            fixed_m = _field_wise(fixed_m, fit_codes, fit_same, fit_without, u, fit_weights)
    elif blocked_without is not None:
        first_fit = em.fit(codes[same_year], u, em.SALTED_FIELDS)
        fixed_m = _field_wise(first_fit.m, codes, same_year, blocked_without, u)
    fitted = em.fit(codes[same_year], u, em.SALTED_FIELDS, fixed_m=fixed_m)
    m, share, iterations = fitted.m, fitted.share, fitted.iterations
    post = fitted.posterior
    sl, sr = blocked_left[same_year], blocked_right[same_year]
    extra = _agreements(data, sl, sr)
    date_exact = np.concatenate([lv.fields["date"] for lv in levels])[same_year] == em.D_EXACT
    # the year-free name tokens and the day/month pair, as one person's two records
    # write them (measured on the pairs of one year, where EM tells who is who)
    m_names = _share(post, extra.names_same, extra.names_known)
    m_pair_same = _share(post, extra.pair_same, extra.names_same & extra.pair_known)
    m["names"] = np.array([m_names, 1 - m_names])
    m["pair"] = np.array([m_pair_same, 1 - m_pair_same])
    # pairs whose years differ: one of a person's records with a mistyped year shows as
    # the same names and the same day and month in another year, beyond what chance
    # gives (U_PAIR of such pairs share the day and month by chance)
    # (only pairs that share a block of a year-free name key count: the other blocking
    # keys hold the day and month, so their pairs share them far more often than chance)
    with_pair = (names_level == em.N_SAME) & (pair_level >= 0)
    if name_blocked is not None:
        with_pair &= name_blocked
    pair_same = int(np.count_nonzero(with_pair & (pair_level == em.P_SAME)))
    by_chance = em.U_PAIR * int(np.count_nonzero(with_pair))
    year_typos = max(pair_same - by_chance, 0.0) / max(m_pair_same, 0.5)
    matched_same_year = share * int(np.count_nonzero(same_year))
    differ = min(max(year_typos / max(matched_same_year + year_typos, 1.0), 1e-3), 0.2)
    m["year"] = np.array([1.0 - differ, differ])
    share_all = (matched_same_year + year_typos) / max(codes.shape[0], 1)
    sizes = np.bincount(data.source_of.astype(np.int64)).astype(np.float64)
    all_pairs = (sizes.sum() ** 2 - float((sizes**2).sum())) / 2
    expected_true = share_all * blocked_total
    # first names and surname swapped on one side: the unordered lead-name token agrees,
    # the ordered name tokens do not, with the same exact date; their share among the
    # true pairs with that date (different people look like that almost never)
    swapped = int(np.count_nonzero(extra.order_free_same & ~extra.names_same & date_exact))
    true_with_date = float(post[date_exact].sum())
    swap_share = min(max(swapped / max(true_with_date, 1.0), 1e-3), 0.2)
    return em.Model(
        m=m,
        u=u,
        prior=expected_true / max(all_pairs, 1.0),
        blocked_share=share_all,
        iterations=iterations,
        swapped=swap_share,
    )


FIELD_WISE_FIELDS = ("first", "last", "date")


def _field_wise(
    m: dict[str, NDArray[np.float64]],
    codes: Int64Array,
    same_year: NDArray[np.bool_],
    without: dict[str, NDArray[np.bool_]],
    u: dict[str, NDArray[np.float64]],
    pair_weights: NDArray[np.float64] | None = None,
) -> dict[str, NDArray[np.float64]]:
    """m of a field re-fitted by EM on the pairs a blocking key without that field
    brought together.

    A blocking key makes different people agree on its fields, and more so together
    (a surname-and-month block holds namesakes of one month): on such pairs the
    non-match class is not independent across fields, and EM moves true pairs with a
    mistyped day or a changed surname into it. Where the key did not look at the field,
    its levels among different people are as they come.
    """
    out = {k: v.copy() for k, v in m.items()}
    for field in FIELD_WISE_FIELDS:
        subset = same_year & without[field]
        if int(subset.sum()) < em.MIN_EM_PAIRS // 4:
            continue
        weights = None if pair_weights is None else pair_weights[subset]
        out[field] = em.fit(codes[subset], u, em.SALTED_FIELDS, pair_weights=weights).m[field]
    return out


class _Agreements(NamedTuple):
    names_same: NDArray[np.bool_]  # a year-free name token (first name, surname part) agrees
    names_known: NDArray[np.bool_]
    pair_same: NDArray[np.bool_]  # the first name with the unordered day/month pair agrees
    pair_known: NDArray[np.bool_]
    order_free_same: NDArray[np.bool_]  # the unordered lead names with the year agree


def _agreements(data: Dataset, i: Int64Array, j: Int64Array) -> _Agreements:
    names = data.tokens[:, T_BLOCK + 6 : T_BLOCK + 9]
    ni, nj = names[i], names[j]
    same = np.zeros(i.shape[0], dtype=bool)
    for a in range(3):
        for b in range(3):
            same |= (ni[:, a] == nj[:, b]) & (ni[:, a] != 0)
    known = (ni != 0).any(axis=1) & (nj != 0).any(axis=1)
    pi, pj = data.tokens[i, T_BLOCK + 10], data.tokens[j, T_BLOCK + 10]
    yi, yj = data.tokens[i, T_YPAIR], data.tokens[j, T_YPAIR]
    oi, oj = data.tokens[i, T_ORDER_FREE], data.tokens[j, T_ORDER_FREE]
    return _Agreements(
        names_same=same,
        names_known=known,
        pair_same=(pi == pj) & (pi != 0),
        pair_known=(yi != 0) & (yj != 0),
        order_free_same=(oi == oj) & (oi != 0),
    )


def _share(weights: NDArray[np.float64], hit: NDArray[np.bool_], known: NDArray[np.bool_]) -> float:
    """The weighted share of ``hit`` among ``known``, kept within [0.05, 0.995]."""
    total = float(weights[known].sum())
    if total <= 0:
        return 0.5
    return min(max(float(weights[known & hit].sum()) / total, 0.05), 0.995)


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
    # Twins: the same surname and exact date of birth with written-out first names that
    # share almost nothing (level F_FAR) never link. EM cannot learn this level's weight
    # there: fields are not independent for siblings, and its "true pair" class takes
    # the twins in. Counted against the truth on the tuning populations (seeds 7 and 5,
    # 5 x 20,000): 211 and 226 true pairs fall in this cell against 2,711 and 2,216 pairs
    # of different people (see docs/linkage.md).
    family = (f["date"] == em.D_EXACT) & ((f["last"] == em.S_EXACT) | (f["last"] == em.S_CLOSE))
    first_w = np.where(family & (f["first"] == em.F_FAR), VETO, first_w)
    # years differ or missing: the year-free keyed name tokens, by how many other
    # records carry that pair of names (over all years and lists)
    pair_count = np.fmax(freq.pair_count[i], freq.pair_count[j])
    by_product = first_f * last_f
    names_u = np.where(
        np.isnan(pair_count),
        by_product,
        np.maximum((np.nan_to_num(pair_count) + 0.5) / data.size, by_product),
    ).astype(np.float32)
    names_w = np.where(
        f["names"] == em.N_SAME,
        _bits(model.m["names"][em.N_SAME], names_u),
        np.where(f["names"] == em.N_DIFFER, VETO, 0.0),
    )
    # Two different years, each carried with this name by another record too: for one
    # person that needs a second record with the same mistyped year (chance m(year
    # differs)), for two people of one name it is what they look like.
    support_i, support_j = freq.year_support[i], freq.year_support[j]
    both_corroborated = (f["year"] == em.Y_DIFFER) & (support_i >= 2) & (support_j >= 2)
    names_w = np.where(
        both_corroborated & (f["names"] == em.N_SAME),
        names_w + np.log2(model.m["year"][em.Y_DIFFER]),
        names_w,
    )
    # A record without a year and a name that two or more people carry (seen in as many
    # years): the name cannot tell them apart, so the chance falls to one in that many.
    people = np.maximum(freq.name_years[i], freq.name_years[j]).astype(np.float32)
    dateless = (f["year"] < 0) & (f["names"] == em.N_SAME) & (people >= 2)
    names_w = np.where(dateless, names_w - np.log2(np.maximum(people, 1.0)), names_w)
    pair_w = _lookup(model.bits("pair"), f["pair"])
    total = (first_w + last_w + date_w + year_w + sex_w + names_w + pair_w).astype(np.float32)
    # first names and surname swapped on one side (same year): the order-free token
    order_free = ti[:, T_ORDER_FREE]
    swapped_same = (order_free == tj[:, T_ORDER_FREE]) & (order_free != 0)
    if swapped_same.any():
        # u: how many other people of that year carry the unordered pair of lead names
        # (counted), or, when that is fewer, the chance of the two names together
        first_all = np.nan_to_num(freq.first, nan=NAME_PRIOR)
        last_all = np.nan_to_num(freq.last, nan=NAME_PRIOR)
        by_product = np.maximum(first_all[i] * last_all[i], first_all[j] * last_all[j])
        counted = np.nan_to_num(np.fmax(freq.order_free[i], freq.order_free[j]), nan=0.0)
        swap_u = np.maximum(np.maximum(counted, by_product), MIN_NAMES_U)
        swapped = (_bits(model.swapped, swap_u) + date_w + year_w + sex_w).astype(np.float32)
        total = np.where(swapped_same, np.maximum(total, swapped), total).astype(np.float32)
    return total
