"""Maximum likelihood fitting of Poisson log-linear models to capture tables.

The observable cells ``y_c`` (all capture patterns except "on no list") are modelled
as independent Poisson counts with ``log mu_c = x_c' beta``, where the design row
``x_c`` holds 1 for the intercept, the main effect of every list the pattern is on,
and every interaction term whose lists are all in the pattern. The unobserved
(all-zero) cell has design row ``(1, 0, ..., 0)``, so its estimated count is
``exp(beta_0)`` and the population estimate is ``N = observed + exp(beta_0)``
(Fienberg 1972; Cormack 1989).

Sparse tables need care (Chan, Silverman & Vincent 2021, JASA 116:1297):

* A term whose lists have no individual in common has MLE ``-inf``. As in that
  paper the *extended* MLE is used: the term is kept (it still counts as a parameter
  in AIC/BIC), its cells get fitted value 0 and leave the likelihood.
* On the remaining cells the MLE exists if and only if the sufficient statistics
  ``X'y`` lie in the relative interior of the marginal cone, i.e. some strictly
  positive table has the same margins. This is checked *before* fitting by the
  linear program of Fienberg & Rinaldo (2012, Ann. Statist. 40:996): maximise ``s``
  subject to ``X'z = X'y``, ``z >= s``, ``s <= 1``; the MLE exists iff ``s* > 0``.
  The LP is skipped when the design restricted to the positive cells already has
  full column rank, which implies existence.
* The parameters are identifiable iff the design restricted to the remaining cells
  has full column rank.

Many models (and bootstrap tables) are fitted at once: every model is a column mask
on the design of all terms up to the highest order, and Newton's method runs
vectorised over the whole batch. The Hessians ``X' diag(mu) X`` of all models come
from one matrix product with the pre-computed cell-wise outer products of ``X``.
When the same models are re-selected on many tables (bootstrap), rows that share a
start and a zero-margin reduction also share the Hessian there, which is inverted
once (:class:`SharedStarts`); see :func:`best_per_group` for the exact pruning.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from bovenwater.mse.errors import NotEstimableError
from bovenwater.mse.models import Model, all_terms, term_name
from bovenwater.mse.numerics import log_factorial
from bovenwater.mse.table import CaptureTable

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

STATUS_OK = 0
STATUS_NO_MLE = 1
STATUS_NOT_IDENTIFIABLE = 2
STATUS_NOT_CONVERGED = 3

STATUS_NAMES = {
    STATUS_OK: "ok",
    STATUS_NO_MLE: "mle_does_not_exist",
    STATUS_NOT_IDENTIFIABLE: "not_identifiable",
    STATUS_NOT_CONVERGED: "not_converged",
}

STATUS_MESSAGES = {
    STATUS_NO_MLE: "the maximum likelihood estimate does not exist for this model and data "
    "(zero cells push a parameter to infinity; linear-programming check)",
    STATUS_NOT_IDENTIFIABLE: "the model is not identifiable on these data (the design matrix "
    "is rank deficient on the informative cells)",
    STATUS_NOT_CONVERGED: "the Newton iteration did not converge",
}

_RANK_TOL = 1e-9
_LP_TOL = 1e-7
_NEWTON_TOL = 1e-8
_MAX_ITER = 100
_ETA_MAX = 700.0
_TRACE = False
_CHORD_STEPS = 3


@dataclass(frozen=True, eq=False)
class Design:
    """Design matrix of all terms up to ``max_order`` over ``k`` lists.

    ``columns[j]`` is the bit mask of column ``j``: 0 for the intercept, a single bit
    for a main effect, otherwise an interaction term. ``outer`` holds, per cell,
    the flattened outer product ``x_c x_c'`` so that ``w @ outer`` gives the
    weighted Gram matrices of many weight vectors in one matrix product.
    """

    k: int
    max_order: int
    columns: tuple[int, ...]
    matrix: FloatArray
    outer: FloatArray
    index: dict[int, int] = field(repr=False)

    @property
    def n_columns(self) -> int:
        return len(self.columns)

    @property
    def n_cells(self) -> int:
        return int(self.matrix.shape[0])

    def column_mask(self, models: Sequence[Model]) -> BoolArray:
        """Boolean ``(len(models), n_columns)`` mask of the columns of each model."""
        mask = np.zeros((len(models), self.n_columns), dtype=np.bool_)
        mask[:, : self.k + 1] = True
        for row, model in enumerate(models):
            for term in model.terms:
                mask[row, self.index[term]] = True
        return mask


@functools.lru_cache(maxsize=16)
def get_design(k: int, max_order: int) -> Design:
    """The (cached) design of all terms up to ``max_order`` (at least main effects)."""
    columns = (0, *(1 << i for i in range(k)), *all_terms(k, max(max_order, 1)))
    masks = np.arange(1, 2**k, dtype=np.int64)
    col = np.array(columns, dtype=np.int64)
    matrix = ((masks[:, None] & col[None, :]) == col[None, :]).astype(np.float64)
    outer = (matrix[:, :, None] * matrix[:, None, :]).reshape(matrix.shape[0], -1)
    matrix.setflags(write=False)
    outer.setflags(write=False)
    return Design(
        k=k,
        max_order=max_order,
        columns=columns,
        matrix=matrix,
        outer=outer,
        index={c: j for j, c in enumerate(columns)},
    )


def design_for(k: int, models: Sequence[Model]) -> Design:
    """The smallest cached design that holds every term of ``models``."""
    return get_design(k, max((m.max_order for m in models), default=1))


@dataclass(eq=False)
class BatchFit:
    """Arrays describing the fit of a batch of (table, model) rows.

    Rows with ``status != STATUS_OK`` have NaN estimates.
    """

    design: Design
    y: FloatArray
    columns: BoolArray
    active: BoolArray
    cell_weight: FloatArray
    status: IntArray
    beta: FloatArray
    fitted: FloatArray
    loglik: FloatArray
    deviance: FloatArray
    n_params: IntArray
    iterations: IntArray

    @property
    def unobserved(self) -> FloatArray:
        """Estimated count of the all-zero cell, ``exp(beta_0)``."""
        out = np.exp(self.beta[:, 0])
        out[self.status != STATUS_OK] = np.nan
        return out

    @property
    def observed(self) -> FloatArray:
        out: FloatArray = self.y.sum(axis=1)
        return out

    @property
    def total(self) -> FloatArray:
        return self.observed + self.unobserved

    def aic(self) -> FloatArray:
        """Akaike information criterion ``-2 log L + 2 p``."""
        return -2.0 * self.loglik + 2.0 * self.n_params

    def bic(self) -> FloatArray:
        """Bayesian information criterion ``-2 log L + p log(n)``, n = observed count."""
        return -2.0 * self.loglik + self.n_params * np.log(self.observed)


def _diag_index(p: int) -> IntArray:
    return np.arange(p) * (p + 1)


def _pair_mask(active: BoolArray) -> BoolArray:
    """Flattened outer product of the active-column masks, ``(rows, p*p)``."""
    p = active.shape[1]
    out: BoolArray = (active[:, :, None] & active[:, None, :]).reshape(-1, p * p)
    return out


def _masked_hessian(
    gram: FloatArray, active: BoolArray, pairs: BoolArray | None = None
) -> FloatArray:
    """Restrict flattened stacked Gram matrices ``(rows, p*p)`` to the active columns.

    Inactive rows/columns become those of the identity, so the systems stay regular
    and the corresponding Newton steps are exactly zero. ``pairs`` is
    :func:`_pair_mask` of ``active`` when already known.
    """
    p = active.shape[1]
    h = gram * (_pair_mask(active) if pairs is None else pairs)
    h[:, _diag_index(p)] += ~active
    return h.reshape(-1, p, p)


def _solve(hess: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve stacked systems; rows with a singular matrix fall back to least squares."""
    try:
        out: FloatArray = np.asarray(
            np.linalg.solve(hess, rhs[:, :, None])[:, :, 0], dtype=np.float64
        )
    except np.linalg.LinAlgError:
        out = np.empty_like(rhs)
        for i in range(rhs.shape[0]):
            try:
                out[i] = np.linalg.solve(hess[i], rhs[i])
            except np.linalg.LinAlgError:
                out[i] = np.linalg.lstsq(hess[i], rhs[i], rcond=None)[0].astype(np.float64)
    return out


def _full_rank(gram: FloatArray, active: BoolArray) -> BoolArray:
    """Whether each (flattened) Gram matrix has full rank on its active columns.

    Cholesky factorisation of ``G + delta I`` with a tiny ``delta``: a rank deficient
    Gram matrix leaves a pivot of order ``delta``; a full-rank one (integer entries,
    as the weights are 0/1) keeps every pivot far above it.
    """
    h = _masked_hessian(gram, active)
    p = active.shape[1]
    scale = np.maximum(np.max(np.diagonal(h, axis1=1, axis2=2), axis=1), 1.0)
    delta = 1e-12 * scale
    h[:, np.arange(p), np.arange(p)] += delta[:, None]
    try:
        chol = np.linalg.cholesky(h)
    except np.linalg.LinAlgError:  # pragma: no cover - G + delta I is positive definite
        eig = np.linalg.eigvalsh(h)
        out: BoolArray = eig[:, 0] > _RANK_TOL * scale
        return out
    pivots = np.diagonal(chol, axis1=1, axis2=2) ** 2
    result: BoolArray = np.min(pivots, axis=1) > _RANK_TOL * scale
    return result


def mle_exists_lp(matrix: FloatArray, y: FloatArray) -> bool:
    """Linear-programming existence test of Fienberg & Rinaldo (2012).

    The Poisson log-linear MLE for design ``matrix`` (cells x parameters) and counts
    ``y`` exists iff there is a strictly positive table ``z`` with the same
    sufficient statistics, ``matrix' z = matrix' y``. Maximise ``s`` subject to that,
    ``z_c >= s`` for all cells and ``s <= 1``; the MLE exists iff the optimum is > 0.
    """
    from scipy.optimize import linprog  # noqa: PLC0415 - only for the rare tables that need the LP

    n_cells, _ = matrix.shape
    c = np.zeros(n_cells + 1)
    c[-1] = -1.0
    a_eq = np.hstack([matrix.T, np.zeros((matrix.shape[1], 1))])
    b_eq = matrix.T @ y
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])
    b_ub = np.zeros(n_cells)
    bounds = [(0.0, None)] * n_cells + [(0.0, 1.0)]
    result = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status != 0:
        return False
    return bool(-result.fun > _LP_TOL)


_lp_cache: dict[tuple[int, int, bytes, bytes], bool] = {}


def _lp_check(
    design: Design, support: BoolArray, columns: BoolArray, weight: FloatArray, active: BoolArray
) -> bool:
    """Cached LP existence check: the answer depends only on the zero pattern of the
    counts and on the model (which fixes the removed cells and active columns)."""
    key = (
        design.n_cells,
        design.n_columns,
        np.packbits(support).tobytes(),
        np.packbits(columns).tobytes(),
    )
    cached = _lp_cache.get(key)
    if cached is not None:
        return cached
    cells = weight > 0
    matrix = design.matrix[np.ix_(cells, active)]
    result = mle_exists_lp(matrix, support[cells].astype(np.float64))
    if len(_lp_cache) > 100_000:
        _lp_cache.clear()
    _lp_cache[key] = result
    return result


def reduce_batch(design: Design, y: FloatArray, columns: BoolArray) -> tuple[BoolArray, FloatArray]:
    """Extended-MLE reduction: returns ``(active, cell_weight)``.

    A term of the model whose margin is zero has MLE ``-inf``: it is dropped from
    ``active`` and every cell containing it gets weight 0 (fitted value 0).
    """
    x = design.matrix
    empty = columns & ((y @ x) <= 0)
    active = columns & ~empty
    weight = np.ones(y.shape, dtype=np.float64)
    rows = np.flatnonzero(empty.any(axis=1))
    if rows.size:
        removed = (empty[rows].astype(np.float64) @ x.T) > 0
        weight[rows] = (~removed).astype(np.float64)
    return active, weight


def check_rows(
    design: Design, y: FloatArray, columns: BoolArray, active: BoolArray, weight: FloatArray
) -> IntArray:
    """Existence and identifiability status of the reduced problem of each row.

    Full column rank of the design on the positive cells implies existence (no
    direction of recession). Otherwise the rank on all remaining cells decides
    identifiability. Existence then holds iff no null direction ``d`` of the
    positive-cell design has ``X d <= 0`` on the zero cells: with a one-dimensional
    null space that is a sign test, else the Fienberg-Rinaldo LP decides.
    """
    p = design.n_columns
    support = y > 0
    status = np.zeros(y.shape[0], dtype=np.int64)
    gram_pos = support.astype(np.float64) @ design.outer
    easy = _full_rank(gram_pos, active)
    hard = np.flatnonzero(~easy)
    if hard.size == 0:
        return status
    identifiable = _full_rank(weight[hard] @ design.outer, active[hard])
    status[hard[~identifiable]] = STATUS_NOT_IDENTIFIABLE
    hard = hard[identifiable]
    if hard.size == 0:
        return status
    eigval, eigvec = np.linalg.eigh(_masked_hessian(gram_pos[hard], active[hard]))
    scale = np.maximum(eigval[:, -1], 1.0)
    null_dim = np.sum(eigval <= _RANK_TOL * scale[:, None], axis=1)
    zero_cells = (weight[hard] > 0) & ~support[hard]
    for i, row in enumerate(hard):
        if null_dim[i] == 1:
            direction = design.matrix[zero_cells[i]] @ eigvec[i, :, 0]
            mixed = bool(np.any(direction > 1e-9) and np.any(direction < -1e-9))
            exists = mixed
        else:
            exists = _lp_check(design, support[row], columns[row], weight[row], active[row])
        if not exists:
            status[row] = STATUS_NO_MLE
    del p
    return status


def check_batch(
    design: Design, y: FloatArray, columns: BoolArray
) -> tuple[IntArray, BoolArray, FloatArray]:
    """Existence and identifiability of the extended MLE for each row.

    Returns ``(status, active, cell_weight)`` (see :func:`reduce_batch`).
    """
    active, weight = reduce_batch(design, y, columns)
    return check_rows(design, y, columns, active, weight), active, weight


def _loglik_kernel(y: FloatArray, eta: FloatArray, weight: FloatArray) -> FloatArray:
    """``sum_c w_c (y_c eta_c - exp(eta_c))``: the log-likelihood up to a constant."""
    result: FloatArray = np.sum(weight * (y * eta - np.exp(eta)), axis=1)
    return result


def _initial_beta(
    design: Design,
    y: FloatArray,
    active: BoolArray,
    weight: FloatArray,
    start: FloatArray | None,
) -> FloatArray:
    """Warm start where given and finite, else one IRLS step from ``mu = y + 0.5``."""
    n_rows, p = y.shape[0], design.n_columns
    beta = np.zeros((n_rows, p))
    if start is not None:
        valid = np.all(np.isfinite(start), axis=1)
        beta[valid] = np.where(active[valid], start[valid], 0.0)
    else:
        valid = np.zeros(n_rows, dtype=np.bool_)
    cold = np.flatnonzero(~valid)
    if cold.size:
        yc = y[cold]
        mu0 = (yc + 0.5) * weight[cold]
        z = np.log(yc + 0.5) + (yc - mu0) / (yc + 0.5)
        hess = _masked_hessian(mu0 @ design.outer, active[cold])
        rhs = ((mu0 * z) @ design.matrix) * active[cold]
        beta[cold] = _solve(hess, rhs)
    return beta


def initial_coefficients(
    design: Design, y: FloatArray, active: BoolArray, weight: FloatArray
) -> FloatArray:
    """One weighted least-squares step from ``mu = y + 0.5`` (the cold start)."""
    return _initial_beta(design, y, active, weight, None)


def _newton_direction(
    design: Design,
    y: FloatArray,
    eta: FloatArray,
    weight: FloatArray,
    active: BoolArray,
    pairs: BoolArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Fitted values and Newton step ``H^-1 g`` at linear predictor ``eta``."""
    mu = np.exp(eta) * weight
    grad = ((y - mu) @ design.matrix) * active
    delta = _solve(_masked_hessian(mu @ design.outer, active, pairs), grad)
    return mu, delta


def _take_step(
    design: Design,
    y: FloatArray,
    weight: FloatArray,
    beta: FloatArray,
    delta: FloatArray,
    old_ll: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Newton step with step halving: never lets the log-likelihood decrease."""
    xt = design.matrix.T
    step = np.ones(beta.shape[0])
    new_b = beta + delta
    new_e = np.minimum(new_b @ xt, _ETA_MAX)
    new_ll = _loglik_kernel(y, new_e, weight)
    slack = 1e-12 * np.abs(old_ll)
    bad = ~(new_ll >= old_ll - slack)
    halvings = 0
    while bad.any() and halvings < 50:
        halvings += 1
        idx = np.flatnonzero(bad)
        step[idx] *= 0.5
        new_b[idx] = beta[idx] + step[idx, None] * delta[idx]
        new_e[idx] = np.minimum(new_b[idx] @ xt, _ETA_MAX)
        new_ll[idx] = _loglik_kernel(y[idx], new_e[idx], weight[idx])
        bad[idx] = ~(new_ll[idx] >= old_ll[idx] - slack[idx])
    return new_b, new_e, new_ll, step


def _newton(
    design: Design,
    y: FloatArray,
    active: BoolArray,
    weight: FloatArray,
    start: FloatArray | None,
) -> tuple[FloatArray, IntArray, BoolArray]:
    """Vectorised Newton-Raphson for all rows; converged rows leave the active set."""
    beta = _initial_beta(design, y, active, weight, start)
    eta = np.minimum(beta @ design.matrix.T, _ETA_MAX)
    ll = _loglik_kernel(y, eta, weight)
    iterations = np.zeros(y.shape[0], dtype=np.int64)
    converged = np.zeros(y.shape[0], dtype=np.bool_)
    live = np.arange(y.shape[0])
    pairs = _pair_mask(active)
    for _ in range(_MAX_ITER):
        if live.size == 0:
            break
        _, delta = _newton_direction(
            design, y[live], eta[live], weight[live], active[live], pairs[live]
        )
        new_b, new_e, new_ll, step = _take_step(
            design, y[live], weight[live], beta[live], delta, ll[live]
        )
        beta[live] = new_b
        eta[live] = new_e
        ll[live] = new_ll
        iterations[live] += 1
        done = np.max(np.abs(step[:, None] * delta), axis=1) < _NEWTON_TOL
        converged[live[done]] = True
        live = live[~done]
    return beta, iterations, converged


def _xlogx(values: FloatArray) -> FloatArray:
    safe = np.where(values > 0, values, 1.0)
    out: FloatArray = np.where(values > 0, values * np.log(safe), 0.0)
    return out


@dataclass(eq=False)
class SharedStarts:
    """Starting points shared by many (table, model) rows, one per *key*.

    A key is a model with one extended-MLE reduction (active columns and cell
    weights). Every row with that key starts Newton's method from the same
    coefficients ``beta`` (the model's fit to a reference table, restricted to the
    active columns), so it has the same fitted values ``mu`` there and hence the
    same Hessian ``H = X' diag(mu) X`` whatever its counts: ``H`` is inverted once
    per key. The first Newton step of every row then follows by matrix products,
    and later *chord* steps ``H^-1 X'(y - mu)`` with the same ``H`` tighten the
    likelihood bounds without a linear solve per row. Keys whose design is rank
    deficient on their cells (not identifiable) have ``identifiable`` False.
    """

    active: BoolArray
    weight: FloatArray
    beta: FloatArray
    eta: FloatArray
    mu: FloatArray
    inverse: FloatArray
    identifiable: BoolArray

    @classmethod
    def build(
        cls, design: Design, start: FloatArray, active: BoolArray, weight: FloatArray
    ) -> SharedStarts:
        """Keys from their start coefficients, active columns and cell weights."""
        beta = np.where(active, start, 0.0)
        eta = np.minimum(beta @ design.matrix.T, _ETA_MAX)
        mu = np.exp(eta) * weight
        identifiable = _full_rank(weight @ design.outer, active)
        hess = _masked_hessian(mu @ design.outer, active)
        hess[~identifiable] = np.eye(design.n_columns)
        inverse = np.asarray(np.linalg.inv(hess), dtype=np.float64)
        return cls(
            active=active,
            weight=weight,
            beta=beta,
            eta=eta,
            mu=mu,
            inverse=inverse,
            identifiable=identifiable,
        )

    def direction(
        self, design: Design, y: FloatArray, eta: FloatArray, keys: IntArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Fitted values, step ``G g`` and a dual point with the row's margins.

        ``G`` is the key's inverse Hessian and ``g`` the gradient. The point
        ``m = mu + mu_key X G g`` has exactly the margins ``X'y`` (``X' mu_key X G``
        is the identity on the active columns): at the start, where ``mu = mu_key``,
        it is the Newton dual point ``mu (1 + X delta)``.
        """
        x = design.matrix
        mu = np.exp(eta) * self.weight[keys]
        grad = ((y - mu) @ x) * self.active[keys]
        delta: FloatArray = np.matmul(self.inverse[keys], grad[:, :, None])[:, :, 0]
        m = mu + self.mu[keys] * (delta @ x.T)
        return mu, delta, m


def _threshold_candidates(
    hi: FloatArray, threshold: FloatArray, groups: IntArray, unknown: BoolArray
) -> IntArray:
    """Per group, the unchecked row with the smallest ``hi`` below the threshold."""
    cand = np.flatnonzero(unknown & (hi < threshold[groups]))
    if cand.size == 0:
        return cand
    order = cand[np.lexsort((hi[cand], groups[cand]))]
    first: IntArray = order[np.r_[True, groups[order][1:] != groups[order][:-1]]]
    return first


def best_per_group(
    design: Design,
    y: FloatArray,
    columns: BoolArray,
    penalty: FloatArray,
    groups: IntArray,
    n_groups: int,
    start: FloatArray | None = None,
    shared: SharedStarts | None = None,
    keys: IntArray | None = None,
) -> tuple[IntArray, FloatArray]:
    """For each group of rows, the row minimising ``-2 log L + penalty`` (exactly).

    Used to re-run exhaustive AIC/BIC selection on many tables: rows are (table,
    model) pairs grouped by table. Newton's method runs on all rows, and a row is
    dropped as soon as it provably cannot win its group: ``log L(beta)`` at the
    current iterate is a lower bound on the maximum, and by convex duality
    ``sum m log m - m`` is an upper bound for any non-negative ``m`` with the
    model's margins; ``m = mu + D X H^-1 X'(y - mu)`` has them for the Hessian
    ``H = X' D X`` behind a step (``m = mu (1 + X delta)`` for a Newton step). The
    existence check runs lazily, only for rows that can still win.
    ``shared`` with the key of every row (``keys``) replaces ``start``: rows start
    from their key's coefficients, the first step and ``_CHORD_STEPS`` chord steps
    use the key's Hessian (see :class:`SharedStarts`), and the existence check runs
    during those steps only for rows that would lower a group's threshold.
    Returns the winning row per group (-1 when none is estimable) and the
    coefficients of all rows (meaningful for the winners).
    """
    x = design.matrix
    n_rows = y.shape[0]
    status = np.full(n_rows, -1, dtype=np.int64)
    best_value = np.full(n_groups, np.inf)
    best_row = np.full(n_groups, -1, dtype=np.int64)
    beta = np.zeros((n_rows, design.n_columns))
    eta = np.zeros(y.shape)
    ll = np.zeros(n_rows)
    if shared is not None and keys is not None:
        active = shared.active[keys]
        weight = shared.weight[keys]
        odd = np.flatnonzero(~shared.identifiable[keys])
        if odd.size:
            status[odd] = check_rows(design, y[odd], columns[odd], active[odd], weight[odd])
            if np.any(status[odd] == STATUS_OK):  # pragma: no cover - rank tolerance edge
                return best_per_group(design, y, columns, penalty, groups, n_groups, start)
        live = np.flatnonzero(shared.identifiable[keys])
        beta[live] = shared.beta[keys[live]]
        eta[live] = shared.eta[keys[live]]
        chord_steps = _CHORD_STEPS
    else:
        shared = None
        active, weight = reduce_batch(design, y, columns)
        live = np.arange(n_rows)
        beta[live] = _initial_beta(
            design, y[live], active[live], weight[live], None if start is None else start[live]
        )
        eta[live] = np.minimum(beta[live] @ x.T, _ETA_MAX)
        chord_steps = 0
    ll[live] = _loglik_kernel(y[live], eta[live], weight[live])
    upper = np.full(n_rows, np.inf)
    for iteration in range(_MAX_ITER + chord_steps):
        if live.size == 0:
            break
        g = groups[live]
        lazy = shared is not None and keys is not None and iteration <= chord_steps
        with np.errstate(over="ignore", invalid="ignore"):
            if lazy:
                assert shared is not None
                assert keys is not None
                mu, delta, m = shared.direction(design, y[live], eta[live], keys[live])
            else:
                mu, delta = _newton_direction(
                    design, y[live], eta[live], weight[live], active[live]
                )
                m = mu * (1.0 + delta @ x.T)
            feasible = np.all((m >= 0) | (weight[live] == 0), axis=1)
            upper_ll = np.sum(weight[live] * (_xlogx(m) - m), axis=1)
        # Any earlier dual point of the row is still a valid bound.
        upper_ll = np.where(feasible & np.isfinite(upper_ll), upper_ll, np.inf)
        upper_ll = np.minimum(upper_ll, upper[live])
        upper[live] = upper_ll
        upper_ll = np.maximum(upper_ll, ll[live])
        hi = -2.0 * ll[live] + penalty[live]
        lo = -2.0 * upper_ll + penalty[live]
        # Only the first shared step is an exact Newton step; chord steps never
        # count as converged.
        done = np.max(np.abs(delta), axis=1) < _NEWTON_TOL
        if lazy and iteration > 0:
            done[:] = False
        keep = np.ones(live.size, dtype=np.bool_)
        while True:
            threshold = best_value.copy()
            ok_rows = keep & (status[live] == STATUS_OK)
            np.minimum.at(threshold, g[ok_rows], hi[ok_rows])
            margin = 1e-9 * np.maximum(np.abs(threshold[g]), 1.0)
            alive = keep & (lo <= threshold[g] + margin)
            unknown = alive & (status[live] == -1)
            if lazy:
                need = _threshold_candidates(hi, threshold, g, unknown & np.isfinite(hi))
                need = np.union1d(need, np.flatnonzero(unknown & done))
            else:
                need = np.flatnonzero(unknown)
            if need.size == 0:
                break
            rows = live[need]
            status[rows] = check_rows(design, y[rows], columns[rows], active[rows], weight[rows])
            keep[need] = status[rows] == STATUS_OK
        keep = alive
        finished = keep & done
        for idx in np.flatnonzero(finished):
            grp = g[idx]
            if hi[idx] < best_value[grp]:
                best_value[grp] = hi[idx]
                best_row[grp] = live[idx]
        step_rows = np.flatnonzero(keep & ~done)
        rows = live[step_rows]
        new_b, new_e, new_ll, _ = _take_step(
            design, y[rows], weight[rows], beta[rows], delta[step_rows], ll[rows]
        )
        beta[rows] = new_b
        eta[rows] = new_e
        ll[rows] = new_ll
        live = rows
    # Rows still live after the iteration limit did not converge: ignored.
    winners = best_row[best_row >= 0]
    if winners.size:
        # One more Newton step: the winners' estimates are then accurate far
        # beyond the convergence tolerance, whatever path led to them.
        _, delta = _newton_direction(
            design, y[winners], eta[winners], weight[winners], active[winners]
        )
        beta[winners], _, _, _ = _take_step(
            design, y[winners], weight[winners], beta[winners], delta, ll[winners]
        )
    return best_row, beta


def fit_batch(
    design: Design,
    y: FloatArray,
    columns: BoolArray,
    start: FloatArray | None = None,
) -> BatchFit:
    """Fit every row (counts ``y[i]``, model columns ``columns[i]``) by Newton's method.

    Newton-Raphson on the Poisson log-likelihood (equivalently IRLS with the
    canonical log link), with step halving whenever the likelihood would decrease.
    ``start`` optionally gives starting coefficients (warm start); otherwise one
    weighted least-squares step from ``mu = y + 0.5`` is used, as in GLM software.
    """
    y = np.ascontiguousarray(y, dtype=np.float64)
    n_rows = y.shape[0]
    p = design.n_columns
    x = design.matrix
    status, active, weight = check_batch(design, y, columns)
    beta = np.zeros((n_rows, p))
    iterations = np.zeros(n_rows, dtype=np.int64)
    todo = np.flatnonzero(status == STATUS_OK)
    if todo.size:
        b, its, converged = _newton(
            design, y[todo], active[todo], weight[todo], None if start is None else start[todo]
        )
        beta[todo] = b
        iterations[todo] = its
        status[todo[~converged]] = STATUS_NOT_CONVERGED
    eta = np.minimum(beta @ x.T, _ETA_MAX)
    fitted = np.exp(eta) * weight
    ok = status == STATUS_OK
    with np.errstate(divide="ignore", invalid="ignore"):
        log_fitted = np.where(fitted > 0, np.log(np.where(fitted > 0, fitted, 1.0)), 0.0)
        loglik = np.sum(y * log_fitted - fitted - log_factorial(y), axis=1)
        ratio = np.where(
            y > 0, y * np.log(np.where(y > 0, y, 1.0) / np.where(fitted > 0, fitted, 1.0)), 0.0
        )
        deviance = 2.0 * np.sum(weight * (ratio - (y - fitted)), axis=1)
    loglik[~ok] = np.nan
    deviance[~ok] = np.nan
    beta[~ok] = np.nan
    fitted[~ok] = np.nan
    n_params = columns.sum(axis=1).astype(np.int64)
    return BatchFit(
        design=design,
        y=y,
        columns=columns,
        active=active,
        cell_weight=weight,
        status=status,
        beta=beta,
        fitted=fitted,
        loglik=loglik,
        deviance=deviance,
        n_params=n_params,
        iterations=iterations,
    )


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class ModelFit:
    """The fit of one log-linear model to one capture table.

    ``unobserved`` is the estimated number of individuals on no list and ``total``
    the population estimate ``N``. ``parameters`` maps ``"(Intercept)"``, the list
    names and the interaction terms (``"A:B"``) to the estimated coefficients
    (``-inf`` for terms whose lists do not overlap). When ``status`` is not ``"ok"``
    the numbers are NaN and ``message`` says why.
    """

    model: Model
    lists: tuple[str, ...]
    status: str
    message: str
    observed: int
    unobserved: float
    total: float
    deviance: float
    loglik: float
    aic: float
    bic: float
    n_params: int
    parameters: dict[str, float]
    infinite_terms: tuple[str, ...]
    fitted: FloatArray
    iterations: int

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def terms(self) -> list[str]:
        return self.model.names(self.lists)

    def require_ok(self) -> ModelFit:
        """Return ``self`` or raise :class:`NotEstimableError`."""
        if not self.ok:
            raise NotEstimableError(
                f"model {self.model.label(self.lists)}: {self.message}", self.status
            )
        return self

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly summary (non-finite numbers become ``None``)."""

        def num(value: float) -> float | None:
            return value if math.isfinite(value) else None

        return {
            "model": self.terms,
            "status": self.status,
            "message": self.message,
            "observed": self.observed,
            "unobserved": num(self.unobserved),
            "estimate": num(self.total),
            "deviance": num(self.deviance),
            "aic": num(self.aic),
            "bic": num(self.bic),
            "n_params": self.n_params,
            "infinite_terms": list(self.infinite_terms),
            "parameters": {
                name: (value if math.isfinite(value) else str(value))
                for name, value in self.parameters.items()
            },
        }


def batch_to_fits(batch: BatchFit, models: Sequence[Model], lists: Sequence[str]) -> list[ModelFit]:
    """Turn batch rows (one per model) into :class:`ModelFit` objects."""
    names = tuple(lists)
    design = batch.design
    labels = [
        "(Intercept)",
        *names,
        *(term_name(c, names) for c in design.columns[len(names) + 1 :]),
    ]
    aic = batch.aic()
    bic = batch.bic()
    unobserved = batch.unobserved
    fits: list[ModelFit] = []
    for row, model in enumerate(models):
        code = int(batch.status[row])
        params: dict[str, float] = {}
        infinite: list[str] = []
        for j in np.flatnonzero(batch.columns[row]):
            if batch.active[row, j]:
                params[labels[j]] = float(batch.beta[row, j])
            else:
                params[labels[j]] = -math.inf if code == STATUS_OK else math.nan
                infinite.append(labels[j])
        observed = round(float(batch.y[row].sum()))
        fits.append(
            ModelFit(
                model=model,
                lists=names,
                status=STATUS_NAMES[code],
                message=STATUS_MESSAGES.get(code, ""),
                observed=observed,
                unobserved=float(unobserved[row]),
                total=float(observed + unobserved[row]),
                deviance=float(batch.deviance[row]),
                loglik=float(batch.loglik[row]),
                aic=float(aic[row]),
                bic=float(bic[row]),
                n_params=int(batch.n_params[row]),
                parameters=params,
                infinite_terms=tuple(infinite),
                fitted=batch.fitted[row].copy(),
                iterations=int(batch.iterations[row]),
            )
        )
    return fits


def fit_models(
    table: CaptureTable, models: Sequence[Model], counts: FloatArray | None = None
) -> list[ModelFit]:
    """Fit several models to one table (optionally to other ``counts``)."""
    if not models:
        return []
    design = design_for(table.k, models)
    y = table.counts.astype(np.float64) if counts is None else np.asarray(counts, dtype=np.float64)
    ys = np.broadcast_to(y, (len(models), y.shape[0]))
    batch = fit_batch(design, ys, design.column_mask(models))
    return batch_to_fits(batch, models, table.lists)


def fit_model(table: CaptureTable, model: Model) -> ModelFit:
    """Fit one model; check ``.ok`` or call ``.require_ok()`` on the result."""
    return fit_models(table, [model])[0]
