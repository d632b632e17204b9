"""Capture tables: the overlap counts of k registration lists.

A capture *pattern* (capture history) says on which of the k lists an individual
appears. Patterns are encoded as bit masks: bit ``i`` is set when the individual is
on list ``i``. The ``2**k - 1`` non-zero patterns are the observable cells; the
all-zero pattern (on no list) is the unknown "dark figure" that multiple systems
estimation predicts.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bovenwater.mse.errors import MSEInputError

MIN_LISTS = 2
MAX_LISTS = 10
COUNT_COLUMN = "count"


def _as_count(value: object, where: str) -> int:
    """Convert ``value`` to a non-negative integer count or raise MSEInputError."""
    if isinstance(value, bool):
        raise MSEInputError(f"{where}: count must be an integer, got {value!r}")
    if isinstance(value, int | np.integer):
        number = int(value)
    elif isinstance(value, float | np.floating):
        if not math.isfinite(float(value)) or float(value) != math.floor(float(value)):
            raise MSEInputError(f"{where}: count must be an integer, got {value!r}")
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                as_float = float(text)
            except ValueError:
                raise MSEInputError(f"{where}: count must be an integer, got {value!r}") from None
            if not math.isfinite(as_float) or as_float != math.floor(as_float):
                raise MSEInputError(f"{where}: count must be an integer, got {value!r}") from None
            number = int(as_float)
    else:
        raise MSEInputError(f"{where}: count must be an integer, got {value!r}")
    if number < 0:
        raise MSEInputError(f"{where}: count must be >= 0, got {number}")
    return number


def _as_flag(value: object, where: str) -> int:
    """Convert a list-membership value to 0 or 1 or raise MSEInputError."""
    if isinstance(value, str):
        text = value.strip()
        if text in {"0", "1"}:
            return int(text)
    elif (
        isinstance(value, int | np.integer) and not isinstance(value, bool) and int(value) in (0, 1)
    ):
        return int(value)
    raise MSEInputError(f"{where}: list membership must be 0 or 1, got {value!r}")


@dataclass(frozen=True, eq=False)
class CaptureTable:
    """Counts of the ``2**k - 1`` observable capture patterns over ``k`` lists.

    ``counts[m - 1]`` is the number of individuals whose pattern has bit mask ``m``
    (bit ``i`` = on list ``lists[i]``). Build instances with :meth:`from_patterns`,
    :meth:`from_csv` or :meth:`from_counts`, which validate the input.
    """

    lists: tuple[str, ...]
    counts: NDArray[np.int64]

    @property
    def k(self) -> int:
        """Number of lists."""
        return len(self.lists)

    @property
    def n_cells(self) -> int:
        """Number of observable cells, ``2**k - 1``."""
        return int(self.counts.shape[0])

    @property
    def observed(self) -> int:
        """Number of distinct individuals observed on at least one list."""
        return int(self.counts.sum())

    @property
    def masks(self) -> NDArray[np.int64]:
        """Bit mask of each observable cell, in cell order (1 .. 2**k - 1)."""
        return np.arange(1, self.n_cells + 1, dtype=np.int64)

    def patterns(self) -> NDArray[np.int64]:
        """The 0/1 pattern matrix, one row per cell and one column per list."""
        bits = np.arange(self.k, dtype=np.int64)
        return (self.masks[:, None] >> bits[None, :]) & 1

    def list_totals(self) -> dict[str, int]:
        """Number of individuals on each list."""
        totals = self.patterns().T @ self.counts
        return {name: int(total) for name, total in zip(self.lists, totals, strict=True)}

    def with_counts(self, counts: NDArray[np.int64]) -> CaptureTable:
        """A table over the same lists with other (validated) counts."""
        return CaptureTable.from_counts(self.lists, counts)

    def pattern_label(self, mask: int) -> str:
        """Readable label of a pattern, e.g. ``"A+C"``."""
        return "+".join(name for i, name in enumerate(self.lists) if mask >> i & 1)

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_counts(cls, lists: Sequence[str], counts: Iterable[object]) -> CaptureTable:
        """Build a table from the counts of all ``2**k - 1`` cells in mask order."""
        names = _check_list_names(lists)
        values = list(counts)
        expected = 2 ** len(names) - 1
        if len(values) != expected:
            raise MSEInputError(
                f"expected {expected} cell counts for {len(names)} lists, got {len(values)}"
            )
        array = np.array(
            [_as_count(v, f"cell {i + 1}") for i, v in enumerate(values)], dtype=np.int64
        )
        table = cls(lists=names, counts=array)
        _check_lists_observed(table)
        return table

    @classmethod
    def from_patterns(
        cls,
        lists: Sequence[str],
        patterns: Iterable[Sequence[object]],
        counts: Iterable[object],
        row_labels: Sequence[str] | None = None,
    ) -> CaptureTable:
        """Build a table from observed patterns (0/1 rows) and their counts.

        Patterns that are not given count 0; a pattern given twice is summed (so
        individual-level rows with count 1 are accepted). The all-zero pattern can
        only be given with count 0, because nobody on no list is observed.
        """
        names = _check_list_names(lists)
        k = len(names)
        cells = np.zeros(2**k - 1, dtype=np.int64)
        pattern_list = list(patterns)
        count_list = list(counts)
        if len(pattern_list) != len(count_list):
            raise MSEInputError(
                f"{len(pattern_list)} patterns but {len(count_list)} counts were given"
            )
        for row, (pattern, raw_count) in enumerate(zip(pattern_list, count_list, strict=True)):
            where = row_labels[row] if row_labels is not None else f"row {row + 1}"
            if len(pattern) != k:
                raise MSEInputError(
                    f"{where}: pattern has {len(pattern)} entries, expected {k} (one per list)"
                )
            mask = 0
            for i, value in enumerate(pattern):
                mask |= _as_flag(value, f"{where}, list {names[i]}") << i
            number = _as_count(raw_count, where)
            if mask == 0:
                if number != 0:
                    raise MSEInputError(
                        f"{where}: the all-zero pattern is the unknown and cannot have an "
                        f"observed count ({number})"
                    )
                continue
            cells[mask - 1] += number
        table = cls(lists=names, counts=cells)
        _check_lists_observed(table)
        return table

    @classmethod
    def from_csv_text(cls, text: str, source: str = "input") -> CaptureTable:
        """Parse CSV text: one 0/1 column per list and a ``count`` column."""
        reader = csv.reader(io.StringIO(text))
        rows = [row for row in reader if any(cell.strip() for cell in row)]
        if not rows:
            raise MSEInputError(f"{source}: the file is empty")
        if len(rows) < 2:
            raise MSEInputError(f"{source}: no data rows")
        header = [cell.strip() for cell in rows[0]]
        if COUNT_COLUMN not in header:
            raise MSEInputError(f"{source}: no '{COUNT_COLUMN}' column in the header")
        if header.count(COUNT_COLUMN) > 1:
            raise MSEInputError(f"{source}: more than one '{COUNT_COLUMN}' column")
        count_index = header.index(COUNT_COLUMN)
        list_indices = [i for i in range(len(header)) if i != count_index]
        names = [header[i] for i in list_indices]
        patterns: list[list[str]] = []
        counts: list[str] = []
        for line_number, row in enumerate(rows[1:], start=2):
            if len(row) != len(header):
                raise MSEInputError(
                    f"{source}, line {line_number}: {len(row)} fields, expected {len(header)}"
                )
            patterns.append([row[i] for i in list_indices])
            counts.append(row[count_index])
        labels = [f"{source}, line {n}" for n in range(2, len(rows) + 1)]
        try:
            return cls.from_patterns(names, patterns, counts, row_labels=labels)
        except MSEInputError as exc:
            if str(exc).startswith(source):
                raise
            raise MSEInputError(f"{source}: {exc}") from None

    @classmethod
    def from_csv(cls, path: str | Path) -> CaptureTable:
        """Read a CSV file (see :meth:`from_csv_text`)."""
        file_path = Path(path)
        try:
            text = file_path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise MSEInputError(f"{file_path}: file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise MSEInputError(f"{file_path}: cannot read the file ({exc})") from None
        return cls.from_csv_text(text, source=str(file_path))


def _check_list_names(lists: Sequence[str]) -> tuple[str, ...]:
    names = tuple(str(name).strip() for name in lists)
    if not MIN_LISTS <= len(names) <= MAX_LISTS:
        raise MSEInputError(
            f"multiple systems estimation needs {MIN_LISTS} to {MAX_LISTS} lists, got {len(names)}"
        )
    if any(not name for name in names):
        raise MSEInputError("every list needs a non-empty name")
    if len(set(names)) != len(names):
        raise MSEInputError(f"list names must be unique, got {', '.join(names)}")
    for name in names:
        if ":" in name or "," in name:
            raise MSEInputError(f"list name {name!r} must not contain ':' or ','")
    return names


def _check_lists_observed(table: CaptureTable) -> None:
    empty = [name for name, total in table.list_totals().items() if total == 0]
    if empty:
        raise MSEInputError(f"no observations on list(s) {', '.join(empty)}")
