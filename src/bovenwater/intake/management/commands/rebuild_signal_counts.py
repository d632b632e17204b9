"""Recompute the signal count table from the signals (``--check``: only compare)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bovenwater.intake.counts import signal_counts_rebuild
from bovenwater.lib.count_tables import RebuildCountsCommand


class Command(RebuildCountsCommand):
    help = (
        "Recompute the number of signals per receiving organisation, state and response "
        "date from the signals (after a bulk load); --check only reports differences."
    )
    noun = "signal"

    def rebuild(self, *, check_only: bool) -> Mapping[tuple[Any, ...], int]:
        return signal_counts_rebuild(check_only=check_only)

    def describe(self, key: tuple[Any, ...]) -> str:
        organisation_id, state, due = key
        return f"organisation {organisation_id}, state {state}, due {due}"
