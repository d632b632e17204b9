"""The self-assessment yardstick (Kader Aanpak Mensenhandel + basisniveau) and its scoring.

Pure: statements come from ``content/assessment.yaml``; answers are ``{code: 0|1|2}``
(nee, deels, ja). A score is the share of the maximum, in whole percent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import yaml
from django.utils.translation import gettext_lazy as _

from bovenwater.kompas.content import CONTENT_DIR

ANSWERS = ((0, _("Nee")), (1, _("Deels")), (2, _("Ja")))
MAX_ANSWER = 2
PLATEAUS = (("basis", _("Basis")), ("verdieping", _("Verdieping")))


@dataclass(frozen=True)
class Statement:
    code: str
    text: str
    theme: str  # theme code, or "basisniveau"
    plateau: str  # "basis", "verdieping" or "" for the basisniveau criteria


@dataclass(frozen=True)
class Theme:
    code: str
    title: str
    statements: tuple[Statement, ...]

    def plateau(self, plateau: str) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.plateau == plateau)


@dataclass(frozen=True)
class Yardstick:
    themes: tuple[Theme, ...]
    basisniveau: tuple[Statement, ...]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for t in self.themes for s in t.statements) + self.basisniveau

    def statement(self, code: str) -> Statement | None:
        return next((s for s in self.statements if s.code == code), None)

    def theme(self, code: str) -> Theme | None:
        return next((t for t in self.themes if t.code == code), None)


@cache
def yardstick() -> Yardstick:
    data = yaml.safe_load((CONTENT_DIR / "assessment.yaml").read_text(encoding="utf-8"))
    themes = []
    for raw in data["themes"]:
        statements = [
            Statement(code=s["code"], text=s["text"], theme=raw["code"], plateau=plateau)
            for plateau, _label in PLATEAUS
            for s in raw[plateau]
        ]
        themes.append(Theme(code=raw["code"], title=raw["title"], statements=tuple(statements)))
    basis = tuple(
        Statement(code=s["code"], text=s["text"], theme="basisniveau", plateau="")
        for s in data["basisniveau"]
    )
    return Yardstick(themes=tuple(themes), basisniveau=basis)


def percent(statements: tuple[Statement, ...], answers: Mapping[str, int]) -> int:
    if not statements:
        return 0
    total = sum(min(max(int(answers.get(s.code, 0)), 0), MAX_ANSWER) for s in statements)
    return round(100 * total / (MAX_ANSWER * len(statements)))


@dataclass(frozen=True)
class ThemeScore:
    theme: Theme
    basis: int
    verdieping: int


@dataclass(frozen=True)
class Scores:
    themes: tuple[ThemeScore, ...]
    basisniveau: int
    basisniveau_met: bool
    gaps: tuple[Statement, ...]


def scores(answers: Mapping[str, int]) -> Scores:
    stick = yardstick()
    themes = tuple(
        ThemeScore(
            theme=t,
            basis=percent(t.plateau("basis"), answers),
            verdieping=percent(t.plateau("verdieping"), answers),
        )
        for t in stick.themes
    )
    gaps = tuple(s for s in stick.statements if int(answers.get(s.code, 0)) < MAX_ANSWER)
    basis = percent(stick.basisniveau, answers)
    return Scores(themes=themes, basisniveau=basis, basisniveau_met=basis == 100, gaps=gaps)
