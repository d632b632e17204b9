"""Template filters for numbers and dates in the interface language (``core.formatting``)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html

from bovenwater.lib import formatting

register = template.Library()


@register.filter
def num(value: int | float | Decimal | str | None, places: int = 0) -> str:
    """``{{ count|num }}`` → 1.150 (nl) / 1,150 (en); ``{{ risk|num:2 }}`` → 0,93 / 0.93."""
    return formatting.number(value, int(places))


@register.filter
def day(value: object) -> str:
    """``{{ moment|day }}`` → 7 december 2026; accepts dates, moments and ISO strings."""
    return formatting.date(value)


@register.filter
def moment(value: object) -> str:
    """``{{ moment|moment }}`` → 7 december 2026 14:05 in the platform's time zone."""
    return formatting.date_time(value)


@register.filter
def nl(value: object) -> str:
    """``{{ chapter.title|nl }}``: Dutch-only content, marked ``lang="nl"`` in another UI.

    Kompas chapters, section titles and other texts that exist only in Dutch keep their
    language for screen readers and the browser's translation (WCAG 3.1.2, language of
    parts); on a Dutch page the mark is left out.
    """
    if value in (None, ""):
        return ""
    if (translation.get_language() or "nl").startswith("nl"):
        return conditional_escape(str(value))
    return format_html('<span lang="nl">{}</span>', value)
