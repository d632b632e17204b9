"""Aggregate counts of ended chats for the monitor, with small-number suppression.

Declared once, like the monitor's statistics (``monitor/counts.py``): every ended
conversation adds one to the total and to one value of each breakdown (topic, form of
exploitation, region, age band, hand-off) of its month. The cells of one breakdown add
up to the month's total, so suppression is primary (a count from 1 to threshold - 1 is
hidden) and secondary (within a breakdown, hidden cells are at least two and add up to
at least the threshold, so the total minus the shown cells reveals nothing). The
threshold is the monitor's ``SMALL_NUMBER_THRESHOLD``. The counts are filled by the
retention job before a transcript can be deleted, so deletion never changes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bovenwater.chat.models import ChatCount, Conversation, ConversationState
from bovenwater.monitor.suppression import threshold

UNKNOWN = "?"


@dataclass(frozen=True)
class ChatStat:
    name: str
    label: str | Promise
    value: Callable[[Conversation], str]


STATS: tuple[ChatStat, ...] = (
    ChatStat("total", _("Totaal"), lambda c: ""),
    ChatStat("topic", _("Onderwerp"), lambda c: c.topic or UNKNOWN),
    ChatStat("form", _("Uitbuitingsvorm"), lambda c: c.form_code or UNKNOWN),
    ChatStat("region", _("Regio (politie-eenheid)"), lambda c: c.police_unit_code or UNKNOWN),
    ChatStat("age_band", _("Leeftijd"), lambda c: c.age_band or UNKNOWN),
    ChatStat("handoff", _("Warm overgedragen"), lambda c: "yes" if c.handed_off else "no"),
)

Cell = tuple[str, int, int, str]  # stat, year, month, value


def contributions(conversation: Conversation) -> Iterable[Cell]:
    started = timezone.localtime(conversation.created_at)
    for stat in STATS:
        yield (stat.name, started.year, started.month, stat.value(conversation))


def suppressed_cells(counts: dict[Cell, int], limit: int) -> set[Cell]:
    """The cells that must not be shown (see the module docstring)."""
    hidden = {cell for cell, n in counts.items() if 0 < n < limit}
    groups: dict[tuple[str, int, int], list[Cell]] = {}
    for cell in counts:
        if cell[0] != "total":
            groups.setdefault((cell[0], cell[1], cell[2]), []).append(cell)
    for cells in groups.values():
        parts = [c for c in cells if counts[c] > 0]
        hidden_parts = [c for c in parts if c in hidden]
        if not hidden_parts:
            continue
        shown = sorted((c for c in parts if c not in hidden), key=lambda c: (counts[c], c))
        total_hidden = sum(counts[c] for c in hidden_parts)
        while shown and (len(hidden_parts) < 2 or total_hidden < limit):
            extra = shown.pop(0)
            hidden.add(extra)
            hidden_parts.append(extra)
            total_hidden += counts[extra]
    return hidden


@transaction.atomic
def count_ended() -> int:
    """Add the ended, not yet counted conversations; re-decide suppression of the
    months touched. Returns how many conversations were counted."""
    todo = list(Conversation.objects.filter(state=ConversationState.ENDED, counted=False))
    if not todo:
        return 0
    counter: Counter[Cell] = Counter()
    for conversation in todo:
        counter.update(contributions(conversation))
    for (stat, year, month, value), amount in counter.items():
        row, created = ChatCount.objects.get_or_create(
            stat=stat, year=year, month=month, value=value, defaults={"count": amount}
        )
        if not created:
            ChatCount.objects.filter(pk=row.pk).update(count=F("count") + amount)
    Conversation.objects.filter(pk__in=[c.pk for c in todo]).update(counted=True)
    resuppress({(year, month) for _stat, year, month, _value in counter})
    return len(todo)


def resuppress(months: set[tuple[int, int]]) -> None:
    limit = threshold()
    for year, month in months:
        rows = list(ChatCount.objects.filter(year=year, month=month))
        hidden = suppressed_cells(
            {(r.stat, r.year, r.month, r.value): r.count for r in rows}, limit
        )
        for row in rows:
            should = (row.stat, row.year, row.month, row.value) in hidden
            if row.suppressed != should:
                ChatCount.objects.filter(pk=row.pk).update(suppressed=should)
