"""Stepwise selection: SparseMSE's rule (two tails, existence check, order, tie-break).

The reference is ``stepwisefit`` of SparseMSE 2.0.1 (Chan, Silverman & Vincent), the
method's reference implementation. Its numbers below were produced with
``bench/mse_vs_r.py`` (R 4.2.2, SparseMSE built from source); the hand-computed table
is checked with nothing but the standard library.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bovenwater.mse import CaptureTable, MSEInputError, estimate, select_stepwise
from bovenwater.mse.selection import stepwise_p_values

DATA = Path(__file__).parent / "data"


def _table(rows: dict[str, int]) -> CaptureTable:
    lists = ("A", "B", "C")
    header = ",".join(lists) + ",count\n"
    body = "".join(
        ",".join("1" if name in cell else "0" for name in lists) + f",{count}\n"
        for cell, count in rows.items()
    )
    return CaptureTable.from_csv_text(header + body)


# A: 100, B: 100, C: 200 individuals; A and B share 2 (far fewer than independence
# predicts), A and C share 34 (more than predicted), B and C 20.
TAILS_TABLE = {"A": 65, "B": 79, "C": 147, "AB": 1, "AC": 33, "BC": 19, "ABC": 1}


def _poisson_cdf(n: int, m: float) -> float:
    return sum(math.exp(-m) * m**x / math.factorial(x) for x in range(n + 1))


def _hand_first_step() -> dict[str, tuple[int, float, float, float]]:
    """Step 1 by hand: the independence fit and both Poisson tails of every pair.

    Under independence (main effects) with the all-zero cell unobserved, the MLE of
    N solves ``N - n = N * prod(1 - n_i / N)`` and a pair's expected overlap is
    ``n_i n_j / N`` (the sum of the fitted cells containing both lists).
    """
    cells = TAILS_TABLE
    totals = {name: sum(v for k, v in cells.items() if name in k) for name in "ABC"}
    observed = sum(cells.values())
    low, high = float(observed), 1e7
    for _ in range(200):
        mid = (low + high) / 2
        gap = mid - observed - mid * math.prod(1 - totals[name] / mid for name in "ABC")
        low, high = (low, mid) if gap > 0 else (mid, high)
    n_hat = (low + high) / 2
    out = {}
    for pair in ("AB", "AC", "BC"):
        n_star = sum(v for k, v in cells.items() if pair[0] in k and pair[1] in k)
        m_star = totals[pair[0]] * totals[pair[1]] / n_hat
        lower = _poisson_cdf(n_star, m_star)
        upper = 1.0 - _poisson_cdf(n_star - 1, m_star)
        out[pair[0] + ":" + pair[1]] = (n_star, m_star, lower, upper)
    return out


def test_hand_computed_table_where_the_two_tails_choose_different_pairs() -> None:
    hand = _hand_first_step()
    # The hand-computed table (N = 867.157 under independence):
    #   pair  n*  m*      P(X <= n*)  P(X >= n*)
    #   A:B    2  11.532  0.000775    0.99988
    #   A:C   34  23.064  0.98775     0.0194
    #   B:C   20  23.064  0.30550     0.76629
    assert hand["A:B"][0] == 2 and round(hand["A:B"][1], 3) == 11.532
    assert round(hand["A:B"][2], 6) == 0.000775
    assert round(hand["A:C"][3], 4) == 0.0194
    assert round(hand["B:C"][2], 4) == 0.3055
    table = _table(TAILS_TABLE)

    # Two tails (SparseMSE, the default): A:B overlaps far too little and wins.
    both = select_stepwise(table, p_threshold=0.02)
    first = both.steps[0]
    assert first.term == "A:B"
    assert first.observed == 2
    assert first.expected == pytest.approx(hand["A:B"][1], rel=1e-9)
    assert first.p_value == pytest.approx(hand["A:B"][2], rel=1e-9)
    assert [s.term for s in both.steps] == ["A:B"]
    assert both.best.total == pytest.approx(747.169811, abs=1e-6)  # SparseMSE 2.0.1

    # Upper tail only: A:B is no evidence at all; A:C (p = 0.0194 < 0.02) is added.
    upper = select_stepwise(table, p_threshold=0.02, tails="upper")
    assert upper.steps[0].term == "A:C"
    assert upper.steps[0].p_value == pytest.approx(hand["A:C"][3], rel=1e-9)
    assert upper.best.total == pytest.approx(1266.666667, abs=1e-6)


def test_p_values_of_both_tails() -> None:
    observed = np.array([0.0, 2.0, 34.0, 5.0, 3.0])
    expected = np.array([4.0, 11.0, 23.0, 0.0, 0.0])
    both = stepwise_p_values(observed, expected, "both")
    upper = stepwise_p_values(observed, expected, "upper")
    assert both[0] == pytest.approx(math.exp(-4.0))  # no overlap: P(X = 0)
    assert upper[0] == 1.0
    assert both[1] == pytest.approx(_poisson_cdf(2, 11.0))
    assert upper[2] == pytest.approx(1.0 - _poisson_cdf(33, 23.0))
    assert both[2] == upper[2]
    # A positive count where the model expects none is impossible: p = 0.
    assert both[3] == 0.0 and upper[3] == 0.0


def test_equal_p_values_go_to_the_pair_listed_first() -> None:
    # A overlaps neither B nor C, although independence expects over a thousand
    # in common with each: both lower tails underflow to exactly 0, and SparseMSE
    # takes the lowest index, A:B, although A:C is the more extreme.
    table = _table({"A": 6000, "B": 4000, "C": 5000, "BC": 4000})
    selection = select_stepwise(table)
    assert [s.term for s in selection.steps] == ["A:B", "A:C"]
    assert selection.steps[0].p_value == 0.0
    assert selection.steps[0].expected < selection.steps[1].expected
    assert all(s.observed == 0 for s in selection.steps)
    assert selection.best.infinite_terms == ("A:B", "A:C")
    assert selection.best.total == pytest.approx(24000.0, rel=1e-9)  # SparseMSE 2.0.1
    assert select_stepwise(table, tails="upper").steps == []


# SparseMSE 2.0.1 ``stepwisefit(zdat, pthresh = 0.02)``: estimate and the pairs in the
# order they were added (bench/mse_vs_r.py, 2026-12-07).
SPARSEMSE = {
    "HIV": (11124.578469, []),
    "Korea": (268.777778, ["b:c"]),
    "Kosovo": (14341.6638, ["ABA:OSCE", "OSCE:HRW", "EXH:OSCE", "EXH:ABA", "EXH:HRW"]),
    "Ned": (111139.37123, ["O:Z", "P:Z", "I:Z", "P:R", "O:P", "K:R", "I:K", "K:O"]),
    "Ned_5": (121521.613712, ["IO:Z", "P:Z", "P:R", "IO:P", "K:R", "IO:K"]),
    "NewOrl": (1110.488081, ["D:E"]),
    "NewOrl_5": (981.431367, []),
    "UKdat": (
        11417.991092,
        ["PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO"],
    ),
    "UKdat_4": (11015.244454, ["LA:NG", "LA:PFNCA", "NG:GO"]),
    "UKdat_5": (11312.990289, ["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"]),
    "Western": (2483.38392, ["A:E"]),
    "lesbian": (5350.512758, ["A:D", "C:D", "B:D", "B:C"]),
}


@pytest.mark.parametrize("name", sorted(SPARSEMSE))
def test_stepwise_is_sparsemse_on_every_shipped_dataset(name: str) -> None:
    total, terms = SPARSEMSE[name]
    selection = select_stepwise(CaptureTable.from_csv(DATA / f"{name}.csv"), p_threshold=0.02)
    assert [s.term for s in selection.steps] == terms
    assert selection.best.total == pytest.approx(total, abs=2e-6)


def test_zero_overlap_pairs_are_candidates() -> None:
    """Ned: K and R share nobody, 7.7 expected; SparseMSE adds K:R at -infinity."""
    selection = select_stepwise(CaptureTable.from_csv(DATA / "Ned.csv"))
    step = next(s for s in selection.steps if s.term == "K:R")
    assert step.observed == 0
    assert step.p_value == pytest.approx(math.exp(-step.expected), rel=1e-12)
    assert "K:R" in selection.best.infinite_terms
    upper = select_stepwise(CaptureTable.from_csv(DATA / "Ned.csv"), tails="upper")
    assert all(s.observed > s.expected for s in upper.steps)
    assert upper.best.total == pytest.approx(130627.82116, abs=1e-4)


def test_thresholds_zero_and_one_as_in_sparsemse() -> None:
    kosovo = CaptureTable.from_csv(DATA / "Kosovo.csv")
    assert select_stepwise(kosovo, p_threshold=0.0).best.terms == []
    full = select_stepwise(kosovo, p_threshold=1.0).best
    assert len(full.terms) == 6  # every pair: the all-pairs model is estimable
    assert full.total == pytest.approx(14402.4889517, abs=1e-6)
    # Korea: the all-pairs model has no MLE, so stepwise runs with threshold 1.
    korea = select_stepwise(CaptureTable.from_csv(DATA / "Korea.csv"), p_threshold=1.0)
    assert korea.best.terms == ["b:c", "c:d"]
    assert korea.best.total == pytest.approx(157.166666667, abs=1e-6)


def test_unknown_tails_is_refused() -> None:
    kosovo = CaptureTable.from_csv(DATA / "Kosovo.csv")
    with pytest.raises(MSEInputError, match="unknown stepwise test"):
        select_stepwise(kosovo, tails="lower")
    with pytest.raises(MSEInputError, match="unknown stepwise test"):
        estimate(kosovo, "stepwise", tails="two")
    result = estimate(kosovo, "stepwise", tails="upper")
    assert result.to_dict()["stepwise_tails"] == "upper"
