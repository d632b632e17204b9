"""Bootstrap intervals, exactness of the pruned re-selection, stratified totals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bovenwater.mse import (
    CaptureTable,
    MSEInputError,
    SelectionSpec,
    bootstrap_population,
    estimate,
    estimate_stratified,
    parse_model,
)
from bovenwater.mse.fitting import fit_batch
from bovenwater.mse.intervals import acceleration, bca_interval
from bovenwater.mse.selection import ExhaustiveSearch, criterion_values

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def western() -> CaptureTable:
    return CaptureTable.from_csv(DATA / "Western.csv")


@pytest.fixture(scope="module")
def hiv() -> CaptureTable:
    return CaptureTable.from_csv(DATA / "HIV.csv")


def test_bootstrap_is_reproducible_with_a_seed(hiv: CaptureTable) -> None:
    spec = SelectionSpec("fixed", model=parse_model("c1:c2", hiv.lists))
    selection = spec.select(hiv)
    first = bootstrap_population(hiv, spec, selection, 40, seed=11)
    again = bootstrap_population(hiv, spec, selection, 40, seed=11)
    other = bootstrap_population(hiv, spec, selection, 40, seed=12)
    assert np.array_equal(first.replicates, again.replicates)
    assert not np.array_equal(first.replicates, other.replicates)
    assert first.replicates.size == 40
    assert first.failed == 0
    # Parametric replicates scatter around the estimate.
    assert 9000 < float(np.median(first.replicates)) < 16000


def test_bootstrap_with_reselection_picks_the_true_best_model(western: CaptureTable) -> None:
    """The pruned search must choose exactly what fitting every model chooses."""
    rng = np.random.default_rng(5)
    spec = SelectionSpec("bic")
    best = spec.select(western, top=1).best
    ys = rng.poisson(best.fitted, size=(8, western.n_cells)).astype(np.float64)
    search = ExhaustiveSearch.create(5, 2, "bic", reference=western.counts.astype(np.float64))
    totals, chosen = search.run(ys)
    n_models = len(search.models)
    for r in range(ys.shape[0]):
        batch = fit_batch(search.design, np.repeat(ys[r : r + 1], n_models, axis=0), search.columns)
        values = criterion_values(batch, "bic")
        index = int(np.argmin(values))
        assert chosen[r] == index
        assert totals[r] == pytest.approx(batch.total[index], rel=1e-7)


def test_stepwise_bootstrap_bca_is_near_the_published_interval(western: CaptureTable) -> None:
    """CSV (2021) report a 95% BCa interval of about 1,293-3,670 (resampling individuals)."""
    result = estimate(
        western,
        "stepwise",
        bootstrap=1000,
        seed=2021,
        ci="bca",
        bootstrap_kind="nonparametric",
    )
    assert result.interval is not None
    assert result.interval.method == "bca"
    assert 1150 < result.interval.low < 1600
    assert 3300 < result.interval.high < 4100
    assert result.interval.low < result.total < result.interval.high


def test_percentile_and_bca_intervals() -> None:
    values = np.arange(1.0, 1001.0)
    low, high = bca_interval(values, 500.5, 0.0, 0.9)
    assert low == pytest.approx(np.quantile(values, 0.05), abs=1.0)
    assert high == pytest.approx(np.quantile(values, 0.95), abs=1.0)
    # Positive acceleration shifts the interval upwards.
    shifted = bca_interval(values, 500.5, 0.1, 0.9)
    assert shifted[0] > low
    assert shifted[1] > high
    assert acceleration(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 1.0])) == 0.0
    assert acceleration(np.array([1.0, 1.0, 4.0]), np.array([1.0, 1.0, 1.0])) < 0.0


def test_estimate_defaults_and_warnings(western: CaptureTable, hiv: CaptureTable) -> None:
    result = estimate(hiv, "fixed", model=parse_model("c1:c2", hiv.lists))
    assert result.interval is not None
    assert result.interval.method == "profile"
    assert round(result.total, 2) == 12318.47
    assert result.warnings == [
        "the estimate is more than 5 times the observed number: it rests heavily on the "
        "model assumptions"
    ]
    boot = estimate(western, "stepwise", bootstrap=30, seed=1)
    assert boot.interval is not None
    assert boot.interval.method == "bca"
    assert any("A and B have no individual in common" in w for w in boot.warnings)
    profile = estimate(western, "stepwise")
    assert any("conditional on the selected model" in w for w in profile.warnings)
    with pytest.raises(MSEInputError, match="only be given with method 'fixed'"):
        estimate(hiv, "bic", model=parse_model("c1:c2", hiv.lists))
    with pytest.raises(MSEInputError, match="needs a model"):
        estimate(hiv, "fixed")
    with pytest.raises(MSEInputError, match="unknown method"):
        estimate(hiv, "magic")


def test_stratified_total_is_the_sum_with_a_bootstrap_interval(hiv: CaptureTable) -> None:
    half = CaptureTable.from_counts(hiv.lists, (hiv.counts // 2).tolist())
    rest = CaptureTable.from_counts(hiv.lists, (hiv.counts - hiv.counts // 2).tolist())
    model = parse_model("c1:c2", hiv.lists)
    kwargs = {"models": {"2019": model, "2020": model}, "bootstrap": 60, "seed": 3}
    result = estimate_stratified({"2019": half, "2020": rest}, "fixed", **kwargs)  # type: ignore[arg-type]
    assert result.observed == hiv.observed
    assert result.total == pytest.approx(result.strata["2019"].total + result.strata["2020"].total)
    assert result.interval.low < result.total < result.interval.high
    assert result.replicates.size == 60
    again = estimate_stratified({"2019": half, "2020": rest}, "fixed", **kwargs)  # type: ignore[arg-type]
    assert again.interval == result.interval
    bca = estimate_stratified(
        {"2019": half, "2020": rest},
        "fixed",
        ci="bca",
        **kwargs,  # type: ignore[arg-type]
    )
    assert bca.interval.method == "bca"
    with pytest.raises(MSEInputError):
        estimate_stratified({}, "bic")
