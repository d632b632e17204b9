"""Signal cards (kaarten), generated from the indicator catalogue, and chain-partner cards.

A card key is ``vorm-<form code>``, ``werkveld-<domain>`` or ``keten-<police unit code>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import yaml
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from bovenwater.kompas.content import CONTENT_DIR
from bovenwater.reference.constants import DOMAIN_LABELS
from bovenwater.reference.models import ExploitationForm, Indicator

FORM_PREFIX = "vorm-"
DOMAIN_PREFIX = "werkveld-"
CHAIN_PREFIX = "keten-"


@dataclass(frozen=True)
class CardGroup:
    title: str
    indicators: list[Indicator]


@dataclass
class Card:
    key: str
    title: str
    intro: str
    kind: str  # "form", "domain" or "chain"
    groups: list[CardGroup] = field(default_factory=list)
    attention: str = ""

    @property
    def indicator_codes(self) -> set[str]:
        return {i.code for g in self.groups for i in g.indicators}


@cache
def attention_notes() -> dict[str, str]:
    """The "Let op" text per card key (``content/cards.yaml``)."""
    data = yaml.safe_load((CONTENT_DIR / "cards.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v).strip() for k, v in data["cards"].items()}


def _indicators() -> list[Indicator]:
    return list(
        Indicator.objects.current()
        .prefetch_related(Prefetch("forms", queryset=ExploitationForm.objects.current()))
        .order_by("catalogue", "position", "code")
    )


def _grouped(indicators: list[Indicator]) -> list[CardGroup]:
    labels = dict(Indicator.Catalogue.choices)
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.catalogue, []).append(indicator)
    return [
        CardGroup(title=str(labels[value]), indicators=groups[value])
        for value in Indicator.Catalogue.values
        if value in groups
    ]


def signal_cards() -> list[Card]:
    """One card per form of exploitation and one per work domain that has indicators."""
    indicators = _indicators()
    cards: list[Card] = []
    for form in ExploitationForm.objects.current().order_by("position"):
        selected = [i for i in indicators if any(f.pk == form.pk for f in i.forms.all())]
        if selected:
            cards.append(
                Card(
                    key=f"{FORM_PREFIX}{form.code.lower()}",
                    title=_("Signalen: %(form)s") % {"form": form.name},
                    intro=form.description_nl if form.description_nl else "",
                    kind="form",
                    groups=_grouped(selected),
                    attention=attention_notes().get(f"{FORM_PREFIX}{form.code.lower()}", ""),
                )
            )
    for domain, label in DOMAIN_LABELS.items():
        selected = [i for i in indicators if domain in i.domains]
        if selected:
            cards.append(
                Card(
                    key=f"{DOMAIN_PREFIX}{domain}",
                    title=_("Signalen voor het werkveld %(domain)s") % {"domain": label},
                    intro=_(
                        "Signalen die u in dit werkveld kunt zien. Eén signaal bewijst niets; "
                        "een combinatie is reden om te overleggen met de aandachtsfunctionaris."
                    ),
                    kind="domain",
                    groups=_grouped(selected),
                )
            )
    return cards


def signal_card(key: str) -> Card | None:
    if not key.startswith((FORM_PREFIX, DOMAIN_PREFIX)):
        return None
    return next((c for c in signal_cards() if c.key == key), None)


def card_for_indicator(code: str) -> Card | None:
    """The first card (forms before work domains) that lists this indicator."""
    return next((c for c in signal_cards() if code in c.indicator_codes), None)
