"""Small numerical routines, so that a single estimate does not need SciPy.

Importing SciPy's ``stats`` or ``optimize`` costs several tenths of a second of CPU,
more than a whole estimate on a small table. The routines here cover what one
estimate needs (log factorials, the normal and chi-squared(1) quantiles, Poisson
tails, Brent's root finder and bounded minimiser); batched work on large arrays
(bootstrap, exhaustive search over thousands of models) still uses SciPy, imported
on first use, where its vectorised code pays for its import.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

_STANDARD_NORMAL = NormalDist()
_SMALL = 65_536  # below this many values the pure-Python paths are the faster ones


def log_factorial(y: FloatArray) -> FloatArray:
    """``log(y!)`` = ``lgamma(y + 1)`` element-wise (``y`` >= 0)."""
    values = np.asarray(y, dtype=np.float64)
    if values.size > _SMALL:
        from scipy.special import gammaln  # noqa: PLC0415 - SciPy costs ~0.5 s to import; only large tables need it

        large: FloatArray = gammaln(values + 1.0)
        return large
    distinct, inverse = np.unique(values, return_inverse=True)
    logs = np.array([math.lgamma(float(v) + 1.0) for v in distinct], dtype=np.float64)
    out: FloatArray = logs[inverse].reshape(values.shape)
    return out


def normal_ppf(p: float) -> float:
    """Quantile of the standard normal distribution."""
    return _STANDARD_NORMAL.inv_cdf(p)


def normal_cdf(x: float) -> float:
    """Distribution function of the standard normal distribution."""
    return _STANDARD_NORMAL.cdf(x)


def chi2_1_ppf(level: float) -> float:
    """Quantile of the chi-squared distribution with one degree of freedom."""
    return normal_ppf(0.5 + level / 2.0) ** 2


def _poisson_log_pmf(n: int, m: float) -> float:
    return n * math.log(m) - m - math.lgamma(n + 1.0)


def poisson_tails(n: int, m: float) -> tuple[float, float]:
    """``(P(X <= n), P(X >= n))`` for ``X ~ Poisson(m)``, ``n >= 0``.

    The smaller side is summed term by term from ``n`` outwards (the terms fall
    geometrically or faster), the other side is its complement plus ``P(X = n)``,
    so neither tail loses precision to cancellation when it is small.
    """
    if m <= 0.0:
        return 1.0, (1.0 if n == 0 else 0.0)
    pmf = math.exp(_poisson_log_pmf(n, m))
    if n < m:
        # lower = sum_{x <= n} P(X = x): ratio P(x - 1) / P(x) = x / m < 1
        total = term = pmf
        x = n
        while x > 0:
            term *= x / m
            total += term
            if term <= total * 1e-17:
                break
            x -= 1
        lower = min(total, 1.0)
        upper = min(max(1.0 - lower + pmf, 0.0), 1.0)
        return lower, upper
    # upper = sum_{x >= n} P(X = x): ratio P(x + 1) / P(x) = m / (x + 1) < 1
    total = term = pmf
    x = n
    while term > total * 1e-17:
        x += 1
        term *= m / x
        total += term
    upper = min(total, 1.0)
    lower = min(max(1.0 - upper + pmf, 0.0), 1.0)
    return lower, upper


def poisson_tails_array(
    observed: FloatArray, expected: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """:func:`poisson_tails` element-wise (SciPy's ``pdtr``/``pdtrc`` for large arrays)."""
    n = np.asarray(observed, dtype=np.float64)
    m = np.maximum(np.asarray(expected, dtype=np.float64), 0.0)
    if n.size > 256:
        from scipy.special import pdtr, pdtrc  # noqa: PLC0415 - SciPy costs ~0.5 s to import; only large tables need it

        with np.errstate(invalid="ignore"):
            upper = np.where(n > 0, pdtrc(np.maximum(n - 1.0, 0.0), m), 1.0)
            lower = pdtr(n, m)
        return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)
    lower_out = np.empty(n.shape)
    upper_out = np.empty(n.shape)
    for index in np.ndindex(n.shape):
        lower_out[index], upper_out[index] = poisson_tails(int(n[index]), float(m[index]))
    return lower_out, upper_out


def brent_root(
    f: Callable[[float], float], a: float, b: float, xtol: float, rtol: float, maxiter: int = 200
) -> float:
    """A root of ``f`` in ``[a, b]`` (``f(a)``, ``f(b)`` of opposite sign) by Brent's
    method (Brent 1973, ch. 4): inverse quadratic interpolation, secant steps and
    bisection, to within ``xtol + rtol * |x|``."""
    fa, fb = f(a), f(b)
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    if (fa > 0) == (fb > 0):
        raise ValueError("f(a) and f(b) must have opposite signs")
    c, fc = a, fa
    d = e = b - a
    for _ in range(maxiter):
        if (fb > 0) == (fc > 0):
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol = 2.0 * rtol * abs(b) + 0.5 * xtol
        half = 0.5 * (c - b)
        if abs(half) <= tol or fb == 0.0:
            return b
        if abs(e) >= tol and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:
                p = 2.0 * half * s
                q = 1.0 - s
            else:
                q = fa / fc
                r = fb / fc
                p = s * (2.0 * half * q * (q - r) - (b - a) * (r - 1.0))
                q = (q - 1.0) * (r - 1.0) * (s - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if 2.0 * p < min(3.0 * half * q - abs(tol * q), abs(e * q)):
                e, d = d, p / q
            else:
                d = e = half
        else:
            d = e = half
        a, fa = b, fb
        b += d if abs(d) > tol else math.copysign(tol, half)
        fb = f(b)
    return b


def bounded_minimum(
    f: Callable[[float], float], a: float, b: float, xatol: float, maxiter: int = 500
) -> float:
    """The minimiser of ``f`` on ``[a, b]`` by Brent's method (Brent 1973, ch. 5):
    golden-section search with parabolic interpolation, to within about ``xatol``."""
    golden = 0.5 * (3.0 - math.sqrt(5.0))
    sqrt_eps = math.sqrt(2.2e-16)
    x = w = v = a + golden * (b - a)
    fx = fw = fv = f(x)
    d = e = 0.0
    for _ in range(maxiter):
        mid = 0.5 * (a + b)
        tol1 = sqrt_eps * abs(x) + xatol / 3.0
        tol2 = 2.0 * tol1
        if abs(x - mid) <= tol2 - 0.5 * (b - a):
            break
        golden_step = True
        if abs(e) > tol1:
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = 2.0 * (q - r)
            if q > 0:
                p = -p
            q = abs(q)
            previous = e
            e = d
            if abs(p) < abs(0.5 * q * previous) and q * (a - x) < p < q * (b - x):
                d = p / q
                u = x + d
                if u - a < tol2 or b - u < tol2:
                    d = tol1 if x < mid else -tol1
                golden_step = False
        if golden_step:
            e = (b - x) if x < mid else (a - x)
            d = golden * e
        u = x + (d if abs(d) >= tol1 else math.copysign(tol1, d))
        fu = f(u)
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v in (x, w):
                v, fv = u, fu
    return x
