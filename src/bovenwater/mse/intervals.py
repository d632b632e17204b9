"""Confidence intervals for the population size N.

* **Profile likelihood** (Cormack 1992, Biometrics 48:567; Baillargeon & Rivest 2007,
  J. Stat. Softw. 19(5)) for a fixed model. Given ``N``, the complete ``2**k`` table
  with ``N - n`` individuals in the unobserved cell is fitted by Poisson maximum
  likelihood, which is the multinomial MLE given ``N``. The profile log-likelihood

      l(N) = log N! - log (N - n)! + sum_c n_c log(mu_c(N) / N)

  (sum over all cells including the unobserved one, ``sum_c mu_c(N) = N``) is
  maximised and the interval is ``{N : 2 (l(N_max) - l(N)) <= chi2_1(level)}``; its
  end points are found by Brent's root finding, not on a grid.
* **Bootstrap** (Chan, Silverman & Vincent 2021): replicate tables are drawn as
  independent Poisson counts with the fitted cell means (parametric, default) or
  by resampling the observed individuals (nonparametric), and the whole
  estimation (optionally including the model selection) is repeated on each.
  Intervals: **percentile**, and **BCa** (Efron 1987, JASA 82:171) with bias
  correction ``z0 = Phi^-1(P*(N* < N_hat))`` and acceleration from the jackknife that
  leaves out one individual at a time (grouped by capture pattern).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from bovenwater.mse.errors import MSEInputError, NotEstimableError
from bovenwater.mse.fitting import STATUS_OK, Design, FloatArray, fit_batch, get_design
from bovenwater.mse.models import Model
from bovenwater.mse.numerics import (
    bounded_minimum,
    brent_root,
    chi2_1_ppf,
    normal_cdf,
    normal_ppf,
)
from bovenwater.mse.selection import BatchEstimator, Selection, SelectionSpec
from bovenwater.mse.table import CaptureTable

CI_METHODS = ("profile", "percentile", "bca")


@dataclass(frozen=True)
class Interval:
    """A confidence interval for N; ``high`` may be ``inf`` (unbounded profile)."""

    low: float
    high: float
    method: str
    level: float


# --------------------------------------------------------------------- profile


@functools.lru_cache(maxsize=16)
def _complete_design(k: int, max_order: int) -> Design:
    """Design over all ``2**k`` cells: the unobserved cell first, then the rest."""
    base = get_design(k, max_order)
    zero_row = np.zeros((1, base.n_columns))
    zero_row[0, 0] = 1.0
    matrix = np.vstack([zero_row, base.matrix])
    outer = (matrix[:, :, None] * matrix[:, None, :]).reshape(matrix.shape[0], -1)
    matrix.setflags(write=False)
    outer.setflags(write=False)
    return Design(
        k=k,
        max_order=max_order,
        columns=base.columns,
        matrix=matrix,
        outer=outer,
        index=base.index,
    )


class ProfileLikelihood:
    """The multinomial profile log-likelihood of N for one model and table."""

    def __init__(self, table: CaptureTable, model: Model) -> None:
        self.table = table
        self.model = model
        self.n = float(table.observed)
        self.design = _complete_design(table.k, max(model.max_order, 1))
        self.columns = self.design.column_mask([model])
        self.counts = table.counts.astype(np.float64)
        self._start: FloatArray | None = None

    def __call__(self, total: float) -> float:
        """Profile log-likelihood at population size ``total`` (> observed)."""
        y = np.concatenate([[total - self.n], self.counts])[None, :]
        batch = fit_batch(self.design, y, self.columns, start=self._start)
        if batch.status[0] != STATUS_OK:
            raise NotEstimableError(
                f"the profile likelihood cannot be evaluated at N = {total:.6g}", "profile_failed"
            )
        self._start = batch.beta.copy()
        mu = batch.fitted[0]
        positive = y[0] > 0
        return float(
            math.lgamma(total + 1.0)
            - math.lgamma(total - self.n + 1.0)
            + np.sum(y[0, positive] * np.log(mu[positive] / total))
        )


@dataclass(frozen=True)
class ProfileResult:
    """Profile-likelihood interval and the N that maximises the profile."""

    interval: Interval
    profile_mle: float
    lower_at_observed: bool
    upper_unbounded: bool


def profile_interval(
    table: CaptureTable, model: Model, estimate: float, level: float = 0.95
) -> ProfileResult:
    """Profile-likelihood interval for N under a fixed model (Cormack 1992).

    ``estimate`` (the Poisson MLE of N) is used to bracket the maximum.
    """
    _check_level(level)
    profile = ProfileLikelihood(table, model)
    n = profile.n
    eps = 1e-6 * max(n, 1.0)
    lo_bound = n + eps
    hi_bound = max(2.0 * estimate, n + 10.0)
    n_max = bounded_minimum(lambda t: -profile(t), lo_bound, hi_bound, 1e-8 * max(estimate, 1.0))
    l_max = profile(n_max)
    cutoff = chi2_1_ppf(level) / 2.0

    def excess(total: float) -> float:
        return l_max - profile(total) - cutoff

    lower_at_observed = excess(lo_bound) <= 0
    if lower_at_observed:
        low = n
    else:
        low = brent_root(excess, lo_bound, n_max, xtol=1e-8 * n_max, rtol=1e-12)
    upper = max(n_max * 1.5, n_max + 10.0)
    unbounded = False
    while excess(upper) <= 0:
        upper *= 2.0
        if upper > 1e12:
            unbounded = True
            break
    high = (
        math.inf if unbounded else brent_root(excess, n_max, upper, xtol=1e-08 * n_max, rtol=1e-12)
    )
    return ProfileResult(
        interval=Interval(low=float(low), high=float(high), method="profile", level=level),
        profile_mle=n_max,
        lower_at_observed=lower_at_observed,
        upper_unbounded=unbounded,
    )


# ------------------------------------------------------------------- bootstrap


@dataclass(frozen=True, eq=False)
class BootstrapResult:
    """Bootstrap replicates of N and the jackknife values used for BCa."""

    replicates: FloatArray
    all_replicates: FloatArray
    requested: int
    failed: int
    seed: int | None
    reselect: bool
    kind: str
    jackknife: FloatArray
    jackknife_weights: FloatArray

    def percentile(self, level: float = 0.95) -> Interval:
        """Percentile interval: the ``(1 -+ level) / 2`` quantiles of the replicates."""
        _check_level(level)
        alpha = (1.0 - level) / 2.0
        low, high = np.quantile(self.replicates, [alpha, 1.0 - alpha])
        return Interval(low=float(low), high=float(high), method="percentile", level=level)

    def acceleration(self) -> float:
        """Jackknife estimate of the BCa acceleration constant."""
        return acceleration(self.jackknife, self.jackknife_weights)

    def bca(self, estimate: float, level: float = 0.95) -> Interval:
        """Bias-corrected and accelerated interval (Efron 1987)."""
        _check_level(level)
        low, high = bca_interval(self.replicates, estimate, self.acceleration(), level)
        return Interval(low=low, high=high, method="bca", level=level)


def acceleration(values: FloatArray, weights: FloatArray) -> float:
    """BCa acceleration ``a = sum w d^3 / (6 (sum w d^2)^1.5)`` with ``d = mean - value``."""
    keep = np.isfinite(values) & (weights > 0)
    if not keep.any():
        return 0.0
    v = values[keep]
    w = weights[keep]
    mean = float(np.sum(w * v) / np.sum(w))
    d = mean - v
    denom = float(np.sum(w * d**2)) ** 1.5
    if denom == 0.0:
        return 0.0
    return float(np.sum(w * d**3) / (6.0 * denom))


def bca_interval(
    replicates: FloatArray, estimate: float, accel: float, level: float
) -> tuple[float, float]:
    """BCa end points from bootstrap replicates, the estimate and the acceleration."""
    b = replicates.size
    below = float(np.sum(replicates < estimate)) + 0.5 * float(np.sum(replicates == estimate))
    prop = min(max(below / b, 0.5 / b), 1.0 - 0.5 / b)
    z0 = normal_ppf(prop)
    alpha = (1.0 - level) / 2.0
    quantiles = []
    for z_alpha in (normal_ppf(alpha), normal_ppf(1.0 - alpha)):
        shifted = z0 + z_alpha
        quantiles.append(normal_cdf(z0 + shifted / (1.0 - accel * shifted)))
    low, high = np.quantile(replicates, quantiles)
    return float(low), float(high)


def jackknife_tables(table: CaptureTable) -> tuple[FloatArray, FloatArray]:
    """Count vectors leaving out one individual per observed pattern, with weights."""
    counts = table.counts.astype(np.float64)
    cells = np.flatnonzero(counts > 0)
    ys = np.repeat(counts[None, :], cells.size, axis=0)
    ys[np.arange(cells.size), cells] -= 1.0
    return ys, counts[cells]


BOOTSTRAP_KINDS = ("parametric", "nonparametric")


def bootstrap_population(
    table: CaptureTable,
    spec: SelectionSpec,
    selection: Selection,
    replications: int,
    seed: int | None = None,
    reselect: bool = True,
    kind: str = "parametric",
    with_jackknife: bool = True,
) -> BootstrapResult:
    """Bootstrap distribution of the population estimate N.

    ``kind="parametric"`` (default) draws every observable cell as Poisson with
    the fitted mean of the selected model. ``kind="nonparametric"`` resamples the
    observed individuals (multinomial with the observed cell proportions), the
    scheme behind the BCa intervals of Chan, Silverman & Vincent (2021). With
    ``reselect`` the selection method of ``spec`` is re-run on every replicate (for
    a fixed model this makes no difference). Replicates without an estimable model
    are dropped and counted in ``failed``. The same ``seed`` gives the same result.
    """
    if replications < 1:
        raise MSEInputError(
            f"the number of bootstrap replications must be >= 1, got {replications}"
        )
    if kind not in BOOTSTRAP_KINDS:
        raise MSEInputError(f"unknown bootstrap kind {kind!r} (use {', '.join(BOOTSTRAP_KINDS)})")
    rng = np.random.default_rng(seed)
    if kind == "parametric":
        means = np.nan_to_num(selection.best.fitted, nan=0.0)
        ys = rng.poisson(means, size=(replications, table.n_cells)).astype(np.float64)
    else:
        counts = table.counts.astype(np.float64)
        ys = rng.multinomial(table.observed, counts / counts.sum(), size=replications).astype(
            np.float64
        )
    estimator = BatchEstimator(table, spec, selection.best.model, reselect=reselect)
    totals = estimator.totals(ys)
    valid = np.isfinite(totals)
    if with_jackknife:
        jack_ys, jack_w = jackknife_tables(table)
        jack = estimator.totals(jack_ys)
    else:
        jack = np.zeros(0)
        jack_w = np.zeros(0)
    if not valid.any():
        raise NotEstimableError(
            "no bootstrap replicate produced an estimable model", "bootstrap_failed"
        )
    return BootstrapResult(
        replicates=totals[valid],
        all_replicates=totals,
        requested=replications,
        failed=int(np.sum(~valid)),
        seed=seed,
        reselect=reselect,
        kind=kind,
        jackknife=jack,
        jackknife_weights=jack_w,
    )


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise MSEInputError(f"the confidence level must be between 0 and 1, got {level}")
