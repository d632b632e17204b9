"""The fast AIC/BIC re-selection (shared Hessians, chord steps) against plain fitting.

Every (replicate, model) pair is fitted in full and the best criterion taken: the
pruned search must choose exactly the same model and return the same estimate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bovenwater.mse import CaptureTable, SelectionSpec, bootstrap_population
from bovenwater.mse import selection as selection_module
from bovenwater.mse.fitting import STATUS_OK, fit_batch
from bovenwater.mse.intervals import jackknife_tables
from bovenwater.mse.selection import ExhaustiveSearch, criterion_values

DATA = Path(__file__).parent / "data"


def _table(name: str) -> CaptureTable:
    return CaptureTable.from_csv(DATA / f"{name}.csv")


def _replicates(
    table: CaptureTable, criterion: str, order: int, seed: int, count: int
) -> np.ndarray:
    best = SelectionSpec(criterion, max_order=order).select(table, top=1).best
    rng = np.random.default_rng(seed)
    ys = rng.poisson(np.nan_to_num(best.fitted), size=(count, table.n_cells))
    return np.asarray(ys, dtype=np.float64)


def _plain_choice(search: ExhaustiveSearch, y: np.ndarray) -> tuple[int, float]:
    """Fit every model to ``y``; the first model with the smallest criterion and its
    total, refined by one more Newton step from the converged fit."""
    n_models = len(search.models)
    batch = fit_batch(search.design, np.repeat(y[None, :], n_models, axis=0), search.columns)
    values = criterion_values(batch, search.criterion)
    if not np.isfinite(values).any():
        return -1, float("nan")
    index = int(np.argmin(values))
    again = fit_batch(
        search.design,
        y[None, :],
        search.columns[index : index + 1],
        start=batch.beta[index : index + 1],
    )
    assert again.status[0] == STATUS_OK
    return index, float(again.total[0])


@pytest.mark.parametrize(
    ("name", "criterion", "order", "seed", "count", "jackknife"),
    [
        ("UKdat_5", "bic", 2, 3, 6, False),
        ("Western", "bic", 2, 7, 4, True),
        ("NewOrl_5", "aic", 2, 11, 6, False),
        ("Korea", "bic", 2, 1, 10, True),
        ("HIV", "bic", 3, 5, 10, False),
    ],
)
def test_fast_search_chooses_what_fitting_every_model_chooses(
    name: str, criterion: str, order: int, seed: int, count: int, jackknife: bool
) -> None:
    table = _table(name)
    ys = _replicates(table, criterion, order, seed, count)
    if jackknife:
        ys = np.vstack([ys, jackknife_tables(table)[0]])
    reference = table.counts.astype(np.float64)
    fast = ExhaustiveSearch.create(table.k, order, criterion, reference=reference)
    assert fast.start is not None
    assert np.all(np.isfinite(fast.start))
    totals, chosen = fast.run(ys)
    # The search without shared starts (cold starts, a Newton solve per row).
    plain_totals, plain_chosen = ExhaustiveSearch.create(table.k, order, criterion).run(ys)
    assert np.array_equal(chosen, plain_chosen)
    for r in range(ys.shape[0]):
        index, total = _plain_choice(fast, ys[r])
        assert chosen[r] == index, f"row {r}"
        if index < 0:
            assert np.isnan(totals[r])
            continue
        assert totals[r] == pytest.approx(total, rel=1e-10, abs=0.0)
        assert plain_totals[r] == pytest.approx(total, rel=1e-8, abs=0.0)


def test_korea_has_models_without_mle_on_the_original_table() -> None:
    """Korea exercises the start used when the reference fit has no MLE."""
    table = _table("Korea")
    search = ExhaustiveSearch.create(table.k, 2, "bic")
    n_models = len(search.models)
    y = np.broadcast_to(table.counts.astype(np.float64), (n_models, table.n_cells))
    status = fit_batch(search.design, y, search.columns).status
    assert int(np.sum(status != STATUS_OK)) == 2


def test_shared_dual_points_have_the_margins_of_the_counts() -> None:
    """The duality bound needs ``X'm = X'y`` on the active columns, exactly."""
    table = _table("Western")
    ys = _replicates(table, "bic", 2, 2, 5)
    search = ExhaustiveSearch.create(table.k, 2, "bic", reference=table.counts.astype(np.float64))
    patterns, pattern_of_row = search._patterns(ys)
    shared, keys = search._shared(patterns)
    n_models = len(search.models)
    rows = keys[pattern_of_row].ravel()
    y = np.repeat(ys, n_models, axis=0)
    ok = shared.identifiable[rows]
    x = search.design.matrix
    # Away from the start: perturb the linear predictors.
    rng = np.random.default_rng(0)
    beta = shared.beta[rows] + rng.normal(scale=0.05, size=shared.beta[rows].shape)
    eta = np.where(shared.active[rows], beta, 0.0) @ x.T
    _, delta, m = shared.direction(search.design, y, eta, rows)
    weight = shared.weight[rows]
    margins_m = (m * weight) @ x
    margins_y = (y * weight) @ x
    active = shared.active[rows] & ok[:, None]
    assert np.allclose(margins_m[active], margins_y[active], rtol=1e-9, atol=1e-7)
    assert np.all(delta[~shared.active[rows]] == 0.0)


def test_bic_bootstrap_is_reproducible_and_keeps_the_seed_behaviour() -> None:
    table = _table("Western")
    spec = SelectionSpec("bic")
    selection = spec.select(table, top=1)
    first = bootstrap_population(table, spec, selection, 12, seed=4)
    again = bootstrap_population(table, spec, selection, 12, seed=4)
    assert np.array_equal(first.all_replicates, again.all_replicates)
    assert np.array_equal(first.jackknife, again.jackknife)
    rng = np.random.default_rng(4)
    ys = rng.poisson(np.nan_to_num(selection.best.fitted), size=(12, table.n_cells))
    search = ExhaustiveSearch.create(5, 2, "bic", reference=table.counts.astype(np.float64))
    totals, _ = search.run(ys.astype(np.float64))
    assert np.array_equal(totals, first.all_replicates)


def test_a_small_memory_budget_splits_the_patterns_without_changing_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = _table("Western")
    ys = _replicates(table, "bic", 2, 9, 24)
    search = ExhaustiveSearch.create(5, 2, "bic", reference=table.counts.astype(np.float64))
    patterns, _ = search._patterns(ys)
    assert patterns.shape[0] > 3
    totals, chosen = search.run(ys)
    monkeypatch.setattr(selection_module, "_SHARED_BUDGET", 1)
    split_totals, split_chosen = search.run(ys)
    assert np.array_equal(split_chosen, chosen)
    assert np.allclose(split_totals, totals, rtol=1e-12, atol=0.0, equal_nan=True)
