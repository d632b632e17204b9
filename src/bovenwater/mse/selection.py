"""Model selection for multiple systems estimation.

Three ways to choose the log-linear model:

* **Exhaustive search** over every hierarchical model up to a maximum interaction
  order, ranked by AIC or BIC (BIC with ``n`` = number of observed individuals), as in
  Silverman, Chan & Vincent (2024, Statistics and Computing 34:44). Models whose
  (extended) MLE does not exist or is not identifiable are excluded.
* **Stepwise forward selection** (Chan, Silverman & Vincent 2021, JASA §3.3), by
  default exactly as SparseMSE 2.0.1's ``stepwisefit`` (the authors' reference
  implementation): start from the main-effects model; for every interaction that may
  be added, the number ``n*`` of individuals on all of its lists is, under the current
  model, Poisson with mean ``m*`` = the sum of the fitted values of those cells. The
  candidate's p-value is ``min(P(X <= n*), P(X >= n*))`` for ``X ~ Poisson(m*)``
  (``tails="both"``): a pair that overlaps much *less* than expected is evidence of a
  (negative) dependence too, and a pair with no overlap at all is a candidate (its
  parameter is then ``-inf``, extended MLE). A candidate counts only when the model
  with it has an existing and identifiable (extended) MLE (SparseMSE's
  ``checkident``). The candidate with the smallest p-value is added while that
  p-value is below the threshold (default 0.02); equal p-values go to the candidate
  listed first, pairs in the order ``A:B, A:C, ..., B:C, ...``. As in SparseMSE, a
  threshold of 0 gives the main-effects model and a threshold of 1 the model with
  every pair when that model is estimable. ``tails="upper"`` uses only the upper
  tail ``P(X >= n*)`` (positive dependence only, the reading of the paper's text and
  of Bovenwater before 1.1.0); it can only add pairs that overlap more than
  expected. With ``max_order`` above 2 (an extension; SparseMSE has pairs only) a
  term of order ``r`` becomes a candidate once all its sub-terms of order ``r - 1``
  are in the model, after all pairs in the order of the design.
* A **fixed** model given by the user.

Every routine has a batched form working on many count vectors at once (bootstrap
replicates, jackknife tables), which is what makes re-selection in each bootstrap
replicate affordable.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bovenwater.mse.errors import MSEInputError, NotEstimableError
from bovenwater.mse.fitting import (
    STATUS_OK,
    BatchFit,
    BoolArray,
    Design,
    FloatArray,
    IntArray,
    ModelFit,
    SharedStarts,
    batch_to_fits,
    best_per_group,
    check_batch,
    fit_batch,
    get_design,
    initial_coefficients,
)
from bovenwater.mse.models import Model, check_max_order, enumerate_models, popcount
from bovenwater.mse.numerics import poisson_tails_array
from bovenwater.mse.table import CaptureTable

METHODS = ("bic", "aic", "stepwise", "fixed")
DEFAULT_P_THRESHOLD = 0.02
STEPWISE_TAILS = ("both", "upper")
DEFAULT_STEPWISE_TAILS = "both"
_CHUNK_ROWS = 8_192
_SHARED_BUDGET = 1 << 24


@dataclass(frozen=True)
class StepRecord:
    """One step of stepwise selection: the term added and its p-value."""

    term: str
    p_value: float
    observed: int
    expected: float


@dataclass(eq=False)
class Selection:
    """The outcome of a model selection on one table.

    ``ranking`` holds the estimable candidate models best first (for exhaustive
    search all of them; for stepwise and fixed only the chosen one). ``excluded``
    counts candidate models dropped because their MLE does not exist or is not
    identifiable.
    """

    method: str
    max_order: int
    best: ModelFit
    ranking: list[ModelFit]
    excluded: int
    n_models: int
    steps: list[StepRecord] = field(default_factory=list)
    p_threshold: float | None = None
    tails: str | None = None

    def top(self, count: int) -> list[ModelFit]:
        return self.ranking[:count]


# ------------------------------------------------------------------------ exhaustive


def criterion_values(batch: BatchFit, criterion: str) -> FloatArray:
    """AIC or BIC per row; ``inf`` for rows without a valid fit."""
    if criterion == "aic":
        values = batch.aic()
    elif criterion == "bic":
        values = batch.bic()
    else:
        raise MSEInputError(f"unknown criterion {criterion!r} (use 'aic' or 'bic')")
    return np.where(batch.status == STATUS_OK, values, np.inf)


def select_exhaustive(
    table: CaptureTable, criterion: str = "bic", max_order: int = 2, top: int | None = None
) -> Selection:
    """Fit every hierarchical model up to ``max_order`` and rank them by ``criterion``.

    ``top`` limits how many ranked :class:`ModelFit` objects are built (all when None).
    """
    check_max_order(table.k, max_order)
    models = enumerate_models(table.k, max_order)
    design = get_design(table.k, max_order)
    y = np.broadcast_to(table.counts.astype(np.float64), (len(models), table.n_cells))
    columns = design.column_mask(models)
    batch = fit_batch(design, y, columns)
    values = criterion_values(batch, criterion)
    order = np.argsort(values, kind="stable")
    n_ok = int(np.sum(np.isfinite(values)))
    if n_ok == 0:
        raise NotEstimableError(
            "no model up to this order has an existing and identifiable MLE for these data",
            "no_estimable_model",
        )
    chosen = order[: n_ok if top is None else min(top, n_ok)]
    fits = _fits_for_rows(batch, chosen, [models[i] for i in chosen], table.lists)
    return Selection(
        method=criterion,
        max_order=max_order,
        best=fits[0],
        ranking=fits,
        excluded=len(models) - n_ok,
        n_models=len(models),
    )


def _fits_for_rows(
    batch: BatchFit, rows: IntArray, models: Sequence[Model], lists: Sequence[str]
) -> list[ModelFit]:
    sub = BatchFit(
        design=batch.design,
        y=batch.y[rows],
        columns=batch.columns[rows],
        active=batch.active[rows],
        cell_weight=batch.cell_weight[rows],
        status=batch.status[rows],
        beta=batch.beta[rows],
        fitted=batch.fitted[rows],
        loglik=batch.loglik[rows],
        deviance=batch.deviance[rows],
        n_params=batch.n_params[rows],
        iterations=batch.iterations[rows],
    )
    return batch_to_fits(sub, models, lists)


@dataclass(eq=False)
class ExhaustiveSearch:
    """Batched exhaustive search for many count vectors over one model set.

    Keeps the column masks and, as starting points, the coefficients of the fits to
    the original table, so a bootstrap replicate needs only a few Newton steps per
    model, most of them without a linear solve per (replicate, model) pair (see
    :class:`~bovenwater.mse.fitting.SharedStarts`).
    """

    design: Design
    models: tuple[Model, ...]
    columns: BoolArray
    criterion: str
    start: FloatArray | None = None

    @classmethod
    def create(
        cls, k: int, max_order: int, criterion: str, reference: FloatArray | None = None
    ) -> ExhaustiveSearch:
        check_max_order(k, max_order)
        models = enumerate_models(k, max_order)
        design = get_design(k, max_order)
        columns = design.column_mask(models)
        search = cls(design=design, models=models, columns=columns, criterion=criterion)
        if reference is not None:
            y = np.broadcast_to(reference, (len(models), design.n_cells))
            batch = fit_batch(design, y, columns)
            start = np.where(batch.status[:, None] == STATUS_OK, batch.beta, np.nan)
            failed = np.flatnonzero(batch.status != STATUS_OK)
            if failed.size:
                # No MLE on the original table: start from one weighted least-squares
                # step on it instead (any finite start keeps the search exact).
                start[failed] = initial_coefficients(
                    design, y[failed], batch.active[failed], batch.cell_weight[failed]
                )
            search.start = np.nan_to_num(start, nan=0.0, posinf=0.0, neginf=0.0)
        return search

    def _patterns(self, ys: FloatArray) -> tuple[BoolArray, IntArray]:
        """The distinct zero-margin patterns of ``ys`` and the pattern of each row."""
        zero = (ys @ self.design.matrix) <= 0
        patterns, pattern_of_row = np.unique(zero, axis=0, return_inverse=True)
        return patterns, pattern_of_row.ravel().astype(np.int64)

    def _shared(self, patterns: BoolArray) -> tuple[SharedStarts, IntArray]:
        """Shared starts for every (zero-margin pattern, model) pair and their keys.

        The extended-MLE reduction of a (table, model) pair depends only on the
        model and on which margins of the table are zero, so a key is a model with
        one such reduction. Returns the keys as a ``(patterns, models)`` array.
        """
        assert self.start is not None
        design = self.design
        n_models = len(self.models)
        empty = self.columns[None, :, :] & patterns[:, None, :]
        active = (self.columns[None, :, :] & ~empty).reshape(-1, design.n_columns)
        removed = (empty.reshape(-1, design.n_columns).astype(np.float64) @ design.matrix.T) > 0
        model_ids = np.tile(np.arange(n_models, dtype=np.int64), patterns.shape[0])
        raw = np.concatenate(
            [
                model_ids[:, None].view(np.uint8),
                np.packbits(active, axis=1),
                np.packbits(removed, axis=1),
            ],
            axis=1,
        )
        packed = np.ascontiguousarray(raw).view(np.dtype((np.void, raw.shape[1])))[:, 0]
        _, first, key_of = np.unique(packed, return_index=True, return_inverse=True)
        shared = SharedStarts.build(
            design,
            self.start[model_ids[first]],
            active[first],
            (~removed[first]).astype(np.float64),
        )
        return shared, key_of.ravel().reshape(patterns.shape[0], n_models)

    def run(self, ys: FloatArray) -> tuple[FloatArray, IntArray]:
        """Best total and model index per row of ``ys`` (NaN / -1 when none fits).

        Exact: uses :func:`best_per_group`, which prunes models only when a bound
        proves they cannot win. BLAS runs single-threaded here: the matrices have a
        few dozen columns, so a second thread only adds synchronisation, and on a
        shared machine it doubles the CPU time for nothing.
        """

        # Lazy for start-up: a small table never gets here (tests/mse/test_mse_cli.py).
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # noqa: PLC0415

        with threadpool_limits(limits=1, user_api="blas"):
            return self._run(ys)

    def _run(self, ys: FloatArray) -> tuple[FloatArray, IntArray]:
        totals = np.full(ys.shape[0], np.nan)
        chosen = np.full(ys.shape[0], -1, dtype=np.int64)
        if self.start is None:
            self._run_rows(ys, np.arange(ys.shape[0]), None, None, totals, chosen)
            return totals, chosen
        patterns, pattern_of_row = self._patterns(ys)
        # Shared starts for a bounded number of (pattern, model) pairs at a time,
        # which bounds the memory of the inverted Hessians.
        p = self.design.n_columns
        per_group = max(1, _SHARED_BUDGET // (len(self.models) * p * p))
        for first in range(0, patterns.shape[0], per_group):
            shared, keys = self._shared(patterns[first : first + per_group])
            in_group = (pattern_of_row >= first) & (pattern_of_row < first + per_group)
            rows = np.flatnonzero(in_group)
            row_keys = keys[pattern_of_row[rows] - first]
            self._run_rows(ys, rows, shared, row_keys, totals, chosen)
        return totals, chosen

    def _run_rows(
        self,
        ys: FloatArray,
        rows: IntArray,
        shared: SharedStarts | None,
        keys: IntArray | None,
        totals: FloatArray,
        chosen: IntArray,
    ) -> None:
        """Search ``ys[rows]`` in chunks; ``keys`` gives each row's key per model."""
        n_models = len(self.models)
        per_chunk = max(1, _CHUNK_ROWS // n_models)
        n_params = self.columns.sum(axis=1).astype(np.float64)
        for lo in range(0, rows.size, per_chunk):
            index = rows[lo : lo + per_chunk]
            block = ys[index]
            r = block.shape[0]
            y = np.repeat(block, n_models, axis=0)
            columns = np.tile(self.columns, (r, 1))
            observed = block.sum(axis=1)
            if self.criterion == "bic":
                scale = np.log(np.maximum(observed, 1.0))
            else:
                scale = np.full(r, 2.0)
            penalty = (scale[:, None] * n_params[None, :]).ravel()
            groups = np.repeat(np.arange(r), n_models)
            best_row, beta = best_per_group(
                self.design,
                y,
                columns,
                penalty,
                groups,
                r,
                shared=shared,
                keys=None if keys is None else keys[lo : lo + r].ravel(),
            )
            found = best_row >= 0
            safe = np.where(found, best_row, 0)
            tot = observed + np.exp(beta[safe, 0])
            totals[index] = np.where(found, tot, np.nan)
            chosen[index] = np.where(found, safe - np.arange(r) * n_models, -1)


# -------------------------------------------------------------------------- stepwise


@functools.lru_cache(maxsize=16)
def _parents(design: Design) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """For every interaction column: its index and the indices of its sub-terms one
    order lower (empty for pairs, whose sub-terms are main effects)."""
    out: list[tuple[int, tuple[int, ...]]] = []
    for j, term in enumerate(design.columns):
        if popcount(term) < 2:
            continue
        subs = tuple(
            design.index[term & ~(1 << i)]
            for i in range(design.k)
            if term >> i & 1 and popcount(term) > 2
        )
        out.append((j, subs))
    return tuple(out)


def _candidate_columns(design: Design, current: BoolArray) -> BoolArray:
    """Columns (interaction terms) that may be added keeping the model hierarchical."""
    cand = np.zeros_like(current)
    for j, subs in _parents(design):
        allowed = ~current[:, j]
        for sub in subs:
            allowed &= current[:, sub]
        cand[:, j] = allowed
    return cand


def stepwise_p_values(observed: FloatArray, expected: FloatArray, tails: str) -> FloatArray:
    """Poisson p-values of the stepwise test for observed margins ``n*``, means ``m*``.

    ``tails="both"``: ``min(P(X <= n*), P(X >= n*))``, SparseMSE's statistic (each
    tail one-sided, the smaller taken, not doubled). ``tails="upper"``:
    ``P(X >= n*)``. ``X ~ Poisson(m*)``; a mean of 0 is the distribution at 0.
    """
    lower, upper = poisson_tails_array(observed, expected)
    if tails == "upper":
        return upper
    both: FloatArray = np.minimum(lower, upper)
    return both


def check_tails(tails: str) -> None:
    if tails not in STEPWISE_TAILS:
        raise MSEInputError(f"unknown stepwise test {tails!r} (use {' or '.join(STEPWISE_TAILS)})")


def stepwise_batch(
    design: Design, ys: FloatArray, p_threshold: float, tails: str = DEFAULT_STEPWISE_TAILS
) -> tuple[BatchFit, BoolArray, list[list[StepRecord]]]:
    """Forward stepwise selection for every row of ``ys`` at once.

    Returns the final batch fit, the final column masks and, per row, the steps
    (term names use ``A``, ``B``, ... placeholders replaced by the caller). The rule
    is SparseMSE's ``stepwisefit`` (see the module docstring).
    """
    check_tails(tails)
    n_rows = ys.shape[0]
    x = design.matrix
    current = np.zeros((n_rows, design.n_columns), dtype=np.bool_)
    current[:, : design.k + 1] = True
    steps: list[list[StepRecord]] = [[] for _ in range(n_rows)]
    pending = np.ones(n_rows, dtype=np.bool_)
    if p_threshold >= 1.0:
        # SparseMSE: with threshold 1 the model with every term, when it is estimable.
        full = np.ones((n_rows, design.n_columns), dtype=np.bool_)
        status, _, _ = check_batch(design, ys, full)
        done = status == STATUS_OK
        current[done] = True
        pending = ~done
    batch = fit_batch(design, ys, current)
    live = np.flatnonzero((batch.status == STATUS_OK) & pending)
    observed_margins = ys @ x
    while live.size:
        cand = _candidate_columns(design, current[live])
        expected = batch.fitted[live] @ x
        observed = observed_margins[live]
        pvals = np.full(cand.shape, np.inf)
        pvals[cand] = stepwise_p_values(observed[cand], expected[cand], tails)
        pvals = np.where(pvals < p_threshold, pvals, np.inf)
        rows_idx, cols_idx = np.nonzero(np.isfinite(pvals))
        if rows_idx.size == 0:
            break
        # Existence check only where it can matter: a candidate at or above the
        # threshold is never added (SparseMSE sets a failing candidate's p to 1).
        trial = current[live][rows_idx].copy()
        trial[np.arange(rows_idx.size), cols_idx] = True
        status, _, _ = check_batch(design, ys[live][rows_idx], trial)
        failed = status != STATUS_OK
        pvals[rows_idx[failed], cols_idx[failed]] = np.inf
        # argmin takes the first of equal p-values: the lowest column, which for
        # pairs is SparseMSE's order A:B, A:C, ..., B:C, ...
        pick = np.argmin(pvals, axis=1)
        best_p = pvals[np.arange(live.size), pick]
        advance = np.isfinite(best_p)
        if not advance.any():
            break
        rows = live[advance]
        picks = pick[advance]
        for row, col, pv in zip(rows, picks, best_p[advance], strict=True):
            steps[row].append(
                StepRecord(
                    term=str(design.columns[col]),
                    p_value=float(pv),
                    observed=int(observed_margins[row, col]),
                    expected=float(batch.fitted[row] @ x[:, col]),
                )
            )
        current[rows, picks] = True
        start = batch.beta[rows].copy()
        start[np.arange(rows.size), picks] = 0.0
        refit = fit_batch(design, ys[rows], current[rows], start=start)
        _replace_rows(batch, refit, rows)
        live = rows[refit.status == STATUS_OK]
    return batch, current, steps


def _replace_rows(batch: BatchFit, new: BatchFit, rows: IntArray) -> None:
    for name in (
        "columns",
        "active",
        "cell_weight",
        "status",
        "beta",
        "fitted",
        "loglik",
        "deviance",
        "n_params",
        "iterations",
    ):
        getattr(batch, name)[rows] = getattr(new, name)


def _model_from_columns(design: Design, row: BoolArray) -> Model:
    return Model.of(
        design.columns[j] for j in np.flatnonzero(row) if popcount(design.columns[j]) >= 2
    )


def select_stepwise(
    table: CaptureTable,
    p_threshold: float = DEFAULT_P_THRESHOLD,
    max_order: int = 2,
    tails: str = DEFAULT_STEPWISE_TAILS,
) -> Selection:
    """Stepwise forward selection (Chan, Silverman & Vincent 2021; SparseMSE's rule)."""
    if not 0.0 <= p_threshold <= 1.0:
        raise MSEInputError(f"the p-value threshold must be between 0 and 1, got {p_threshold}")
    check_tails(tails)
    check_max_order(table.k, max_order)
    design = get_design(table.k, max_order)
    ys = table.counts.astype(np.float64)[None, :]
    batch, current, steps = stepwise_batch(design, ys, p_threshold, tails)
    model = _model_from_columns(design, current[0])
    fit = batch_to_fits(batch, [model], table.lists)[0]
    if not fit.ok:
        raise NotEstimableError(
            f"the main-effects model cannot be estimated: {fit.message}", fit.status
        )
    records = [
        StepRecord(
            term=Model.of([int(s.term)]).names(table.lists)[-1],
            p_value=s.p_value,
            observed=s.observed,
            expected=s.expected,
        )
        for s in steps[0]
    ]
    return Selection(
        method="stepwise",
        max_order=max_order,
        best=fit,
        ranking=[fit],
        excluded=0,
        n_models=1,
        steps=records,
        p_threshold=p_threshold,
        tails=tails,
    )


# ----------------------------------------------------------------------------- fixed


def select_fixed(table: CaptureTable, model: Model) -> Selection:
    """Fit a model given by the user; raise NotEstimableError when it has no MLE."""
    design = get_design(table.k, max(model.max_order, 1))
    ys = table.counts.astype(np.float64)[None, :]
    batch = fit_batch(design, ys, design.column_mask([model]))
    fit = batch_to_fits(batch, [model], table.lists)[0].require_ok()
    return Selection(
        method="fixed",
        max_order=model.max_order,
        best=fit,
        ranking=[fit],
        excluded=0,
        n_models=1,
    )


@dataclass(frozen=True)
class SelectionSpec:
    """How to choose the model; reused unchanged in every bootstrap replicate."""

    method: str
    max_order: int = 2
    p_threshold: float = DEFAULT_P_THRESHOLD
    model: Model | None = None
    tails: str = DEFAULT_STEPWISE_TAILS

    def __post_init__(self) -> None:
        check_tails(self.tails)
        if self.method not in METHODS:
            raise MSEInputError(f"unknown method {self.method!r} (use {', '.join(METHODS)})")
        if self.method == "fixed" and self.model is None:
            raise MSEInputError("method 'fixed' needs a model, e.g. --model \"A:B,A:C\"")

    def select(self, table: CaptureTable, top: int | None = None) -> Selection:
        if self.method in ("aic", "bic"):
            return select_exhaustive(table, self.method, self.max_order, top=top)
        if self.method == "stepwise":
            return select_stepwise(table, self.p_threshold, self.max_order, self.tails)
        assert self.model is not None
        return select_fixed(table, self.model)


class BatchEstimator:
    """Re-run a :class:`SelectionSpec` on many count vectors: returns totals ``N``.

    With ``reselect=False`` the model chosen on the original table is refitted
    (a "fixed model" bootstrap).
    """

    def __init__(
        self, table: CaptureTable, spec: SelectionSpec, selected: Model, reselect: bool
    ) -> None:
        self.spec = spec
        self.k = table.k
        self.reference = table.counts.astype(np.float64)
        self.mode = spec.method if reselect else "fixed"
        self.selected = selected
        self._search: ExhaustiveSearch | None = None
        if self.mode in ("aic", "bic"):
            self._search = ExhaustiveSearch.create(
                table.k, spec.max_order, self.mode, reference=self.reference
            )
        order = spec.max_order if self.mode != "fixed" else max(selected.max_order, 1)
        self.design = get_design(table.k, order)
        self._fixed_columns = self.design.column_mask([selected])
        ref = fit_batch(self.design, self.reference[None, :], self._fixed_columns)
        self._fixed_start = np.where(ref.status[:, None] == STATUS_OK, ref.beta, np.nan)

    def totals(self, ys: FloatArray) -> FloatArray:
        """Estimated total population for each row of ``ys``; NaN when not estimable."""
        if self._search is not None:
            best, _ = self._search.run(ys)
            return best
        if self.mode == "stepwise":
            out = np.empty(ys.shape[0])
            for lo in range(0, ys.shape[0], 2048):
                batch, _, _ = stepwise_batch(
                    self.design, ys[lo : lo + 2048], self.spec.p_threshold, self.spec.tails
                )
                out[lo : lo + 2048] = batch.total
            return out
        n = ys.shape[0]
        columns = np.repeat(self._fixed_columns, n, axis=0)
        start = np.repeat(self._fixed_start, n, axis=0)
        batch = fit_batch(self.design, ys, columns, start=start)
        fixed: FloatArray = batch.total
        return fixed
