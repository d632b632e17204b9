"""Learned Fellegi-Sunter weights (EM, no labels) and the optimal one-to-one grouping."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from tests.pprl.support import encode_text, people_csv, source_rows

from bovenwater.pprl import em
from bovenwater.pprl.assign import best_partition
from bovenwater.pprl.match import link, scored_candidates
from bovenwater.pprl.score import _Frequencies, build_dataset

ROOT = Path(__file__).resolve().parents[2]


def _pairs(groups: list[list[tuple[str, str]]]) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    return {(a, b) for members in groups for a in members for b in members if a < b}


def _f1(
    result_groups: list[list[tuple[str, str]]], person: dict[tuple[str, str], str]
) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 against the generator's ground truth."""
    by_person: dict[str, list[tuple[str, str]]] = {}
    for member, who in person.items():
        by_person.setdefault(who, []).append(member)
    true = _pairs(list(by_person.values()))
    found = _pairs(result_groups)
    hits = len(true & found)
    precision, recall = hits / max(len(found), 1), hits / max(len(true), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def _levels(fields: dict[str, np.ndarray], n: int) -> em.Levels:
    full = {name: np.full(n, -1, dtype=np.int8) for name in em.FIELDS}
    full.update({k: v.astype(np.int8) for k, v in fields.items()})
    return em.Levels(fields=full, first_sim=np.zeros(n, dtype=np.float32))


def test_em_recovers_a_known_m_and_share_of_true_pairs() -> None:
    rng = np.random.default_rng(5)
    n, share = 200_000, 0.15
    truth_m = {
        "first": [0.2, 0.65, 0.06, 0.03, 0.04, 0.01, 0.01],
        "last": [0.85, 0.06, 0.03, 0.06],
        "date": [0.9, 0.02, 0.01, 0.01, 0.05, 0.01],
        "sex": [0.98, 0.02],
    }
    truth_u = {
        "first": [0.01, 0.1, 0.05, 0.1, 0.7, 0.02, 0.02],
        "last": [0.4, 0.1, 0.1, 0.4],
        "date": [0.02, 0.01, 0.1, 0.8, 0.03, 0.04],
        "sex": [0.55, 0.45],
    }
    matched = rng.random(n) < share
    fields = {}
    for name in em.SALTED_FIELDS:
        m_draw = rng.choice(len(truth_m[name]), n, p=truth_m[name])
        u_draw = rng.choice(len(truth_u[name]), n, p=truth_u[name])
        fields[name] = np.where(matched, m_draw, u_draw)
    codes = _levels(fields, n).code()
    random_u = {k: np.array(v) for k, v in truth_u.items()}
    m, estimated_share, _ = em.fit_m(codes, random_u, em.SALTED_FIELDS)
    assert abs(estimated_share - share) < 0.01
    for name in em.SALTED_FIELDS:
        assert np.abs(m[name] - np.array(truth_m[name])).max() < 0.03, name


def test_the_chance_of_a_shared_day_and_month_pair_matches_the_calendar() -> None:
    counts: Counter[tuple[int, int]] = Counter()
    day = dt.date(2001, 1, 1)
    while day.year == 2001:
        low, high = sorted((day.month, day.day))
        counts[(low, high)] += 1
        day += dt.timedelta(days=1)
    chance = sum((c / 365) ** 2 for c in counts.values())
    assert abs(chance - em.U_PAIR) < 1e-9


def test_optimal_assignment_beats_best_link_first() -> None:
    # A1 and A2 on list A, B1 and B2 on list B. Best link first takes A1-B1 (3) and then
    # nothing; the optimum pairs A1-B2 and A2-B1 (2 + 2).
    a1, b1, a2, b2 = range(4)
    gain = np.full((4, 4), -50.0)
    np.fill_diagonal(gain, 0.0)
    for x, y, g in ((a1, b1, 3.0), (a1, b2, 2.0), (a2, b1, 2.0)):
        gain[x, y] = gain[y, x] = g
    labels = best_partition([1, 2, 1, 2], gain)
    assert labels[a1] == labels[b2]
    assert labels[a2] == labels[b1]
    assert labels[a1] != labels[a2]


def test_a_record_that_clearly_contradicts_a_group_member_stays_out() -> None:
    # three lists: a-b and b-c link, but a and c clearly are two people
    gain = np.array([[0.0, 5.0, -20.0], [5.0, 0.0, 5.0], [-20.0, 5.0, 0.0]])
    labels = best_partition([1, 2, 4], gain)
    assert len(set(labels)) == 2
    assert labels[0] != labels[2]


def test_learned_weights_link_a_generated_population(tmp_path: Path) -> None:
    data = tmp_path / "population"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "linkage_population.py"),
            "--people",
            "4000",
            "--sources",
            "3",
            "--per-source",
            "1600",
            "--seed",
            "21",
            "--out",
            str(data),
        ],
        check=True,
        capture_output=True,
    )
    names = ("politie", "zorgcoordinatie", "kmar")
    files = [encode_text((data / f"{n}.csv").read_text(encoding="utf-8"), n) for n in names]
    with (data / "truth.csv").open(encoding="utf-8") as handle:
        person = {(r["source"], r["record_id"]): r["person"] for r in csv.DictReader(handle)}
    learned = link(files)
    fixed = link(files, learn=False)
    assert learned.model is not None
    assert fixed.model is None
    # m of an exact first name is high among true pairs, u (random pairs) low
    assert learned.model.m["first"][em.F_EXACT] > 0.5 > learned.model.u["first"][em.F_EXACT]
    precision, recall, f1 = _f1(learned.groups(), person)
    assert precision >= 0.98
    assert recall >= 0.95
    assert f1 >= _f1(fixed.groups(), person)[2]


def test_forked_workers_score_the_same_pairs_as_one_process() -> None:
    a_text, b_text = (
        people_csv(rows, p) for rows, p in zip(source_rows(), ("A", "B"), strict=True)
    )
    data = build_dataset([encode_text(a_text, "a"), encode_text(b_text, "b")])
    freq = _Frequencies.of(data)
    one = scored_candidates(data, freq, keep_min=-np.inf, budget=3)
    two = scored_candidates(data, freq, keep_min=-np.inf, budget=3, workers=2)
    assert one.comparisons == two.comparisons > 3  # several batches
    assert np.array_equal(one.left, two.left)
    assert np.array_equal(one.right, two.right)
    assert np.array_equal(one.scores, two.scores)
