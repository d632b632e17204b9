"""The signal count table (``SignalCount``): kept by the intake write path, read by the
home page and the inbox totals.

Every change that moves a signal in or out of an organisation's count goes through
``count_signal`` inside the caller's transaction: a recipient added (routing,
forwarding), a transition (the signal leaves one state for another), a deletion
(retention). ``signal_counts_rebuild`` recomputes the table from the signals after a
bulk load, or reports the difference (``manage.py rebuild_signal_counts --check``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import models, transaction
from django.db.models import F, Sum
from django.db.models.functions import Greatest

from bovenwater.intake.models import Signal, SignalCount, SignalRecipient
from bovenwater.lib.count_tables import drift


def _add(*, organisation_id: int, state: str, due_date: date, delta: int) -> None:
    rows = SignalCount.objects.filter(
        organisation_id=organisation_id, state=state, due_date=due_date
    )
    if delta < 0:
        # Never below zero: a table that drifted (a bulk load without a rebuild) must not
        # stop a transition or a deletion the law requires; ``--check`` shows the drift.
        rows.update(count=Greatest(F("count") + delta, 0))
        return
    if rows.update(count=F("count") + delta):
        return
    # First use of this key; a concurrent first use is caught by the unique constraint.
    SignalCount.objects.get_or_create(
        organisation_id=organisation_id, state=state, due_date=due_date
    )
    rows.update(count=F("count") + delta)


def count_signal(
    *, signal: Signal, delta: int, organisation_ids: Iterable[int] | None = None
) -> None:
    """Add ``delta`` to the count of ``signal``'s state and response date for each of
    ``organisation_ids`` (default: every recipient of the signal)."""
    if organisation_ids is None:
        organisation_ids = SignalRecipient.objects.filter(signal=signal).values_list(
            "organisation_id", flat=True
        )
    for organisation_id in sorted(organisation_ids):
        _add(
            organisation_id=organisation_id,
            state=signal.state,
            due_date=signal.due_date,
            delta=delta,
        )


def received_count(
    *, organisation_id: int, states: Iterable[str], due_before: date | None = None
) -> int:
    """How many signals in ``states`` the organisation has received (with a response
    date before ``due_before``, if given), read from the count table."""
    rows = SignalCount.objects.filter(organisation_id=organisation_id, state__in=list(states))
    if due_before is not None:
        rows = rows.filter(due_date__lt=due_before)
    return int(rows.aggregate(n=Sum("count"))["n"] or 0)


def signal_counts_rebuild(*, check_only: bool = False) -> dict[tuple[int, str, date], int]:
    """Recompute the count table from the signals (after a bulk load, or to repair it).

    Returns the counts that differed before the rebuild, as ``{(organisation id, state,
    response date): stored - actual}``; empty when the table was right. With
    ``check_only`` nothing is written.
    """
    with transaction.atomic():
        # Lock the table: a service running meanwhile would otherwise update a row
        # between the recount and the rewrite.
        list(SignalCount.objects.select_for_update().values_list("pk"))
        actual = {
            (row["organisation_id"], row["signal__state"], row["signal__due_date"]): row["n"]
            for row in SignalRecipient.objects.order_by()
            .values("organisation_id", "signal__state", "signal__due_date")
            .annotate(n=models.Count("pk"))
        }
        stored = {
            (c.organisation_id, c.state, c.due_date): c.count
            for c in SignalCount.objects.filter(count__gt=0)
        }
        found = drift(stored, actual)
        if found and not check_only:
            SignalCount.objects.all().delete()
            SignalCount.objects.bulk_create(
                SignalCount(organisation_id=organisation_id, state=state, due_date=due, count=n)
                for (organisation_id, state, due), n in sorted(actual.items())
            )
    return found
