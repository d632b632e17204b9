"""Opening hours of a chat team, with holidays; a period may run past midnight.

Times are aware datetimes in the team's local time zone: a period's start and end take
``now``'s zone, so they compare by the local clock (as the team reads its hours)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class Period:
    weekday: int  # 0 = Monday
    opens: time
    closes: time  # at or before ``opens``: the next day


def _intervals(
    periods: Iterable[Period], holidays: frozenset[date], day: date, zone: tzinfo | None
) -> list[tuple[datetime, datetime]]:
    if day in holidays:
        return []
    result = []
    for period in periods:
        if period.weekday != day.weekday():
            continue
        start = datetime.combine(day, period.opens, tzinfo=zone)
        end = datetime.combine(day, period.closes, tzinfo=zone)
        if end <= start:
            end += timedelta(days=1)
        result.append((start, end))
    return sorted(result)


def is_open(periods: Iterable[Period], holidays: frozenset[date], now: datetime) -> bool:
    """Whether ``now`` (local time) falls in an opening period."""
    periods = list(periods)
    for day in (now.date() - timedelta(days=1), now.date()):
        for start, end in _intervals(periods, holidays, day, now.tzinfo):
            if start <= now < end:
                return True
    return False


def next_opening(
    periods: Iterable[Period], holidays: frozenset[date], now: datetime
) -> datetime | None:
    """The start of the next opening period after ``now`` (within two weeks), or None."""
    periods = list(periods)
    for offset in range(15):
        for start, _end in _intervals(
            periods, holidays, now.date() + timedelta(days=offset), now.tzinfo
        ):
            if start > now:
                return start
    return None
