"""Opening hours of a chat team, with holidays; a period may run past midnight."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class Period:
    weekday: int  # 0 = Monday
    opens: time
    closes: time  # at or before ``opens``: the next day


def _intervals(
    periods: Iterable[Period], holidays: frozenset[date], day: date
) -> list[tuple[datetime, datetime]]:
    if day in holidays:
        return []
    result = []
    for period in periods:
        if period.weekday != day.weekday():
            continue
        start = datetime.combine(day, period.opens)
        end = datetime.combine(day, period.closes)
        if end <= start:
            end += timedelta(days=1)
        result.append((start, end))
    return sorted(result)


def is_open(periods: Iterable[Period], holidays: frozenset[date], now: datetime) -> bool:
    """Whether ``now`` (naive local time) falls in an opening period."""
    periods = list(periods)
    for day in (now.date() - timedelta(days=1), now.date()):
        for start, end in _intervals(periods, holidays, day):
            if start <= now < end:
                return True
    return False


def next_opening(
    periods: Iterable[Period], holidays: frozenset[date], now: datetime
) -> datetime | None:
    """The start of the next opening period after ``now`` (within two weeks), or None."""
    periods = list(periods)
    for offset in range(15):
        for start, _end in _intervals(periods, holidays, now.date() + timedelta(days=offset)):
            if start > now:
                return start
    return None
