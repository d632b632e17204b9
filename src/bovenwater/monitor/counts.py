"""Every statistic of the monitor, declared once.

A statistic counts registrations per year, for every police-unit filter (one unit or
all, ``*``) and every form filter (one form or all), broken down by one dimension. A
registration counts once in each cell it belongs to; forms, methods and municipalities
of plaats delict are multi-valued (a registration can be in several cells), the other
dimensions are single-valued (their cells add up to the total).

The police unit is the region of the reporting unit (as CoMensha reports it); the map
uses the municipality of plaats delict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bovenwater.monitor.models import ALL, UNKNOWN


@dataclass(frozen=True)
class Facts:
    """What the count tables need of one registration (no personal data)."""

    registration_id: int
    year: int
    police_unit: str
    melder: str
    minor: str
    gender: str
    nationality_group: str
    nationality: str
    forms: tuple[str, ...]
    methods: tuple[str, ...]
    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class CountStat:
    name: str
    label: str | Promise
    single_valued: bool
    values: Callable[[Facts], Iterable[str]]


def _or_unknown(values: tuple[str, ...]) -> tuple[str, ...]:
    return values or (UNKNOWN,)


TOTAL = "total"

STATS: tuple[CountStat, ...] = (
    CountStat(TOTAL, _("Totaal"), True, lambda f: ("",)),
    CountStat("form", _("Uitbuitingsvorm"), False, lambda f: _or_unknown(f.forms)),
    CountStat("melder", _("Soort melder"), True, lambda f: (f.melder,)),
    CountStat("minor", _("Minderjarig"), True, lambda f: (f.minor,)),
    CountStat("gender", _("Gender"), True, lambda f: (f.gender,)),
    CountStat(
        "nationality_group",
        _("Nederlands / niet-Nederlands"),
        True,
        lambda f: (f.nationality_group,),
    ),
    CountStat("nationality", _("Nationaliteit"), True, lambda f: (f.nationality,)),
    CountStat(
        "method", _("Methode van werving en controle"), False, lambda f: _or_unknown(f.methods)
    ),
    CountStat(
        "municipality",
        _("Gemeente van plaats delict"),
        False,
        lambda f: _or_unknown(f.municipalities),
    ),
    CountStat("police_unit", _("Politie-eenheid"), True, lambda f: (f.police_unit,)),
)
STATS_BY_NAME: dict[str, CountStat] = {stat.name: stat for stat in STATS}

Key = tuple[str, int, str, str, str]  # stat, year, police unit filter, form filter, value


def contributions(facts: Facts) -> Iterable[Key]:
    """Every count-table cell this registration adds one to."""
    units = (facts.police_unit, ALL)
    forms = (*_or_unknown(facts.forms), ALL)
    for stat in STATS:
        values = set(stat.values(facts))
        for unit in units:
            for form in forms:
                for value in values:
                    yield (stat.name, facts.year, unit, form, value)
