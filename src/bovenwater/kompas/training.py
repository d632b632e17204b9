"""Case scenarios (casussen) for the training, and their scoring. Pure, no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import yaml

from bovenwater.kompas.content import CONTENT_DIR, ContentError, chapter

KINDS = ("choice", "signals")


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    prompt: str
    options: tuple[Option, ...]

    @property
    def max_points(self) -> int:
        return 1 if self.kind == "choice" else len(self.options)


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    theme: str
    chapter: str
    vignette: str
    questions: tuple[Question, ...]

    @property
    def max_points(self) -> int:
        return sum(q.max_points for q in self.questions)


@dataclass(frozen=True)
class OptionResult:
    option: Option
    selected: bool

    @property
    def judged_right(self) -> bool:
        return self.selected == self.option.correct


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    options: tuple[OptionResult, ...]
    points: int


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    questions: tuple[QuestionResult, ...]

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)

    @property
    def max_points(self) -> int:
        return self.scenario.max_points


def _scenario(raw: Mapping[str, object]) -> Scenario:
    slug = str(raw["slug"])
    if chapter(str(raw["chapter"])) is None:
        raise ContentError(f"scenario {slug}: unknown chapter {raw['chapter']!r}")
    questions = []
    raw_questions = raw["questions"]
    assert isinstance(raw_questions, list)
    for q_index, q in enumerate(raw_questions, start=1):
        kind = str(q["kind"])
        if kind not in KINDS:
            raise ContentError(f"scenario {slug}: unknown question kind {kind!r}")
        options = tuple(
            Option(
                key=f"o{o_index}",
                text=str(o["text"]),
                correct=bool(o["correct"]),
                feedback=str(o["feedback"]),
            )
            for o_index, o in enumerate(q["options"], start=1)
        )
        if kind == "choice" and sum(o.correct for o in options) != 1:
            raise ContentError(f"scenario {slug}: a choice question needs one correct option")
        questions.append(
            Question(key=f"q{q_index}", kind=kind, prompt=str(q["prompt"]), options=options)
        )
    return Scenario(
        slug=slug,
        title=str(raw["title"]),
        theme=str(raw["theme"]),
        chapter=str(raw["chapter"]),
        vignette=str(raw["vignette"]),
        questions=tuple(questions),
    )


@cache
def scenarios() -> tuple[Scenario, ...]:
    data = yaml.safe_load((CONTENT_DIR / "scenarios.yaml").read_text(encoding="utf-8"))
    return tuple(_scenario(raw) for raw in data["scenarios"])


def scenario(slug: str) -> Scenario | None:
    return next((s for s in scenarios() if s.slug == slug), None)


def score(item: Scenario, answers: Mapping[str, Sequence[str]]) -> ScenarioResult:
    """Score answers ``{question key: [option keys]}``.

    A choice question gives one point for the correct option. A signals question gives a
    point per option judged right (selected when it is a signal, left out when not).
    """
    results = []
    for question in item.questions:
        chosen = set(answers.get(question.key, ()))
        options = tuple(OptionResult(option=o, selected=o.key in chosen) for o in question.options)
        if question.kind == "choice":
            points = int(len(chosen) == 1 and any(r.selected and r.option.correct for r in options))
        else:
            points = sum(r.judged_right for r in options)
        results.append(QuestionResult(question=question, options=options, points=points))
    return ScenarioResult(scenario=item, questions=tuple(results))
