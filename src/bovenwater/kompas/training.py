"""Branching case scenarios (casussen) for the training, and their scoring. No database.

A scenario is a small graph: decision nodes with options, and end nodes. Every option
carries one verdict (goed, deels, niet goed), one feedback text written for someone who
chose it, a consequence (what happens next in the story) and the next node. Because the
verdict and the feedback belong to the option, the feedback can never contradict the
verdict shown beside it. Loading checks that every node is reachable, that every path
ends, and that every handbook link resolves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import yaml

from bovenwater.kompas.content import CONTENT_DIR, ContentError, chapter

VERDICTS = {"goed": 2, "deels": 1, "fout": 0}
MIN_DECISIONS = 4
MAX_DECISIONS = 8


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    verdict: str
    feedback: str
    consequence: str
    next: str
    link: str  # "chapter-slug" or "chapter-slug#anchor"

    @property
    def points(self) -> int:
        return VERDICTS[self.verdict]

    @property
    def chapter_slug(self) -> str:
        return self.link.partition("#")[0]

    @property
    def anchor(self) -> str:
        return self.link.partition("#")[2]


@dataclass(frozen=True)
class Node:
    key: str
    situation: str
    prompt: str
    options: tuple[Option, ...]
    end: str  # the outcome text of an end node; empty for a decision

    @property
    def is_end(self) -> bool:
        return not self.options

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    theme: str
    chapter: str
    vignette: str
    start: str
    nodes: Mapping[str, Node]

    @property
    def decisions(self) -> int:
        return sum(1 for n in self.nodes.values() if not n.is_end)

    @property
    def text(self) -> str:
        parts = [self.title, self.theme, self.vignette]
        for node in self.nodes.values():
            parts += [node.situation, node.prompt, node.end]
            parts += [f"{o.text} {o.feedback} {o.consequence}" for o in node.options]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Step:
    node: Node
    option: Option


@dataclass(frozen=True)
class Run:
    """Where a learner is in a scenario after the choices made so far."""

    scenario: Scenario
    steps: tuple[Step, ...]
    current: Node

    @property
    def finished(self) -> bool:
        return self.current.is_end

    @property
    def points(self) -> int:
        return sum(s.option.points for s in self.steps)

    @property
    def max_points(self) -> int:
        return 2 * len(self.steps)

    @property
    def path(self) -> str:
        return ",".join(f"{s.node.key}:{s.option.key}" for s in self.steps)


def _check_link(slug: str, link: str) -> None:
    target, _sep, anchor = link.partition("#")
    found = chapter(target)
    if found is None or (anchor and found.section(anchor) is None):
        raise ContentError(f"scenario {slug}: link {link!r} does not resolve")


def _node(slug: str, key: str, raw: Mapping[str, object], default_link: str) -> Node:
    if "end" in raw:
        return Node(key=key, situation="", prompt="", options=(), end=str(raw["end"]).strip())
    options = []
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        raise ContentError(f"scenario {slug}: node {key} needs at least two options")
    for index, o in enumerate(raw_options):
        verdict = str(o["verdict"])
        if verdict not in VERDICTS:
            raise ContentError(f"scenario {slug}: node {key} has verdict {verdict!r}")
        link = str(o.get("link", default_link))
        _check_link(slug, link)
        options.append(
            Option(
                key="abcdefgh"[index],
                text=str(o["text"]).strip(),
                verdict=verdict,
                feedback=str(o["feedback"]).strip(),
                consequence=str(o.get("consequence", "")).strip(),
                next=str(o["next"]),
                link=link,
            )
        )
    if not any(o.verdict == "goed" for o in options):
        raise ContentError(f"scenario {slug}: node {key} has no good option")
    return Node(
        key=key,
        situation=str(raw.get("situation", "")).strip(),
        prompt=str(raw["prompt"]).strip(),
        options=tuple(options),
        end="",
    )


def check_graph(item: Scenario) -> None:
    """Every node reachable from the start, every next node exists, no cycles (so every
    path ends), and 4 to 8 decisions in the scenario."""
    if item.start not in item.nodes:
        raise ContentError(f"scenario {item.slug}: unknown start {item.start!r}")
    state: dict[str, str] = {}

    def visit(key: str) -> None:
        if key not in item.nodes:
            raise ContentError(f"scenario {item.slug}: unknown node {key!r}")
        if state.get(key) == "open":
            raise ContentError(f"scenario {item.slug}: a cycle through {key!r}")
        if state.get(key) == "done":
            return
        state[key] = "open"
        for option in item.nodes[key].options:
            visit(option.next)
        state[key] = "done"

    visit(item.start)
    unreachable = set(item.nodes) - set(state)
    if unreachable:
        raise ContentError(f"scenario {item.slug}: unreachable nodes {sorted(unreachable)}")
    if not MIN_DECISIONS <= item.decisions <= MAX_DECISIONS:
        raise ContentError(f"scenario {item.slug}: {item.decisions} decisions, not 4 to 8")


def _scenario(raw: Mapping[str, object]) -> Scenario:
    slug = str(raw["slug"])
    default_link = str(raw["chapter"])
    _check_link(slug, default_link)
    raw_nodes = raw["nodes"]
    assert isinstance(raw_nodes, dict)
    nodes = {str(k): _node(slug, str(k), v, default_link) for k, v in raw_nodes.items()}
    item = Scenario(
        slug=slug,
        title=str(raw["title"]),
        theme=str(raw["theme"]),
        chapter=default_link,
        vignette=str(raw["vignette"]).strip(),
        start=str(raw.get("start", next(iter(nodes)))),
        nodes=nodes,
    )
    check_graph(item)
    return item


@cache
def scenarios() -> tuple[Scenario, ...]:
    data = yaml.safe_load((CONTENT_DIR / "scenarios.yaml").read_text(encoding="utf-8"))
    items = tuple(_scenario(raw) for raw in data["scenarios"])
    slugs = [s.slug for s in items]
    if len(set(slugs)) != len(slugs):
        raise ContentError("duplicate scenario slugs")
    return items


def scenario(slug: str) -> Scenario | None:
    return next((s for s in scenarios() if s.slug == slug), None)


class InvalidPath(ValueError):
    """A submitted list of choices that does not follow the scenario's graph."""


def replay(item: Scenario, choices: Sequence[str]) -> Run:
    """Follow option keys from the start; ``InvalidPath`` when a key does not fit."""
    node = item.nodes[item.start]
    steps: list[Step] = []
    for key in choices:
        option = node.option(key)
        if option is None or node.is_end:
            raise InvalidPath(key)
        steps.append(Step(node=node, option=option))
        node = item.nodes[option.next]
    return Run(scenario=item, steps=tuple(steps), current=node)


def parse_path(raw: str) -> list[str]:
    """``"n1:a,n2:c"`` to option keys; the node names are checked by ``replay``'s order."""
    if not raw.strip():
        return []
    keys = []
    for part in raw.split(","):
        _node_key, _sep, option = part.partition(":")
        keys.append(option.strip())
    return keys


def all_paths(item: Scenario) -> list[list[str]]:
    """Every complete path through the scenario, as option keys (for tests and demo)."""
    found: list[list[str]] = []

    def walk(key: str, prefix: list[str]) -> None:
        node = item.nodes[key]
        if node.is_end:
            found.append(prefix)
            return
        for option in node.options:
            walk(option.next, [*prefix, option.key])

    walk(item.start, [])
    return found
