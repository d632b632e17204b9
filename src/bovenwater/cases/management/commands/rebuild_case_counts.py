"""Recompute the case list's count table from the cases (``--check``: only compare)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bovenwater.cases.services import case_counts_rebuild
from bovenwater.lib.count_tables import RebuildCountsCommand


class Command(RebuildCountsCommand):
    help = (
        "Recompute the number of cases per organisation and state from the cases "
        "(after a bulk load); --check only reports differences."
    )
    noun = "case"

    def rebuild(self, *, check_only: bool) -> Mapping[tuple[Any, ...], int]:
        return case_counts_rebuild(check_only=check_only)

    def describe(self, key: tuple[Any, ...]) -> str:
        owner_id, state = key
        return f"organisation {owner_id}, state {state}"
