"""Reproduction of published estimates, existence checks and model selection."""

from __future__ import annotations

import math
from itertools import product
from pathlib import Path

import numpy as np
import pytest

from bovenwater.mse import (
    CaptureTable,
    NotEstimableError,
    enumerate_models,
    fit_model,
    fit_models,
    mle_exists_lp,
    parse_model,
    profile_interval,
    select_exhaustive,
    select_fixed,
    select_stepwise,
)
from bovenwater.mse.fitting import check_batch, get_design, reduce_batch

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def uk5() -> CaptureTable:
    return CaptureTable.from_csv(DATA / "UKdat_5.csv")


@pytest.fixture(scope="module")
def western() -> CaptureTable:
    return CaptureTable.from_csv(DATA / "Western.csv")


@pytest.fixture(scope="module")
def hiv() -> CaptureTable:
    return CaptureTable.from_csv(DATA / "HIV.csv")


HIV_ALL_PAIRS = "c1:c2,c1:c3,c1:c4,c2:c3,c2:c4,c3:c4"


# ----------------------------------------------------------- published estimates


def test_uk_five_lists_bic_over_all_order_two_models(uk5: CaptureTable) -> None:
    """Silverman, Chan & Vincent (2024), Table 6: N = 22,991.33."""
    selection = select_exhaustive(uk5, "bic", max_order=2)
    best = selection.best
    assert best.terms == ["LA:NG", "LA:PFNCA", "NG:PFNCA", "NG:GP", "PFNCA:GO"]
    assert round(best.total, 2) == 22991.33
    assert selection.n_models == 1024
    assert selection.excluded == 0
    assert len(selection.ranking) == 1024
    bics = [f.bic for f in selection.ranking]
    assert bics == sorted(bics)
    assert best.n_params == 11


def test_western_stepwise_at_p_002(western: CaptureTable) -> None:
    """Chan, Silverman & Vincent (2021), §4.2: model A:E, N = 2,483.384."""
    selection = select_stepwise(western, p_threshold=0.02)
    assert selection.best.terms == ["A:E"]
    assert round(selection.best.total, 3) == 2483.384
    assert [s.term for s in selection.steps] == ["A:E"]
    assert selection.steps[0].p_value < 0.02
    assert selection.steps[0].observed == 6
    # A threshold below the first p-value keeps the main-effects model.
    strict = select_stepwise(western, p_threshold=selection.steps[0].p_value / 2)
    assert strict.best.terms == []


def test_hiv_fixed_model_c1_c2(hiv: CaptureTable) -> None:
    """Baillargeon & Rivest (2007): N = 12,318.47 with interaction c1:c2."""
    fit = fit_model(hiv, parse_model("c1:c2", hiv.lists))
    assert fit.ok
    assert round(fit.total, 2) == 12318.47
    assert fit.observed == 1896
    assert set(fit.parameters) == {"(Intercept)", "c1", "c2", "c3", "c4", "c1:c2"}
    assert math.isclose(math.exp(fit.parameters["(Intercept)"]), fit.unobserved)


def test_hiv_profile_interval_by_root_finding(hiv: CaptureTable) -> None:
    """Multinomial profile likelihood: maximum 12,308, interval about 10,266-14,992."""
    model = parse_model("c1:c2", hiv.lists)
    result = profile_interval(hiv, model, 12318.47)
    assert round(result.profile_mle) == 12308
    assert abs(result.interval.low - 10266.0) < 1.0
    assert abs(result.interval.high - 14992.3) < 1.0
    assert not result.upper_unbounded
    # The grid-based published interval (10,286.85-14,977.69) lies inside ours.
    assert result.interval.low < 10286.85 < 14977.69 < result.interval.high


def test_hiv_all_pairs(hiv: CaptureTable) -> None:
    """Baillargeon & Rivest (2007): N = 23,443.54 with all six pairwise interactions."""
    fit = fit_model(hiv, parse_model(HIV_ALL_PAIRS, hiv.lists))
    assert round(fit.total, 2) == 23443.54
    assert fit.n_params == 11


def test_main_effects_model_on_hiv_is_the_independence_estimate(hiv: CaptureTable) -> None:
    fit = fit_model(hiv, parse_model("", hiv.lists))
    # Independence fit reproduces every list total (the margins are sufficient).
    fitted_totals = hiv.patterns().T @ fit.fitted
    assert np.allclose(fitted_totals, list(hiv.list_totals().values()))
    assert round(fit.total, 2) == 11124.58


# ------------------------------------------------------ existence, -inf terms


def test_non_overlapping_pair_gets_minus_infinity(western: CaptureTable) -> None:
    """Lists A and B share nobody: the A:B parameter is -inf, its cells fit 0."""
    fit = fit_model(western, parse_model("A:B", western.lists))
    assert fit.ok
    assert fit.infinite_terms == ("A:B",)
    assert fit.parameters["A:B"] == -math.inf
    both = (western.patterns()[:, 0] == 1) & (western.patterns()[:, 1] == 1)
    assert np.all(fit.fitted[both] == 0.0)
    assert np.all(fit.fitted[~both] > 0.0)
    # Still counts as a parameter: 1 + 5 main effects + 1.
    assert fit.n_params == 7
    assert fit.total != pytest.approx(fit_model(western, parse_model("", western.lists)).total)


def test_existence_check_flags_a_table_without_mle() -> None:
    """Three lists, all pairs, no individual on all three: theta_ABC would be needed.

    With all pairwise interactions the 7 observable cells carry 7 parameters; the
    empty A+B+C cell forces a parameter to -inf along a direction that moves the
    intercept, so no finite estimate exists.
    """
    table = CaptureTable.from_patterns(
        ["A", "B", "C"],
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]],
        [10, 12, 9, 3, 4, 5],
    )
    model = parse_model("A:B,A:C,B:C", table.lists)
    fit = fit_model(table, model)
    assert fit.status == "mle_does_not_exist"
    assert math.isnan(fit.total)
    with pytest.raises(NotEstimableError) as info:
        select_fixed(table, model)
    assert info.value.status == "mle_does_not_exist"
    # Smaller models of the same table are fine.
    assert fit_model(table, parse_model("A:B,A:C", table.lists)).ok


def test_korea_models_without_mle_are_excluded_from_the_search() -> None:
    korea = CaptureTable.from_csv(DATA / "Korea.csv")
    fits = {tuple(f.terms): f.status for f in fit_models(korea, enumerate_models(3, 2))}
    assert fits[("b:c", "b:d")] == "mle_does_not_exist"
    assert fits[("b:c", "b:d", "c:d")] == "mle_does_not_exist"
    assert sum(status == "ok" for status in fits.values()) == 6
    selection = select_exhaustive(korea, "bic")
    assert selection.excluded == 2
    assert selection.best.terms == ["b:c", "c:d"]


def test_lp_existence_test_on_a_tiny_design() -> None:
    # Two cells, intercept + slope: exists iff both cells are positive.
    design = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert mle_exists_lp(design, np.array([3.0, 2.0]))
    assert not mle_exists_lp(design, np.array([3.0, 0.0]))


def test_fast_existence_path_agrees_with_the_linear_program() -> None:
    """The rank and sign shortcuts must give the LP's answer on sparse random tables."""
    rng = np.random.default_rng(2024)
    models = enumerate_models(4, 2)
    design = get_design(4, 2)
    columns = design.column_mask(models)
    disagreements = 0
    checked_no_mle = 0
    for _ in range(12):
        counts = rng.poisson(0.7, size=15).astype(np.float64)
        counts[[0, 1, 3, 7]] += 1  # every list observed
        ys = np.repeat(counts[None, :], len(models), axis=0)
        status, active, weight = check_batch(design, ys, columns)
        for row in range(len(models)):
            cells = weight[row] > 0
            matrix = design.matrix[np.ix_(cells, active[row])]
            if np.linalg.matrix_rank(matrix) < matrix.shape[1]:
                expected = 2
            else:
                expected = 0 if mle_exists_lp(matrix, counts[cells]) else 1
            checked_no_mle += expected == 1
            disagreements += int(status[row] != expected)
    assert disagreements == 0
    assert checked_no_mle > 0  # the sample really exercises non-existence


def test_reduction_removes_cells_of_empty_terms() -> None:
    design = get_design(3, 2)
    counts = np.array([[5.0, 4.0, 0.0, 3.0, 2.0, 1.0, 0.0]])  # A+B and A+B+C empty
    model = parse_model("A:B,B:C", ("A", "B", "C"))
    active, weight = reduce_batch(design, counts, design.column_mask([model]))
    assert weight[0].tolist() == [1, 1, 0, 1, 1, 1, 0]
    assert active[0].sum() == 5  # intercept, 3 main effects, B:C


# --------------------------------------------------------------- other selections


def test_aic_ranking_and_stepwise_on_uk(uk5: CaptureTable) -> None:
    aic = select_exhaustive(uk5, "aic", max_order=2, top=3)
    assert len(aic.ranking) == 3
    assert aic.ranking[0].aic <= aic.ranking[1].aic <= aic.ranking[2].aic
    # SparseMSE's two-tailed stepwise (see test_mse_stepwise.py for the reference).
    step = select_stepwise(uk5)
    added = ["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"]
    assert [s.term for s in step.steps] == added
    assert all(s.p_value < 0.02 for s in step.steps)
    # The stepwise model is one of the exhaustive candidates, with the same estimate.
    same = fit_model(uk5, step.best.model)
    assert same.total == pytest.approx(step.best.total, rel=1e-10)
    # The one-sided variant adds only pairs that overlap more than expected.
    upper = select_stepwise(uk5, tails="upper")
    assert [s.term for s in upper.steps] == ["LA:NG", "LA:PFNCA", "NG:PFNCA", "PFNCA:GO"]
    assert all(s.observed > s.expected for s in upper.steps)


def test_order_three_search_includes_three_way_terms() -> None:
    table = CaptureTable.from_csv(DATA / "lesbian.csv")
    selection = select_exhaustive(table, "bic", max_order=3, top=5)
    assert selection.n_models == 113
    assert all(f.ok for f in selection.ranking)
    order3 = list(fit_models(table, [parse_model("A:B:C", table.lists)]))
    assert order3[0].terms == ["A:B", "A:C", "B:C", "A:B:C"]


def test_newton_fit_matches_independent_reference_solution() -> None:
    """Compare with a plain (unvectorised) Newton solve written out here."""
    table = CaptureTable.from_csv(DATA / "Kosovo.csv")
    model = parse_model("EXH:ABA,OSCE:HRW", table.lists)
    fit = fit_model(table, model)
    bits = np.array(list(product([0, 1], repeat=4)))[1:][:, ::-1]
    masks = bits @ (1 << np.arange(4))
    order = np.argsort(masks)
    pats = bits[order]
    x = np.column_stack(
        [np.ones(15), pats, pats[:, 0] * pats[:, 1], pats[:, 2] * pats[:, 3]]
    ).astype(float)
    y = table.counts.astype(float)
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(y.mean())
    for _ in range(100):
        mu = np.exp(x @ beta)
        step = np.linalg.solve(x.T @ (mu[:, None] * x), x.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-12:
            break
    assert fit.unobserved == pytest.approx(np.exp(beta[0]), rel=1e-9)
