"""Learning paths per role and their knowledge checks. No database.

``content/paths.yaml`` lists the paths (role, modules, pass mark, size of the final
assessment); ``content/questions.yaml`` holds a question bank per module (a handbook
chapter). A check draws ``CHECK_SIZE`` questions from the bank in a random order with
shuffled options; what was drawn travels signed with the form, so a learner cannot
choose easier questions or change them.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import yaml

from bovenwater.kompas.content import CONTENT_DIR, ContentError, chapter
from bovenwater.kompas.training import scenario

CHECK_SIZE = 5
MIN_BANK = 7
DEFAULT_PASS_MARK = 70
DEFAULT_FINAL_SIZE = 10


@dataclass(frozen=True)
class Question:
    id: str
    module: str
    text: str
    options: tuple[str, ...]  # the first option is the correct one (in the file)
    why: str


@dataclass(frozen=True)
class Path:
    slug: str
    title: str
    role: str
    intro: str
    modules: tuple[str, ...]
    pass_mark: int
    final_size: int
    scenarios: tuple[str, ...]


def _question(module: str, raw: Mapping[str, object]) -> Question:
    text = str(raw["q"]).strip()
    options = raw.get("options")
    if not isinstance(options, list) or not 3 <= len(options) <= 5:
        raise ContentError(f"question in {module}: needs 3 to 5 options: {text!r}")
    return Question(
        id=hashlib.sha256(f"{module}:{text}".encode()).hexdigest()[:10],
        module=module,
        text=text,
        options=tuple(str(o).strip() for o in options),
        why=str(raw.get("why", "")).strip(),
    )


@cache
def banks() -> dict[str, tuple[Question, ...]]:
    data = yaml.safe_load((CONTENT_DIR / "questions.yaml").read_text(encoding="utf-8"))
    result: dict[str, tuple[Question, ...]] = {}
    for module, items in data["modules"].items():
        if chapter(module) is None:
            raise ContentError(f"questions for unknown chapter {module!r}")
        questions = tuple(_question(module, q) for q in items)
        if len(questions) < MIN_BANK:
            raise ContentError(f"{module}: a bank needs at least {MIN_BANK} questions")
        if len({q.id for q in questions}) != len(questions):
            raise ContentError(f"{module}: duplicate questions")
        result[module] = questions
    return result


@cache
def paths() -> tuple[Path, ...]:
    data = yaml.safe_load((CONTENT_DIR / "paths.yaml").read_text(encoding="utf-8"))

    items = []
    for raw in data["paths"]:
        modules = tuple(str(m) for m in raw["modules"])
        missing = [m for m in modules if m not in banks()]
        if missing:
            raise ContentError(f"path {raw['slug']}: modules without a question bank {missing}")
        pass_mark = int(raw.get("pass_mark", DEFAULT_PASS_MARK))
        if not 1 <= pass_mark <= 100:
            raise ContentError(f"path {raw['slug']}: pass mark must be 1 to 100")
        scenarios = tuple(str(s) for s in raw.get("scenarios", ()))
        if any(scenario(s) is None for s in scenarios):
            raise ContentError(f"path {raw['slug']}: unknown scenario")
        items.append(
            Path(
                slug=str(raw["slug"]),
                title=str(raw["title"]),
                role=str(raw["role"]),
                intro=str(raw["intro"]).strip(),
                modules=modules,
                pass_mark=pass_mark,
                final_size=int(raw.get("final_size", DEFAULT_FINAL_SIZE)),
                scenarios=scenarios,
            )
        )
    return tuple(items)


def path(slug: str) -> Path | None:
    return next((p for p in paths() if p.slug == slug), None)


def question(question_id: str) -> Question | None:
    return next((q for bank in banks().values() for q in bank if q.id == question_id), None)


@dataclass(frozen=True)
class Drawn:
    """A question as shown: its options in the shown order (indexes into ``options``)."""

    question: Question
    order: tuple[int, ...]

    @property
    def shown(self) -> list[tuple[int, str]]:
        return [(i, self.question.options[i]) for i in self.order]


def draw(pool: Sequence[Question], size: int, rng: random.Random) -> list[Drawn]:
    """``size`` questions from ``pool`` in random order, each with shuffled options."""
    if len(pool) < size:
        raise ValueError("the question pool is smaller than the check")
    picked = rng.sample(list(pool), size)
    result = []
    for item in picked:
        order = list(range(len(item.options)))
        rng.shuffle(order)
        result.append(Drawn(question=item, order=tuple(order)))
    return result


def pool_for(item: Path, module: str | None) -> tuple[Question, ...]:
    """The bank of one module, or every module of the path for the final assessment."""
    if module is not None:
        return banks()[module]
    return tuple(q for m in item.modules for q in banks()[m])


def size_for(item: Path, module: str | None) -> int:
    return CHECK_SIZE if module is not None else item.final_size


@dataclass(frozen=True)
class Marked:
    drawn: Drawn
    chosen: int | None

    @property
    def right(self) -> bool:
        return self.chosen == 0


def mark(drawn: Sequence[Drawn], answers: Mapping[str, int | None]) -> list[Marked]:
    return [Marked(drawn=d, chosen=answers.get(d.question.id)) for d in drawn]


def passed(score: int, total: int, pass_mark: int) -> bool:
    """At least ``pass_mark`` percent right (integer arithmetic, no rounding surprises)."""
    return total > 0 and score * 100 >= pass_mark * total
