"""Encodings and matching: keys, salting, the popcount kernel, blocking and grouping."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from tests.pprl.support import SECRET, VARIANTS, encode_text, people_csv, source_rows

from bovenwater.pprl.encode import (
    FILTER_BYTES,
    RECORD_BYTES,
    Encoder,
    Keys,
    Person,
)
from bovenwater.pprl.errors import PPRLInputError
from bovenwater.pprl.match import (
    build_dataset,
    candidate_pairs,
    link,
    score_pairs,
)
from bovenwater.pprl.normalise import given_names, parse_date, surname_parts


def person(first: str, last: str, dob: str, sex: str = "") -> Person:
    return Person(
        given_names(first), surname_parts(last), parse_date(dob, reference_year=2026), sex
    )


def test_keys_differ_per_field_and_fingerprint_identifies_the_secret() -> None:
    keys = Keys.from_secret(SECRET)
    assert len({keys.first_names, keys.surname, keys.date_of_birth, keys.blocking}) == 4
    assert Keys.from_secret(SECRET).fingerprint == keys.fingerprint
    assert Keys.from_secret(SECRET + b"x").fingerprint != keys.fingerprint
    assert keys.fingerprint not in SECRET.decode()


def test_short_secret_is_refused() -> None:
    with pytest.raises(PPRLInputError):
        Keys.from_secret(b"short")


def test_encoding_is_deterministic_and_keyed() -> None:
    p = person("Maria", "de Vries", "1990-03-14")
    one = Encoder(Keys.from_secret(SECRET)).encode(p)
    assert len(one) == RECORD_BYTES
    assert Encoder(Keys.from_secret(SECRET)).encode(p) == one
    other_key = Encoder(Keys.from_secret(SECRET + b"!")).encode(p)
    assert other_key[:FILTER_BYTES] != one[:FILTER_BYTES]


def test_name_filters_are_salted_with_the_year_of_birth() -> None:
    encoder = Encoder(Keys.from_secret(SECRET))
    a = encoder.encode(person("Maria", "de Vries", "1990-03-14"))
    b = encoder.encode(person("Maria", "de Vries", "1991-03-14"))
    first_a = np.frombuffer(a[:FILTER_BYTES], dtype=np.uint8)
    first_b = np.frombuffer(b[:FILTER_BYTES], dtype=np.uint8)
    shared = int(np.unpackbits(first_a & first_b).sum())
    assert shared < 0.3 * int(np.unpackbits(first_a).sum())


def test_kernel_agrees_with_a_python_popcount() -> None:
    a_text, b_text = (
        people_csv(rows, p) for rows, p in zip(source_rows(), ("A", "B"), strict=True)
    )
    data = build_dataset([encode_text(a_text, "a"), encode_text(b_text, "b")])
    left = np.arange(0, 5, dtype=np.int64)
    right = np.arange(data.size - 5, data.size, dtype=np.int64)
    expected = [
        sum(
            (int(x) & int(y)).bit_count()
            for x, y in zip(data.first[i].tolist(), data.first[j].tolist(), strict=True)
        )
        for i, j in zip(left.tolist(), right.tolist(), strict=True)
    ]
    got = np.bitwise_count(data.first[left] & data.first[right]).sum(axis=1).tolist()
    assert got == expected
    assert data.first_count.tolist() == [
        sum(int(w).bit_count() for w in row) for row in data.first.tolist()
    ]
    assert score_pairs(data, left, right).shape == (5,)


def test_every_variant_pair_is_a_candidate_and_is_linked() -> None:
    rows_a, rows_b = source_rows()
    a = encode_text(people_csv(rows_a, "A"), "a")
    b = encode_text(people_csv(rows_b, "B"), "b")
    data = build_dataset([a, b])
    left, right, _ = candidate_pairs(data)
    candidates = set(zip(left.tolist(), right.tolist(), strict=True))
    n = len(rows_a)
    for k in range(len(VARIANTS)):
        assert (k, n + k) in candidates, VARIANTS[k]
    groups = link([a, b]).groups()
    linked = {(m[0][1], m[1][1]) for m in groups if len(m) == 2}
    for k in range(len(VARIANTS)):
        assert (f"A{k + 1:04d}", f"B{k + 1:04d}") in linked, VARIANTS[k]


def test_twins_and_namesakes_are_not_linked() -> None:
    rows_a, rows_b = source_rows()
    result = link(
        [encode_text(people_csv(rows_a, "A"), "a"), encode_text(people_csv(rows_b, "B"), "b")]
    )
    members = {rid for group in result.groups() for _, rid in group}
    twins_and_namesakes = len(VARIANTS) + 1, len(VARIANTS) + 2
    for k in twins_and_namesakes:
        assert f"A{k:04d}" not in members
        assert f"B{k:04d}" not in members
    assert len(result.groups()) == len(VARIANTS)


def test_blocking_skips_almost_all_pairs_without_losing_true_ones() -> None:
    rng = np.random.default_rng(5)
    syllables = ["ba", "ko", "ri", "sen", "ma", "dal", "vi", "ne", "tu", "los", "ger", "an"]
    firsts = [
        "Anna",
        "Jan",
        "Fatima",
        "Piotr",
        "Olena",
        "Blessing",
        "Lotte",
        "Mohamed",
        "Elena",
        "Sara",
        "Daan",
        "Precious",
        "Ion",
        "Maria",
        "Yusuf",
        "Iris",
        "Kofi",
        "Eva",
    ]
    rows_a = []
    rows_b = []
    for _ in range(1500):
        first = firsts[int(rng.integers(0, len(firsts)))]
        last = "".join(syllables[int(i)] for i in rng.integers(0, len(syllables), 3)).title()
        day = 1 + int(rng.integers(0, 28))
        month = 1 + int(rng.integers(0, 12))
        year = 1960 + int(rng.integers(0, 45))
        rows_a.append((first, last, f"{day:02d}-{month:02d}-{year}", ""))
        rows_b.append((first.upper(), last, f"{year}-{month:02d}-{day:02d}", ""))
    a = encode_text(people_csv(rows_a, "A"), "a")
    b = encode_text(people_csv(rows_b, "B"), "b")
    data = build_dataset([a, b])
    left, right, _ = candidate_pairs(data)
    all_pairs = data.size * (data.size - 1) // 2
    assert left.shape[0] < 0.01 * all_pairs
    candidates = set(zip(left.tolist(), right.tolist(), strict=True))
    assert all((k, 1500 + k) in candidates for k in range(1500))


def test_one_record_per_source_in_a_group() -> None:
    # Two records in B could both match A's record; only the better one joins it.
    a = encode_text(people_csv([("Anna", "Bakker", "1985-05-05", "V")], "A"), "a")
    b = encode_text(
        people_csv(
            [("Anna", "Bakker", "1985-05-05", "V"), ("Anne", "Bakker", "1985-05-05", "V")], "B"
        ),
        "b",
    )
    groups = link([a, b], duplicate_threshold=1e9).groups()
    assert groups == [[("a", "A0001"), ("b", "B0001")]]


def test_duplicates_within_a_source_join_the_group_and_count_once() -> None:
    a = encode_text(
        people_csv(
            [("Piotr", "Nowak", "1990-02-03", "M"), ("Piotr", "Nowak", "03-02-1990", "M")], "A"
        ),
        "a",
    )
    b = encode_text(people_csv([("Piotr", "Nowak", "1990-02-03", "M")], "B"), "b")
    result = link([a, b])
    assert result.groups() == [[("a", "A0001"), ("a", "A0002"), ("b", "B0001")]]
    assert result.within_source_duplicates == 1
    assert result.capture_patterns() == {0b11: 1}


def test_files_from_different_secrets_are_refused() -> None:
    rows_a, rows_b = source_rows()
    a = encode_text(people_csv(rows_a, "A"), "a")
    b = encode_text(people_csv(rows_b, "B"), "b", secret=SECRET + b"-other")
    with pytest.raises(PPRLInputError, match="different secrets"):
        link([a, b])


def test_two_files_with_the_same_source_name_are_refused() -> None:
    rows_a, _ = source_rows()
    a = encode_text(people_csv(rows_a, "A"), "same")
    with pytest.raises(PPRLInputError, match="same source name"):
        link([a, a])


def test_the_engine_never_imports_django() -> None:
    code = (
        "import sys, bovenwater.pprl.cli, bovenwater.pprl.match;"
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_swapped_first_names_and_surname_are_linked() -> None:
    a = encode_text(people_csv([("Niels Sander", "Kuijpers", "22-09-1991", "M")], "A"), "a")
    b = encode_text(people_csv([("KUIJPERS", "niels", "1991-09-22", "man")], "B"), "b")
    assert len(link([a, b]).groups()) == 1
    # the same two names in another year are somebody else
    c = encode_text(people_csv([("KUIJPERS", "niels", "1993-09-22", "man")], "C"), "c")
    assert link([a, c]).groups() == []


def test_a_record_without_a_date_does_not_bridge_two_people_born_in_different_years() -> None:
    a = encode_text(people_csv([("Abdoulie", "Obi", "2006-06-18", "M")], "A"), "a")
    b = encode_text(people_csv([("Abdoulie", "Obi", "", "M")], "B"), "b")
    c = encode_text(people_csv([("Abdoulie", "Obi", "1994-11-13", "M")], "C"), "c")
    # a low threshold: the rule under test is the grouping's, not the score's
    for groups in (link([a, b], threshold=10).groups(), link([b, c], threshold=10).groups()):
        assert len(groups) == 1  # each pair alone may link
    groups = link([a, b, c], threshold=10).groups()
    years_joined = [g for g in groups if {s for s, _ in g} >= {"a", "c"}]
    assert years_joined == []


def test_a_record_without_a_day_does_not_bridge_two_people_born_in_one_month() -> None:
    a = encode_text(people_csv([("Abdoulie", "Obi", "2006-06-18", "M")], "A"), "a")
    b = encode_text(people_csv([("Abdoulie", "Obi", "06-2006", "M")], "B"), "b")
    c = encode_text(people_csv([("Abdoulie", "Obi", "2006-06-03", "M")], "C"), "c")
    # a low threshold: the rule under test is the grouping's, not the score's
    for groups in (link([a, b], threshold=8).groups(), link([b, c], threshold=8).groups()):
        assert len(groups) == 1  # each pair alone may link
    groups = link([a, b, c], threshold=8).groups()
    assert len(groups) == 1
    assert not {s for s, _ in groups[0]} >= {"a", "c"}
    # the same person with day and month swapped on one list is one date
    d = encode_text(people_csv([("Abdoulie", "Obi", "2006-18-06", "M")], "D"), "d")
    assert [len(g) for g in link([a, b, d], threshold=8).groups()] == [3]


def test_one_list_can_be_deduplicated_when_asked() -> None:
    a = encode_text(
        people_csv(
            [
                ("Maria Johanna", "de Vries", "14-03-1990", "V"),
                ("Mieke", "Vries, de", "1990-03-14", "V"),
            ],
            "A",
        ),
        "a",
    )
    with pytest.raises(PPRLInputError):
        link([a])
    result = link([a], duplicate_threshold=13.0, min_files=1)
    assert len(result.groups()) == 1
