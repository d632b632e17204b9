"""Learned Fellegi-Sunter weights (EM, no labels) and the optimal one-to-one grouping."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from tests.pprl.support import encode_text, people_csv, source_rows

from bovenwater.pprl import em
from bovenwater.pprl.assign import best_partition
from bovenwater.pprl.blockkeys import blocked_without
from bovenwater.pprl.encode import EncodedFile
from bovenwater.pprl.learned import learn_model, pair_levels, score_pairs_learned
from bovenwater.pprl.match import (
    MAX_BLOCK,
    _blocks,
    candidate_pairs,
    learn_model_if_enough,
    link,
    scored_candidates,
)
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
        "first": [0.2, 0.65, 0.06, 0.03, 0.03, 0.01, 0.01, 0.01],
        "last": [0.85, 0.06, 0.03, 0.06],
        "date": [0.9, 0.02, 0.01, 0.01, 0.05, 0.01],
        "sex": [0.98, 0.02],
    }
    truth_u = {
        "first": [0.01, 0.1, 0.05, 0.1, 0.2, 0.02, 0.02, 0.5],
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


def test_a_weighted_pair_counts_as_that_many_pairs() -> None:
    """EM with pair weights (the inverse of a pair's chance to be in the sample) gives
    what EM gives on the pairs repeated that many times."""
    rng = np.random.default_rng(9)
    n = 20_000
    matched = rng.random(n) < 0.3
    fields = {
        "first": np.where(
            matched, rng.choice(8, n, p=[0.2, 0.7, 0.05, 0.02, 0.01, 0, 0, 0.02]), rng.choice(8, n)
        ),
        "last": np.where(matched, rng.choice(4, n, p=[0.9, 0.05, 0.03, 0.02]), rng.choice(4, n)),
        "date": np.where(matched, 0, rng.choice(6, n)),
    }
    codes = _levels(fields, n).code()
    # true pairs twice as likely to be weighed 3 (as if they shared three blocks)
    weights = np.where(matched & (rng.random(n) < 0.5), 3.0, 1.0)
    u = {k: np.full(em.N_LEVELS[k], 1.0 / em.N_LEVELS[k]) for k in em.FIELDS}
    fields_fitted = ("first", "last", "date")
    weighted = em.fit(codes, u, fields_fitted, pair_weights=weights)
    repeated = em.fit(np.repeat(codes, weights.astype(np.int64)), u, fields_fitted)
    unweighted = em.fit(codes, u, fields_fitted)
    assert abs(weighted.share - repeated.share) < 1e-6
    assert abs(unweighted.share - repeated.share) > 0.05
    for name in fields_fitted:
        assert np.abs(weighted.m[name] - repeated.m[name]).max() < 1e-6


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


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("population")
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
    return data


def _population_files(data: Path) -> list[EncodedFile]:
    names = ("politie", "zorgcoordinatie", "kmar")
    return [encode_text((data / f"{n}.csv").read_text(encoding="utf-8"), n) for n in names]


def test_learned_weights_link_a_generated_population(population: Path) -> None:
    data = population
    files = _population_files(data)
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


def test_m_of_a_field_is_fitted_where_blocking_did_not_look_at_it(
    population: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On pairs a surname-and-month block brought together, different people agree on
    their surname and month together, so EM's non-match class takes in true pairs with
    a mistyped day; m of the date fitted on the pairs of a name-only key is the one the
    true pairs show."""
    monkeypatch.setattr(em, "MIN_EM_PAIRS", 1_000)  # a small population
    data = build_dataset(_population_files(population))
    with (population / "truth.csv").open(encoding="utf-8") as handle:
        person = {(r["source"], r["record_id"]): r["person"] for r in csv.DictReader(handle)}
    blocks = _blocks(data, MAX_BLOCK)
    low, high, _ = candidate_pairs(data)
    keep = data.source_of[low] != data.source_of[high]
    low, high = low[keep], high[keep]
    levels = pair_levels(data, low, high)
    who = np.array([person[data.member(k)] for k in range(data.size)])
    true = (who[low] == who[high]) & (levels.fields["year"] == em.Y_SAME)
    date = levels.fields["date"][true & (levels.fields["date"] >= 0)]
    counted = np.bincount(date, minlength=em.N_LEVELS["date"]) / date.shape[0]
    without = blocked_without(data, blocks.usable, low, high)
    plain = learn_model(data, low, high, int(low.shape[0]), without["date"])
    field_wise = learn_model(data, low, high, int(low.shape[0]), without["date"], None, without)
    assert np.abs(field_wise.m["date"] - counted).sum() < np.abs(plain.m["date"] - counted).sum()


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


FORKED_UNDER_A_HANDLER = """
import signal
import numpy as np
from tests.pprl.support import encode_text, people_csv, source_rows
from bovenwater.pprl.match import scored_candidates
from bovenwater.pprl.score import _Frequencies, build_dataset

# as a task worker does: SIGTERM asks for a graceful stop instead of ending the process
signal.signal(signal.SIGTERM, lambda number, frame: None)
texts = [people_csv(rows, p) for rows, p in zip(source_rows(), ("A", "B"), strict=True)]
data = build_dataset([encode_text(texts[0], "a"), encode_text(texts[1], "b")])
two = scored_candidates(data, _Frequencies.of(data), keep_min=-np.inf, budget=3, workers=2)
print(two.comparisons)
"""


def test_forked_workers_end_when_the_parent_handles_sigterm() -> None:
    """The pool's workers end by themselves and answer SIGTERM by ending, even in a
    process that handles SIGTERM (a task worker): the run returns instead of hanging
    (it hung in a full test run after a test had started a worker in-process)."""
    done = subprocess.run(
        [sys.executable, "-c", FORKED_UNDER_A_HANDLER],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 3


def test_a_sample_of_the_blocks_estimates_the_prior_of_all_of_them(
    population: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EM on a fifth of the blocks finds about the prior of EM on all of them: a pair is
    taken only in the first block it shares, so true pairs (which share many blocks) are
    not favoured (they were, by a factor of about the blocks they share)."""
    data = build_dataset(_population_files(population))
    blocks = _blocks(data, MAX_BLOCK)
    everything = learn_model_if_enough(data, blocks)
    pairs = int((blocks.sizes * (blocks.sizes - 1) // 2).sum())
    monkeypatch.setattr(em, "EM_SAMPLE", pairs // 5)
    monkeypatch.setattr(em, "MIN_EM_PAIRS", 1_000)
    sampled = learn_model_if_enough(data, blocks)
    assert everything is not None
    assert sampled is not None
    assert abs(sampled.prior_bits - everything.prior_bits) < 0.4


def test_names_are_counted_per_year_of_birth() -> None:
    rows_a = [
        ("Jan", "de Jong", "1990-01-05", "M"),
        ("Jan", "de Jong", "1991-06-20", "M"),
        ("Jan", "de Jong", "", "M"),
        ("Piet", "Smit", "1980-02-02", "M"),
    ]
    rows_b = [("Jan", "de Jong", "1990-01-05", "M"), ("Jan", "de Jong", "1991-06-20", "M")]
    data = build_dataset(
        [encode_text(people_csv(rows_a, "A"), "a"), encode_text(people_csv(rows_b, "B"), "b")]
    )
    freq = _Frequencies.of(data)
    # two records carry Jan de Jong with 1990, two with 1991: two people at least
    assert freq.year_support.tolist() == [2, 2, 0, 1, 2, 2]
    assert freq.name_years.tolist() == [2, 2, 2, 0, 2, 2]


def test_a_record_without_a_date_counts_less_when_two_people_carry_its_name(
    population: Path,
) -> None:
    """The same dateless record scores lower against one Jan de Jong when another Jan de
    Jong (another year, on two lists) exists: the name cannot tell them apart."""
    files = _population_files(population)
    one = [("Jan", "de Jong", "1990-01-05", "M")]
    two = [*one, ("Jan", "de Jong", "1993-09-11", "M")]

    def score_of(extra: list[tuple[str, str, str, str]]) -> float:
        a = encode_text(people_csv([("Jan", "de Jong", "", "M"), *extra], "X"), "x")
        b = encode_text(people_csv(extra, "Y"), "y")
        data = build_dataset([*files, a, b])
        model = learn_model_if_enough(data, _blocks(data, MAX_BLOCK))
        assert model is not None
        dateless = data.offsets[3]
        dated = data.offsets[4]
        freq = _Frequencies.of(data)
        left, right = np.array([dateless]), np.array([dated])
        return float(score_pairs_learned(data, left, right, freq, model)[0])

    assert score_of(two) < score_of(one) - 0.9


def test_swapped_names_count_less_when_other_people_carry_the_pair(
    population: Path,
) -> None:
    """A pair with first names and surname swapped on one side scores by how many other
    people of that year carry the two names in either order (counted, no fixed share):
    three more people named Thi Mai Nguyen make the pair weaker than three named Thi Mai
    and three named Nguyen apart (the same frequency of each name)."""
    files = _population_files(population)
    pair = [("Thi Mai", "Nguyen", "1989-04-27", "V"), ("Nguyen", "Thi Mai", "1989-04-27", "V")]
    days = ("1989-02-03", "1989-08-14", "1989-11-30")
    together = [("Thi Mai", "Nguyen", day, "V") for day in days]
    apart = [("Thi Mai", "Pham", day, "V") for day in days] + [
        ("Lan", "Nguyen", day, "V") for day in days
    ]

    def score_of(extra: list[tuple[str, str, str, str]]) -> float:
        a = encode_text(people_csv([pair[0], *extra], "X"), "x")
        b = encode_text(people_csv([pair[1]], "Y"), "y")
        data = build_dataset([*files, a, b])
        model = learn_model_if_enough(data, _blocks(data, MAX_BLOCK))
        assert model is not None
        left, right = np.array([data.offsets[3]]), np.array([data.offsets[4]])
        return float(score_pairs_learned(data, left, right, _Frequencies.of(data), model)[0])

    assert score_of(together) < score_of(apart) - 1.0
