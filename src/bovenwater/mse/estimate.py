"""One-call population estimation: model selection, point estimate, interval, warnings."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

from bovenwater.mse.errors import MSEInputError
from bovenwater.mse.fitting import ModelFit
from bovenwater.mse.intervals import (
    BOOTSTRAP_KINDS,
    CI_METHODS,
    BootstrapResult,
    Interval,
    ProfileResult,
    bootstrap_population,
    profile_interval,
)
from bovenwater.mse.models import Model
from bovenwater.mse.selection import (
    DEFAULT_P_THRESHOLD,
    DEFAULT_STEPWISE_TAILS,
    Selection,
    SelectionSpec,
)
from bovenwater.mse.table import CaptureTable

ENGINE_VERSION = "1.1.0"
DEFAULT_BOOTSTRAP = 1000
SPARSE_LIST = 10
WIDE_RATIO = 2.0
DARK_RATIO = 5.0


@dataclass(eq=False)
class Estimate:
    """The result of :func:`estimate`: what the monitor and the CLI report."""

    table: CaptureTable
    method: str
    max_order: int
    p_threshold: float | None
    selection: Selection
    interval: Interval | None
    profile: ProfileResult | None
    bootstrap: BootstrapResult | None
    level: float
    seed: int | None
    warnings: list[str] = field(default_factory=list)

    @property
    def fit(self) -> ModelFit:
        return self.selection.best

    @property
    def observed(self) -> int:
        return self.table.observed

    @property
    def total(self) -> float:
        """The population estimate N (observed + estimated unobserved)."""
        return self.fit.total

    @property
    def unobserved(self) -> float:
        return self.fit.unobserved

    @property
    def model_terms(self) -> list[str]:
        return self.fit.terms

    def to_dict(self, top: int = 10) -> dict[str, object]:
        """JSON-friendly result (the CLI's ``--json`` output)."""
        interval = self.interval
        data: dict[str, object] = {
            "engine_version": ENGINE_VERSION,
            "lists": list(self.table.lists),
            "list_totals": self.table.list_totals(),
            "observed": self.observed,
            "estimate": _num(self.total),
            "unobserved": _num(self.unobserved),
            "ci_low": None if interval is None else _num(interval.low),
            "ci_high": None if interval is None else _num(interval.high),
            "ci_method": None if interval is None else interval.method,
            "ci_level": self.level,
            "model": self.model_terms,
            "method": self.method,
            "max_order": self.max_order,
            "p_threshold": self.p_threshold,
            "stepwise_tails": self.selection.tails,
            "seed": self.seed,
            "warnings": list(self.warnings),
            "fit": self.fit.to_dict(),
            "n_models": self.selection.n_models,
            "excluded_models": self.selection.excluded,
            "top_models": [
                {
                    "rank": rank,
                    "model": f.terms,
                    "estimate": _num(f.total),
                    "aic": _num(f.aic),
                    "bic": _num(f.bic),
                    "deviance": _num(f.deviance),
                }
                for rank, f in enumerate(self.selection.top(top), start=1)
            ],
            "steps": [
                {
                    "term": s.term,
                    "p_value": s.p_value,
                    "observed": s.observed,
                    "expected": s.expected,
                }
                for s in self.selection.steps
            ],
        }
        if self.profile is not None:
            data["profile"] = {
                "low": _num(self.profile.interval.low),
                "high": _num(self.profile.interval.high),
                "profile_mle": _num(self.profile.profile_mle),
            }
        if self.bootstrap is not None:
            boot = self.bootstrap
            pct = boot.percentile(self.level)
            bca = boot.bca(self.total, self.level)
            data["bootstrap"] = {
                "replications": boot.requested,
                "failed": boot.failed,
                "kind": boot.kind,
                "reselect": boot.reselect,
                "seed": boot.seed,
                "percentile": [_num(pct.low), _num(pct.high)],
                "bca": [_num(bca.low), _num(bca.high)],
                "acceleration": boot.acceleration(),
            }
        return data


def _num(value: float) -> float | None:
    return value if math.isfinite(value) else None


def estimate(
    table: CaptureTable,
    method: str = "bic",
    *,
    max_order: int = 2,
    p_threshold: float = DEFAULT_P_THRESHOLD,
    model: Model | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    ci: str | None = None,
    level: float = 0.95,
    reselect: bool = True,
    bootstrap_kind: str = "parametric",
    top: int | None = 50,
    tails: str = DEFAULT_STEPWISE_TAILS,
) -> Estimate:
    """Estimate the population size N of ``table``.

    ``method``: ``"bic"``/``"aic"`` (exhaustive search up to ``max_order``),
    ``"stepwise"`` (forward selection, ``p_threshold``; ``tails="both"`` is SparseMSE's
    two-tailed test, ``"upper"`` the one-sided variant) or ``"fixed"`` (``model``).
    ``ci``: ``"profile"`` (default without bootstrap), ``"percentile"`` or ``"bca"``
    (default with ``bootstrap > 0``; a bootstrap interval without ``bootstrap`` uses
    1,000 replicates). The profile interval of a selected model is conditional on
    that model; bootstrap with ``reselect`` includes model-selection uncertainty.
    Raises :class:`MSEInputError` for invalid arguments and
    :class:`NotEstimableError` when no estimate exists.
    """
    if model is not None and method != "fixed":
        raise MSEInputError("a model can only be given with method 'fixed'")
    if bootstrap < 0:
        raise MSEInputError(f"the number of bootstrap replications must be >= 0, got {bootstrap}")
    if ci is not None and ci not in CI_METHODS:
        raise MSEInputError(f"unknown interval method {ci!r} (use {', '.join(CI_METHODS)})")
    if bootstrap_kind not in BOOTSTRAP_KINDS:
        raise MSEInputError(
            f"unknown bootstrap kind {bootstrap_kind!r} (use {', '.join(BOOTSTRAP_KINDS)})"
        )
    if not 0.0 < level < 1.0:
        raise MSEInputError(f"the confidence level must be between 0 and 1, got {level}")
    if ci is None:
        ci = "bca" if bootstrap > 0 else "profile"
    if ci in ("percentile", "bca") and bootstrap == 0:
        bootstrap = DEFAULT_BOOTSTRAP
    spec = SelectionSpec(
        method=method, max_order=max_order, p_threshold=p_threshold, model=model, tails=tails
    )
    selection = spec.select(table, top=top)
    fit = selection.best
    warnings = data_warnings(table) + model_warnings(fit, selection)
    profile: ProfileResult | None = None
    boot: BootstrapResult | None = None
    interval: Interval | None = None
    if ci == "profile":
        profile = profile_interval(table, fit.model, fit.total, level)
        interval = profile.interval
        if profile.upper_unbounded:
            warnings.append(
                "the profile likelihood does not fall enough for large N: the upper limit "
                "of the interval is unbounded"
            )
        if method != "fixed":
            warnings.append(
                "the profile interval is conditional on the selected model and ignores the "
                "uncertainty of the model choice; a bootstrap interval includes it"
            )
    if bootstrap > 0:
        boot = bootstrap_population(
            table,
            spec,
            selection,
            bootstrap,
            seed=seed,
            reselect=reselect,
            kind=bootstrap_kind,
        )
        if boot.failed:
            warnings.append(
                f"{boot.failed} of {boot.requested} bootstrap replicates had no estimable "
                "model and were left out"
            )
        if ci == "percentile":
            interval = boot.percentile(level)
        elif ci == "bca":
            interval = boot.bca(fit.total, level)
    if interval is not None:
        warnings.extend(interval_warnings(interval, fit.total))
    return Estimate(
        table=table,
        method=method,
        max_order=selection.max_order if method == "fixed" else max_order,
        p_threshold=p_threshold if method == "stepwise" else None,
        selection=selection,
        interval=interval,
        profile=profile,
        bootstrap=boot,
        level=level,
        seed=seed,
        warnings=warnings,
    )


def data_warnings(table: CaptureTable) -> list[str]:
    """Plain-language warnings about sparse lists and lists that never overlap."""
    out: list[str] = []
    totals = table.list_totals()
    for name, total in totals.items():
        if total < SPARSE_LIST:
            out.append(f"list {name} has only {total} individuals: estimates are fragile")
    patterns = table.patterns()
    counts = table.counts
    for i, j in combinations(range(table.k), 2):
        both = int(counts[(patterns[:, i] == 1) & (patterns[:, j] == 1)].sum())
        if both == 0:
            out.append(f"lists {table.lists[i]} and {table.lists[j]} have no individual in common")
    return out


def model_warnings(fit: ModelFit, selection: Selection) -> list[str]:
    """Warnings about the chosen model and the model search."""
    out: list[str] = []
    for term in fit.infinite_terms:
        out.append(
            f"interaction {term} has no observed overlap: its parameter is -infinity "
            "(extended maximum likelihood)"
        )
    if selection.excluded:
        out.append(
            f"{selection.excluded} of {selection.n_models} models were left out because their "
            "maximum likelihood estimate does not exist or is not identifiable"
        )
    if fit.unobserved > (DARK_RATIO - 1.0) * fit.observed:
        out.append(
            f"the estimate is more than {DARK_RATIO:g} times the observed number: it rests "
            "heavily on the model assumptions"
        )
    return out


def interval_warnings(interval: Interval, total: float) -> list[str]:
    """Warn about wide intervals."""
    if not math.isfinite(interval.high) or interval.high > WIDE_RATIO * max(interval.low, 1.0):
        return [
            f"the {interval.level:.0%} interval is wide (upper limit more than "
            f"{WIDE_RATIO:g} times the lower): treat the estimate of {total:,.0f} as rough"
        ]
    return []
