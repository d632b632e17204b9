"""Response deadlines in working days, per kind of signal and urgency."""

from __future__ import annotations

from datetime import date, timedelta

from bovenwater.intake.models import SignalKind, Urgency

# Working days to a first response. Acute signals the same or next working day.
RESPONSE_WORKING_DAYS: dict[tuple[SignalKind, Urgency], int] = {
    (SignalKind.PUBLIC, Urgency.LOW): 10,
    (SignalKind.PUBLIC, Urgency.NORMAL): 5,
    (SignalKind.PUBLIC, Urgency.HIGH): 2,
    (SignalKind.PUBLIC, Urgency.ACUTE): 1,
    (SignalKind.PROFESSIONAL, Urgency.LOW): 10,
    (SignalKind.PROFESSIONAL, Urgency.NORMAL): 5,
    (SignalKind.PROFESSIONAL, Urgency.HIGH): 2,
    (SignalKind.PROFESSIONAL, Urgency.ACUTE): 1,
}


def add_working_days(start: date, days: int) -> date:
    """``start`` plus ``days`` working days (Monday to Friday)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def due_date(kind: SignalKind, urgency: Urgency, received: date) -> date:
    return add_working_days(received, RESPONSE_WORKING_DAYS[(kind, urgency)])
