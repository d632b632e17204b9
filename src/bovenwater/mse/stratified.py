"""Stratified estimates: one MSE per stratum (year, form of exploitation) and a total.

Capture probabilities and list dependence often differ between strata, so the
estimate per stratum is made separately and the total is their sum. Its interval
comes from the bootstrap: the strata are resampled independently with the same
number of replicates, replicate ``b`` of the total is the sum of the replicates
``b`` of the strata, and the percentile or BCa interval is taken of those sums.
For BCa the jackknife leaves out one individual of one stratum at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from bovenwater.mse.errors import MSEInputError
from bovenwater.mse.estimate import DEFAULT_BOOTSTRAP, Estimate, estimate
from bovenwater.mse.fitting import FloatArray
from bovenwater.mse.intervals import Interval, acceleration, bca_interval
from bovenwater.mse.models import Model
from bovenwater.mse.selection import DEFAULT_P_THRESHOLD
from bovenwater.mse.table import CaptureTable


@dataclass(eq=False)
class StratifiedEstimate:
    """Per-stratum estimates and the summed total with its interval."""

    strata: dict[str, Estimate]
    total: float
    observed: int
    interval: Interval
    replicates: FloatArray
    warnings: list[str]

    def to_dict(self) -> dict[str, object]:
        return {
            "observed": self.observed,
            "estimate": self.total,
            "ci_low": self.interval.low,
            "ci_high": self.interval.high,
            "ci_method": self.interval.method,
            "ci_level": self.interval.level,
            "warnings": list(self.warnings),
            "strata": {name: est.to_dict(top=3) for name, est in self.strata.items()},
        }


def estimate_stratified(
    tables: Mapping[str, CaptureTable],
    method: str = "bic",
    *,
    max_order: int = 2,
    p_threshold: float = DEFAULT_P_THRESHOLD,
    models: Mapping[str, Model] | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int | None = None,
    ci: str = "percentile",
    level: float = 0.95,
    reselect: bool = True,
    bootstrap_kind: str = "parametric",
) -> StratifiedEstimate:
    """Estimate every stratum (``tables`` maps a label to a CaptureTable) and the total.

    ``models`` gives the model per stratum for ``method="fixed"``. Each stratum's own
    interval uses ``ci`` as well. Seeds of the strata are derived from ``seed`` so
    the whole result is reproducible.
    """
    if not tables:
        raise MSEInputError("no strata given")
    if ci not in ("percentile", "bca"):
        raise MSEInputError("the interval of a stratified total needs ci 'percentile' or 'bca'")
    if bootstrap < 1:
        raise MSEInputError("a stratified total needs bootstrap replications (>= 1)")
    names = list(tables)
    seeds = [
        int(child.generate_state(1)[0]) for child in np.random.SeedSequence(seed).spawn(len(names))
    ]
    strata: dict[str, Estimate] = {}
    for name, child_seed in zip(names, seeds, strict=True):
        table = tables[name]
        model = None if models is None else models.get(name)
        strata[name] = estimate(
            table,
            method,
            max_order=max_order,
            p_threshold=p_threshold,
            model=model,
            bootstrap=bootstrap,
            seed=child_seed,
            ci=ci,
            level=level,
            reselect=reselect,
            bootstrap_kind=bootstrap_kind,
            top=5,
        )
    total = float(sum(e.total for e in strata.values()))
    observed = sum(e.observed for e in strata.values())
    stacked = np.vstack([_replicates(e) for e in strata.values()])
    sums = stacked.sum(axis=0)
    valid = np.isfinite(sums)
    replicates = sums[valid]
    warnings: list[str] = []
    if not valid.all():
        warnings.append(
            f"{int(np.sum(~valid))} of {sums.size} bootstrap replicates of the total were left "
            "out because a stratum had no estimable model"
        )
    for name, est in strata.items():
        warnings.extend(f"{name}: {w}" for w in est.warnings)
    if ci == "percentile":
        alpha = (1.0 - level) / 2.0
        low, high = np.quantile(replicates, [alpha, 1.0 - alpha])
        interval = Interval(float(low), float(high), "percentile", level)
    else:
        jack_values: list[FloatArray] = []
        jack_weights: list[FloatArray] = []
        for est in strata.values():
            boot = est.bootstrap
            assert boot is not None
            jack_values.append(total - est.total + boot.jackknife)
            jack_weights.append(boot.jackknife_weights)
        accel = acceleration(np.concatenate(jack_values), np.concatenate(jack_weights))
        low, high = bca_interval(replicates, total, accel, level)
        interval = Interval(low, high, "bca", level)
    return StratifiedEstimate(
        strata=strata,
        total=total,
        observed=observed,
        interval=interval,
        replicates=replicates,
        warnings=warnings,
    )


def _replicates(est: Estimate) -> FloatArray:
    boot = est.bootstrap
    if boot is None:  # pragma: no cover - estimate() always bootstraps for these ci values
        raise MSEInputError("stratum without bootstrap replicates")
    return boot.all_replicates
