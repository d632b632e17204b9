"""Aggregate counts of ended chats, into the monitor's count table.

The monitor declares the statistics (``monitor/counts.py``: ``chat_total`` and the
breakdowns by topic, age band, hand-off, form of exploitation and police unit); this
module says which value a conversation has for each, and adds ended conversations per
year of their start, for every police-unit filter (the unit the helper recorded, and
all) and form filter (the form recorded, and all), like the registry's rows. The
monitor's suppression decides the small numbers (the same threshold and rules as the
registrations), and the dashboards read only the count table. The retention job counts
a conversation before its transcript can be deleted, so deletion never changes the
counts; the ``counted`` mark commits in the same transaction as the counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from bovenwater.chat.models import Conversation, ConversationState
from bovenwater.monitor.counts import CHAT_STATS, Key
from bovenwater.monitor.fill import add_counts

UNKNOWN = "?"
ALL = "*"
FILL_STATE = "chat"

VALUES: dict[str, Callable[[Conversation], str]] = {
    "chat_total": lambda c: "",
    "chat_topic": lambda c: c.topic or UNKNOWN,
    "chat_age_band": lambda c: c.age_band or UNKNOWN,
    "chat_handoff": lambda c: "yes" if c.handed_off else "no",
    "chat_form": lambda c: c.form_code or UNKNOWN,
    "chat_region": lambda c: c.police_unit_code or UNKNOWN,
}
if set(VALUES) != {stat.name for stat in CHAT_STATS}:  # pragma: no cover - import guard
    raise ImportError("chat.counts.VALUES must cover the monitor's CHAT_STATS")


def contributions(conversation: Conversation) -> Iterable[Key]:
    """Every count-table cell this conversation adds one to."""
    year = timezone.localtime(conversation.created_at).year
    units = {conversation.police_unit_code or UNKNOWN, ALL}
    forms = {conversation.form_code or UNKNOWN, ALL}
    for stat in CHAT_STATS:
        value = VALUES[stat.name](conversation)
        for unit in units:
            for form in forms:
                yield (stat.name, year, unit, form, value)


@transaction.atomic
def count_ended() -> int:
    """Add the ended, not yet counted conversations to the monitor's count table and
    re-decide suppression of the years touched. Returns how many were counted."""
    todo = list(
        Conversation.objects.select_for_update()
        .filter(state=ConversationState.ENDED, counted=False)
        .order_by("pk")
    )
    if not todo:
        return 0
    counter: Counter[Key] = Counter()
    for conversation in todo:
        counter.update(contributions(conversation))
    add_counts(name=FILL_STATE, counter=counter, items=len(todo), last_id=todo[-1].pk)
    Conversation.objects.filter(pk__in=[c.pk for c in todo]).update(counted=True)
    return len(todo)
