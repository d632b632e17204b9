"""Multiple systems estimation (MSE): the hidden number behind overlapping registrations.

A pure NumPy/SciPy engine (no Django) for log-linear capture-recapture estimation
of a population size from k overlapping lists:

* :class:`CaptureTable` — validated overlap counts (``CaptureTable.from_csv``).
* :func:`estimate` — model selection (AIC/BIC over all hierarchical models, stepwise
  as in Chan, Silverman & Vincent 2021, or a fixed model), the estimate N, and a
  profile-likelihood or bootstrap (percentile/BCa) interval with warnings.
* :func:`estimate_stratified` — per-stratum estimates with a summed total.
* Lower level: :func:`fit_model`, :func:`select_exhaustive`, :func:`select_stepwise`,
  :func:`profile_interval`, :func:`bootstrap_population`.
"""

from __future__ import annotations

from bovenwater.mse.errors import MSEError, MSEInputError, NotEstimableError
from bovenwater.mse.estimate import ENGINE_VERSION, Estimate, estimate
from bovenwater.mse.fitting import ModelFit, fit_model, fit_models, mle_exists_lp
from bovenwater.mse.intervals import (
    BootstrapResult,
    Interval,
    ProfileResult,
    bootstrap_population,
    profile_interval,
)
from bovenwater.mse.models import Model, enumerate_models, parse_model
from bovenwater.mse.selection import (
    Selection,
    SelectionSpec,
    select_exhaustive,
    select_fixed,
    select_stepwise,
)
from bovenwater.mse.stratified import StratifiedEstimate, estimate_stratified
from bovenwater.mse.table import CaptureTable

__all__ = [
    "ENGINE_VERSION",
    "BootstrapResult",
    "CaptureTable",
    "Estimate",
    "Interval",
    "MSEError",
    "MSEInputError",
    "Model",
    "ModelFit",
    "NotEstimableError",
    "ProfileResult",
    "Selection",
    "SelectionSpec",
    "StratifiedEstimate",
    "bootstrap_population",
    "enumerate_models",
    "estimate",
    "estimate_stratified",
    "fit_model",
    "fit_models",
    "mle_exists_lp",
    "parse_model",
    "profile_interval",
    "select_exhaustive",
    "select_fixed",
    "select_stepwise",
]
