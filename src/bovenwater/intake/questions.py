"""The public report's questions as data (``data/public_questions.yaml``).

A citizen first says roughly what they saw (a category); the page then asks the plain
questions of that category and those that always apply. Every question stands for one
or more indicators of the catalogues, so a ticked question records those indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "public_questions.yaml"


@dataclass(frozen=True)
class Question:
    key: str
    nl: str
    en: str
    indicators: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.en if (get_language() or "nl").startswith("en") else self.nl


@dataclass(frozen=True)
class Category:
    key: str
    label_nl: str
    label_en: str
    hint_nl: str
    hint_en: str
    questions: tuple[Question, ...]

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "nl").startswith("en") else self.label_nl

    @property
    def hint(self) -> str:
        return self.hint_en if (get_language() or "nl").startswith("en") else self.hint_nl


def _question(raw: dict[str, object]) -> Question:
    indicators = raw.get("indicators") or []
    assert isinstance(indicators, list)
    return Question(str(raw["key"]), str(raw["nl"]), str(raw["en"]), tuple(map(str, indicators)))


@cache
def _load() -> tuple[tuple[Category, ...], tuple[Question, ...]]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    categories = tuple(
        Category(
            key=str(c["key"]),
            label_nl=str(c["label_nl"]),
            label_en=str(c["label_en"]),
            hint_nl=str(c.get("hint_nl", "")),
            hint_en=str(c.get("hint_en", "")),
            questions=tuple(_question(q) for q in c.get("questions") or []),
        )
        for c in raw["categories"]
    )
    always = tuple(_question(q) for q in raw.get("always") or [])
    return categories, always


def categories() -> tuple[Category, ...]:
    return _load()[0]


def always_asked() -> tuple[Question, ...]:
    return _load()[1]


def every_question() -> tuple[Question, ...]:
    return tuple(q for c in categories() for q in c.questions) + always_asked()


def indicators_for(keys: list[str]) -> list[str]:
    """The indicator codes the ticked questions stand for, in catalogue order, once each."""
    chosen = set(keys)
    codes: list[str] = []
    for question in every_question():
        if question.key in chosen:
            codes.extend(code for code in question.indicators if code not in codes)
    return codes
