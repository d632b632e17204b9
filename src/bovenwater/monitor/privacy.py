"""Differential privacy for the open-data release, with the OpenDP library.

The release reads count tables, not registrations, so the noise is added to count
vectors. What OpenDP needs to know is how much one registration can change such a
vector (its L1 sensitivity), which follows from how ``monitor/counts.py`` counts: a
registration adds one to exactly one cell of a single-valued table of its year (total,
melder, minor, gender, nationality group, nationality, police unit), and at most one to
every cell of a multi-valued table (form, method), so there the sensitivity is the
number of codes of that table. Registrations of different years are in different cells,
so the years compose in parallel and a release spends its budget once, not once per year.

Budget split: the total epsilon is divided equally over the tables
(:func:`epsilon_share`, exact in rational arithmetic, so the shares never add up to
more than the total); for each table OpenDP's binary search finds the smallest noise
scale of the discrete Laplace mechanism whose privacy map stays within the share, and
the epsilon the release records is the sum of those maps. The guarantee is pure
epsilon-DP (delta = 0) with add/remove-one-registration as the neighbouring relation;
a person with several registrations is protected with a multiple of epsilon.

The discrete Laplace mechanism is in OpenDP's ``contrib`` feature set (its proof is
written but not yet vetted), which this module enables. OpenDP draws noise from the
operating system's secure random source and takes no seed, so tests check statistical
properties instead of fixed outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib.metadata import version

import opendp.prelude as dp

dp.enable_features("contrib")

MECHANISM = "discrete Laplace"
ALPHA = 0.05  # the margin shown on the page covers 95 % of the cells


def library() -> str:
    return f"OpenDP {version('opendp')}"


@dataclass(frozen=True)
class TablePlan:
    """How one table of a release is made private."""

    stat: str
    cells: int  # cells per year (the size of the count vector)
    sensitivity: int  # L1: how much one registration can change the vector
    scale: float  # of the discrete Laplace noise
    epsilon: float  # OpenDP's privacy map at ``sensitivity``

    def margin(self) -> int:
        """95 % of the noisy cells are within this distance of the true count."""
        return math.floor(float(dp.discrete_laplacian_scale_to_accuracy(self.scale, ALPHA)))

    def as_dict(self) -> dict[str, int | float]:
        return {
            "cells": self.cells,
            "sensitivity": self.sensitivity,
            "scale": self.scale,
            "epsilon": self.epsilon,
            "margin_95": self.margin(),
        }


def epsilon_share(total: float, parts: int) -> float:
    """The largest float ``share`` with ``parts * share <= total``, exactly."""
    if parts < 1 or not 0 < total < math.inf:
        raise ValueError("The budget must be positive and split over at least one table.")
    share = total / parts
    while Fraction(share) * parts > Fraction(total):
        share = math.nextafter(share, 0.0)
    return share


def count_measurement(cells: int, scale: float) -> dp.Measurement:
    """OpenDP's discrete Laplace mechanism on an integer count vector of ``cells``."""
    space = dp.vector_domain(dp.atom_domain(T=int), size=cells), dp.l1_distance(T=int)
    measurement: dp.Measurement = space >> dp.m.then_laplace(scale=scale)
    return measurement


def privacy_map(measurement: dp.Measurement, d_in: int) -> float:
    """OpenDP's privacy map: the epsilon ``measurement`` spends on inputs ``d_in`` apart."""
    return float(measurement.map(d_in))  # type: ignore[no-untyped-call]


@lru_cache(maxsize=256)
def _scale(sensitivity: int, epsilon: float) -> float:
    return float(
        dp.binary_search_param(
            lambda s: count_measurement(1, s), d_in=sensitivity, d_out=epsilon, T=float
        )
    )


def plan_table(stat: str, *, cells: int, sensitivity: int, epsilon: float) -> TablePlan:
    """The smallest noise that keeps ``stat`` within ``epsilon`` (checked by OpenDP)."""
    scale = _scale(sensitivity, epsilon)
    spent = privacy_map(count_measurement(max(cells, 1), scale), sensitivity)
    if spent > epsilon:  # binary_search_param promises this; refuse rather than overspend
        raise ValueError(f"OpenDP's map for {stat} exceeds its share of the budget.")
    return TablePlan(stat, cells, sensitivity, scale, spent)


def plan_release(
    tables: Sequence[tuple[str, int, int]], *, epsilon: float
) -> tuple[list[TablePlan], float]:
    """Plans for ``(stat, cells, sensitivity)`` tables and the epsilon they spend together."""
    share = epsilon_share(epsilon, len(tables))
    plans = [
        plan_table(stat, cells=cells, sensitivity=sensitivity, epsilon=share)
        for stat, cells, sensitivity in tables
    ]
    total = sum((Fraction(plan.epsilon) for plan in plans), Fraction(0))
    if total > Fraction(epsilon):
        raise ValueError("The tables together exceed the privacy budget.")
    return plans, _round_up(total)


def _round_up(value: Fraction) -> float:
    """The smallest float not below ``value`` (a recorded epsilon must not understate)."""
    result = float(value)
    if Fraction(result) < value:
        result = math.nextafter(result, math.inf)
    return result


def noisy_counts(counts: Sequence[int], scale: float) -> list[int]:
    """Every count plus independent discrete Laplace noise: unbiased, may be negative."""
    if not counts:
        return []
    return [int(c) for c in count_measurement(len(counts), scale)([int(c) for c in counts])]


def non_negative(noisy: Sequence[int]) -> list[int]:
    """Post-processing (costs no privacy): a negative noisy count is published as 0."""
    return [max(0, c) for c in noisy]
