"""Capture-table validation and hierarchical model handling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bovenwater.mse import CaptureTable, Model, MSEInputError, enumerate_models, parse_model
from bovenwater.mse.models import term_name

DATA = Path(__file__).parent / "data"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_published_tables_load_with_their_observed_totals() -> None:
    expected = {"UKdat_5": 2744, "Western": 345, "HIV": 1896, "Ned": 8234, "Korea": 123}
    for name, observed in expected.items():
        table = CaptureTable.from_csv(DATA / f"{name}.csv")
        assert table.observed == observed, name
    uk = CaptureTable.from_csv(DATA / "UKdat_5.csv")
    assert uk.lists == ("LA", "NG", "PFNCA", "GO", "GP")
    assert uk.n_cells == 31
    assert uk.list_totals() == {"LA": 94, "NG": 567, "PFNCA": 1169, "GO": 807, "GP": 336}
    # The pattern LA+NG (mask 0b11) has 15 individuals; LA+GP (mask 0b10001) none.
    assert uk.counts[0b11 - 1] == 15
    assert uk.counts[0b10001 - 1] == 0


def test_unlisted_patterns_count_zero_and_duplicates_are_summed(tmp_path: Path) -> None:
    path = write(tmp_path, "A,B,count\n1,0,3\n0,1,4\n1,0,2\n")
    table = CaptureTable.from_csv(path)
    assert table.counts.tolist() == [5, 4, 0]
    assert table.observed == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,count\n1,0,2.5\n0,1,1\n", "line 2: count must be an integer"),
        ("A,B,count\n1,0,-1\n0,1,1\n", "line 2: count must be >= 0"),
        ("A,B,count\n1,0,x\n0,1,1\n", "count must be an integer"),
        ("A,B,count\n1,0,3\n0,1\n", "line 3: 2 fields, expected 3"),
        ("A,B,count\n1,2,3\n0,1,1\n", "list membership must be 0 or 1"),
        ("A,B,count\n1,0,3\n1,0,1\n", "no observations on list(s) B"),
        ("A,B\n1,0\n", "no 'count' column"),
        ("A,count\n1,3\n", "needs 2 to 10 lists, got 1"),
        ("A,B,count\n0,0,4\n1,1,1\n", "the all-zero pattern is the unknown"),
        ("A,A,count\n1,0,4\n0,1,1\n", "list names must be unique"),
        ("", "the file is empty"),
        ("A,B,count\n", "no data rows"),
    ],
)
def test_invalid_tables_raise_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(MSEInputError) as info:
        CaptureTable.from_csv(write(tmp_path, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_too_many_lists_and_missing_file_are_rejected(tmp_path: Path) -> None:
    names = [f"L{i}" for i in range(11)]
    with pytest.raises(MSEInputError, match="got 11"):
        CaptureTable.from_patterns(names, [[1] + [0] * 10], [1])
    with pytest.raises(MSEInputError, match="file not found"):
        CaptureTable.from_csv(tmp_path / "missing.csv")
    with pytest.raises(MSEInputError, match="expected 3 cell counts"):
        CaptureTable.from_counts(["A", "B"], [1, 2])
    with pytest.raises(MSEInputError, match="pattern has 3 entries, expected 2"):
        CaptureTable.from_patterns(["A", "B"], [[1, 0, 0]], [1])


def test_model_counts_match_the_combinatorics() -> None:
    assert len(enumerate_models(3, 2)) == 8
    assert len(enumerate_models(4, 2)) == 64
    assert len(enumerate_models(4, 3)) == 113
    assert len(enumerate_models(5, 2)) == 1024
    assert len(enumerate_models(5, 3)) == 6212
    with pytest.raises(MSEInputError, match="between 1 and 4"):
        enumerate_models(5, 5)


def test_parse_model_closes_hierarchically_and_names_terms() -> None:
    lists = ("A", "B", "C", "D")
    model = parse_model("A:B:C, D:A", lists)
    assert model.names(lists) == ["A:B", "A:C", "A:D", "B:C", "A:B:C"]
    assert model.max_order == 3
    assert parse_model("", lists) == Model(())
    assert term_name(0b1010, lists) == "B:D"
    with pytest.raises(MSEInputError, match="unknown list 'E'"):
        parse_model("A:E", lists)
    with pytest.raises(MSEInputError, match="at least two lists"):
        parse_model("A", lists)
    with pytest.raises(MSEInputError, match="saturated"):
        parse_model("A:B:C:D", lists)
    with pytest.raises(MSEInputError, match="appears twice"):
        parse_model("A:A", lists)


def test_patterns_matrix_matches_masks() -> None:
    table = CaptureTable.from_counts(["A", "B", "C"], [1, 2, 3, 4, 5, 6, 7])
    patterns = table.patterns()
    assert patterns.tolist()[:4] == [[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]]
    assert np.array_equal(patterns @ np.array([1, 2, 4]), np.arange(1, 8))
    assert table.pattern_label(5) == "A+C"
