"""Date arithmetic of cases: the B8 reflection period."""

from __future__ import annotations

import calendar
import datetime

REFLECTION_MONTHS = 3


REFLECTION_DAYS_DUBLIN = 30


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reflection_deadline(*, started_on: datetime.date, dublin_claimant: bool) -> datetime.date:
    """End of the B8 reflection period: 3 months, or 30 days for a Dublin claimant."""
    if dublin_claimant:
        return started_on + datetime.timedelta(days=REFLECTION_DAYS_DUBLIN)
    return add_months(started_on, REFLECTION_MONTHS)
