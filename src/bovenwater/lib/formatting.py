"""Numbers and dates as a reader of the interface language expects them.

One place decides how Bovenwater writes a number or a date: Dutch pages write
``1.150`` and ``0,93`` and ``7 december 2026``, English pages ``1,150``, ``0.93`` and
``7 December 2026``. Templates use the filters in ``core.templatetags.bw_format``; code
that writes text (a signal's description, a CSV, a chart's axis) calls these functions.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import formats, numberformat, timezone
from django.utils.translation import override

DATE = "j F Y"
DATE_TIME = "j F Y H:i"


def number(value: int | float | Decimal | str | None, places: int = 0) -> str:
    """``value`` with the digit grouping and decimal sign of the active language."""
    if value is None or value == "":
        return "—"
    try:
        numeric = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return numberformat.format(
        numeric,
        str(formats.get_format("DECIMAL_SEPARATOR")),
        decimal_pos=places,
        grouping=3,
        thousand_sep=str(formats.get_format("THOUSAND_SEPARATOR")),
        force_grouping=True,
    )


def number_in(language: str, value: int | float | Decimal | str | None, places: int = 0) -> str:
    with override(language):
        return number(value, places)


def _as_datetime(value: object) -> datetime.date | datetime.datetime | None:
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    if isinstance(value, str) and value:
        text = value.strip().replace("Z", "+00:00")
        try:
            if len(text) <= 10:
                return datetime.date.fromisoformat(text)
            return datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    return None


def date(value: object) -> str:
    """A date (or the date of a moment, or an ISO string) as ``7 december 2026``."""
    moment = _as_datetime(value)
    if moment is None:
        return "—"
    if isinstance(moment, datetime.datetime):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        moment = moment.date()
    return formats.date_format(moment, DATE)


def date_time(value: object) -> str:
    """A moment as ``7 december 2026 14:05`` in the platform's time zone."""
    moment = _as_datetime(value)
    if moment is None:
        return "—"
    if not isinstance(moment, datetime.datetime):
        return date(moment)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, DATE_TIME)


def date_in(language: str, value: object) -> str:
    with override(language):
        return date(value)
