"""The one CSV writer of every export: cells that a spreadsheet would run are defused.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``,
``@SUM(...)``): anyone who can get text into an export (a made-up reference in the
processing log, a note, a label) could make the reader's spreadsheet fetch a URL or
run a command. Such a cell gets a leading apostrophe, which spreadsheets show as text
(OWASP's advice). A plain number written as text ("+5", "-3", "-2,5") stays as it is:
a number is no formula. This module imports nothing of Django, so the pure engines may
use it too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?%?")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """The value, or for text that a spreadsheet would evaluate, the text as text."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` with every cell passed through :func:`safe_cell`."""

    def __init__(self, target: _Writable, **options: Any) -> None:
        self._writer = csv.writer(target, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(target: _Writable, **options: Any) -> SafeWriter:
    return SafeWriter(target, **options)
