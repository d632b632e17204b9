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

# The anonymous chat's statistics, in the same count table: ended conversations per year
# (of their start), with the police unit and the form of exploitation the helper
# recorded as the two filters, so the dashboard's filters apply to them too. They are
# filled by the chat (``chat/counts.py``, through ``fill.add_counts``), which knows the
# conversations; a full rebuild from the registry leaves them alone (transcripts are
# deleted after their retention period, so these counts cannot be rebuilt). Every
# statistic is single-valued: its cells add up to ``chat_total`` of the same view.
CHAT_PREFIX = "chat_"
CHAT_TOTAL = "chat_total"


def _filled_by_chat(facts: Facts) -> Iterable[str]:
    return ()


CHAT_STATS: tuple[CountStat, ...] = (
    CountStat(CHAT_TOTAL, _("Chatgesprekken met jongeren"), True, _filled_by_chat),
    CountStat("chat_topic", _("Onderwerp van het gesprek"), True, _filled_by_chat),
    CountStat("chat_age_band", _("Leeftijd van de jongere"), True, _filled_by_chat),
    CountStat("chat_handoff", _("Warm overgedragen naar hulp"), True, _filled_by_chat),
    CountStat("chat_form", _("Uitbuitingsvorm (volgens de chathulp)"), True, _filled_by_chat),
    CountStat("chat_region", _("Politie-eenheid (volgens de chathulp)"), True, _filled_by_chat),
)
STATS_BY_NAME: dict[str, CountStat] = {stat.name: stat for stat in (*STATS, *CHAT_STATS)}


def total_of(stat: str) -> str:
    """The statistic whose cells a breakdown adds up to (within one view)."""
    return CHAT_TOTAL if stat.startswith(CHAT_PREFIX) else TOTAL


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
