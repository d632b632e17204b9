"""What a note or a share points at: a chapter section, a card or a scenario."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from bovenwater.kompas import cards, content, training
from bovenwater.kompas.models import TargetKind
from bovenwater.reference.models import PoliceUnit


@dataclass(frozen=True)
class Target:
    kind: str
    key: str
    title: str
    url: str


def resolve(kind: str, key: str) -> Target | None:
    """The target, or None when it does not exist (anymore)."""
    if kind == TargetKind.SECTION:
        slug, _sep, anchor = key.partition("#")
        chapter = content.chapter(slug)
        if chapter is None:
            return None
        section = chapter.section(anchor)
        if section is None:
            return None
        url = reverse("kompas:chapter", args=[slug]) + f"#{anchor}"
        return Target(kind, key, f"{chapter.title} — {section.title}", url)
    if kind == TargetKind.CARD:
        if key.startswith(cards.CHAIN_PREFIX):
            unit = PoliceUnit.objects.filter(code=key.removeprefix(cards.CHAIN_PREFIX)).first()
            if unit is None:
                return None
            title = _("Ketenpartners in de regio %(unit)s") % {"unit": unit.name}
            return Target(kind, key, title, reverse("kompas:social_map"))
        card = cards.signal_card(key)
        if card is None:
            return None
        return Target(kind, key, card.title, reverse("kompas:card", args=[key]))
    if kind == TargetKind.SCENARIO:
        scenario = training.scenario(key)
        if scenario is None:
            return None
        return Target(kind, key, scenario.title, reverse("kompas:scenario", args=[key]))
    return None
