"""What a note or a share points at: a chapter section, a card or a scenario."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from bovenwater.kompas import cards, content, training
from bovenwater.kompas.models import HelpCategory, HelpEntry, TargetKind
from bovenwater.reference.models import Indicator, PoliceUnit

HELP_PREFIX = "hulp-"


@dataclass(frozen=True)
class Target:
    kind: str
    key: str
    title: str
    url: str
    lang: str = ""  # "nl" for a title that exists only in Dutch


def exists(kind: str, key: str) -> bool:
    """Whether a new note or share may point at this (a section must still exist)."""
    if kind == TargetKind.SECTION:
        slug, _sep, anchor = key.partition("#")
        chapter = content.chapter(slug)
        return chapter is not None and chapter.section(anchor) is not None
    return resolve(kind, key) is not None


def paragraph(key: str, paragraph_key: str) -> content.Paragraph | None:
    slug, _sep, anchor = key.partition("#")
    chapter = content.chapter(slug)
    section = chapter.section(anchor) if chapter is not None else None
    return section.paragraph(paragraph_key) if section is not None else None


def resolve(kind: str, key: str) -> Target | None:
    """The target, or None when it does not exist (anymore). A section that was removed
    from a chapter still resolves to its chapter, so notes on it stay reachable."""
    if kind == TargetKind.SECTION:
        slug, _sep, anchor = key.partition("#")
        chapter = content.chapter(slug)
        if chapter is None:
            return None
        section = chapter.section(anchor)
        if section is None:
            title = _("%(chapter)s — paragraaf niet meer gevonden") % {"chapter": chapter.title}
            return Target(kind, key, title, reverse("kompas:chapter", args=[slug]))
        url = reverse("kompas:chapter", args=[slug]) + f"#{anchor}"
        return Target(kind, key, f"{chapter.title} — {section.title}", url)
    if kind == TargetKind.CARD:
        if key.startswith(cards.CHAIN_PREFIX):
            unit = PoliceUnit.objects.filter(code=key.removeprefix(cards.CHAIN_PREFIX)).first()
            if unit is None:
                return None
            title = _("Ketenpartners in de regio %(unit)s") % {"unit": unit.name}
            return Target(kind, key, title, reverse("kompas:social_map"))
        if key.startswith(HELP_PREFIX):
            entry = HelpEntry.objects.filter(pk=key.removeprefix(HELP_PREFIX)).first()
            if entry is None:
                return None
            url = reverse("kompas:help_entry", args=[entry.pk])
            return Target(kind, key, entry.name, url)
        card = cards.signal_card(key)
        if card is None:
            return None
        return Target(kind, key, card.title, reverse("kompas:card", args=[key]))
    if kind == TargetKind.SCENARIO:
        scenario = training.scenario(key)
        if scenario is None:
            return None
        url = reverse("kompas:scenario", args=[key])
        return Target(kind, key, scenario.title, url, "nl")
    return None


def resolve_link(link: str) -> Target | None:
    """A handbook cross-reference ``kind:key`` (hoofdstuk, kaart, casus, indicator,
    sociale-kaart) as a target with a URL, or None when it does not resolve."""
    kind, _sep, key = link.partition(":")
    if kind == "hoofdstuk":
        slug, _s, anchor = key.partition("#")
        chapter = content.chapter(slug)
        if chapter is None or (anchor and chapter.section(anchor) is None):
            return None
        url = reverse("kompas:chapter", args=[slug]) + (f"#{anchor}" if anchor else "")
        return Target(kind, key, chapter.display_title, url, chapter.display_lang)
    if kind == "kaart":
        return resolve(TargetKind.CARD, key)
    if kind == "casus":
        return resolve(TargetKind.SCENARIO, key)
    if kind == "indicator":
        indicator = Indicator.objects.current().filter(code=key).first()
        if indicator is None:
            return None
        card = cards.card_for_indicator(indicator.code)
        if card is None:
            return None
        url = reverse("kompas:card", args=[card.key]) + f"#indicator-{indicator.code}"
        return Target(kind, key, indicator.name, url)
    if kind == "sociale-kaart":
        if key not in HelpCategory.values:
            return None
        url = reverse("kompas:social_map") + f"?soort={key}"
        return Target(kind, key, str(HelpCategory(key).label), url)
    return None
