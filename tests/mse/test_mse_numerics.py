"""The SciPy-free numerics of a single estimate agree with SciPy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln, pdtr, pdtrc
from scipy.stats import chi2, norm

from bovenwater.mse.numerics import (
    bounded_minimum,
    brent_root,
    chi2_1_ppf,
    log_factorial,
    normal_cdf,
    normal_ppf,
    poisson_tails,
    poisson_tails_array,
)


def test_poisson_tails_match_scipy_across_both_regimes() -> None:
    for m in (0.3, 4.0, 11.53, 23.06, 180.0, 1_500.0, 9_000.0):
        for n in sorted({0, 1, 2, int(m / 3), int(m) - 1, int(m), int(m) + 1, int(2 * m) + 5}):
            if n < 0:
                continue
            lower, upper = poisson_tails(n, m)
            want_lower = float(pdtr(n, m))
            want_upper = 1.0 if n == 0 else float(pdtrc(n - 1, m))
            assert lower == pytest.approx(want_lower, rel=1e-10, abs=1e-300)
            assert upper == pytest.approx(want_upper, rel=1e-10, abs=1e-300)
    assert poisson_tails(0, 1_200.0) == (0.0, 1.0)  # exp(-1200) underflows, as in R
    assert poisson_tails(3, 0.0) == (1.0, 0.0)
    small = poisson_tails_array(np.array([2.0, 34.0]), np.array([11.5, 23.0]))
    large = poisson_tails_array(np.full(300, 34.0), np.full(300, 23.0))
    assert small[1][1] == pytest.approx(large[1][0], rel=1e-10)


def test_log_factorial_normal_and_chi2_match_scipy() -> None:
    y = np.array([[0.0, 1.0, 5.0, 170.0, 2_744.0]])
    assert np.allclose(log_factorial(y), gammaln(y + 1.0), rtol=1e-13)
    big = np.tile(y, (20_000, 1))
    assert np.allclose(log_factorial(big), gammaln(big + 1.0), rtol=1e-13)
    for p in (0.001, 0.025, 0.3, 0.5, 0.975):
        assert normal_ppf(p) == pytest.approx(float(norm.ppf(p)), rel=1e-12)
        assert normal_cdf(normal_ppf(p)) == pytest.approx(p, rel=1e-12)
    for level in (0.8, 0.95, 0.99):
        assert chi2_1_ppf(level) == pytest.approx(float(chi2.ppf(level, df=1)), rel=1e-12)


def test_brent_root_and_minimum_match_scipy() -> None:
    def f(x: float) -> float:
        return math.log(x) - 2.0 + 0.1 * x

    assert brent_root(f, 0.5, 50.0, 1e-12, 1e-14) == pytest.approx(brentq(f, 0.5, 50.0), rel=1e-11)
    with pytest.raises(ValueError, match="opposite signs"):
        brent_root(f, 20.0, 50.0, 1e-12, 1e-14)

    def g(x: float) -> float:
        return (x - 3.7) ** 2 + math.sin(x)

    want = minimize_scalar(g, bounds=(0.0, 10.0), method="bounded", options={"xatol": 1e-10}).x
    assert bounded_minimum(g, 0.0, 10.0, 1e-10) == pytest.approx(want, abs=1e-7)
    # A minimum at the edge of the interval.
    assert bounded_minimum(lambda x: x, 2.0, 5.0, 1e-9) == pytest.approx(2.0, abs=1e-6)
