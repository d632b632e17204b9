"""Architecture rules, checked on the source; each rule is paired with a planted
violation that must make it fail (so a rule cannot silently stop checking).

- The access rule (``tests/architecture.py``): views, API views, forms, admin and template
  tags query no personal-data model; no app queries another app's personal-data model.
- No import cycle between the modules of ``src/bovenwater``.
- No module outside the pure engines over 600 lines.
- Views catch a service's refusal through ``lib.refusals`` only (``REFUSALS``), never
  ``ValidationError`` or ``TransitionNotAllowed`` by hand.
- No dead code: every module-level function of the package has a caller outside tests.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from tests import architecture
from tests.architecture import SRC, check_source, check_tree

# Offences in packages other sessions own, listed so the rule holds everywhere else (none
# today). The test fails when one of them is gone: then its line here must go too.
KNOWN_OFFENCES: frozenset[str] = frozenset()


def _key(offence: architecture.Offence) -> str:
    return f"{offence.path}: [{offence.rule}] {offence.text}"


def test_personal_data_is_queried_only_through_the_owning_apps_selectors() -> None:
    offences = check_tree()
    unknown = [str(o) for o in offences if _key(o) not in KNOWN_OFFENCES]
    assert unknown == [], "query personal data through selectors:\n" + "\n".join(unknown)
    gone = KNOWN_OFFENCES - {_key(o) for o in offences}
    assert not gone, f"fixed, remove from KNOWN_OFFENCES: {sorted(gone)}"


# Each rule with a snippet that breaks it: the check must report it.
PLANTED = [
    (
        "entry",
        "cases/views/planted.py",
        "from bovenwater.cases.models import Case\n"
        "def view(request):\n    return Case.objects.filter(pk=1)\n",
    ),
    (
        "entry",
        "intake/api.py",
        "from bovenwater.intake.models import Signal as S\n"
        "def get(request):\n    return S._default_manager.all()\n",
    ),
    (
        "entry",
        "cases/forms.py",  # a related manager reached from an object
        "def clean(self):\n    return self.case.tasks.filter(done_at__isnull=True)\n",
    ),
    (
        "entry",
        "kompas/templatetags/planted.py",
        "def tag(meeting):\n    return meeting.agenda.count()\n",
    ),
    (
        "cross-app",
        "intake/services.py",
        "def f(number):\n"
        "    from bovenwater.cases.models import Case\n"
        "    return Case.objects.filter(number=number).first()\n",
    ),
    (
        "cross-app",
        "cases/services/planted.py",
        "def f(user):\n    return user.memberships.filter(is_active=True).exists()\n",
    ),
]


@pytest.mark.parametrize(("rule", "path", "source"), PLANTED)
def test_the_access_check_fails_on_a_planted_violation(rule: str, path: str, source: str) -> None:
    offences = check_source(path, source)
    assert [o.rule for o in offences] == [rule], offences


def test_the_access_check_lets_the_allowed_forms_pass() -> None:
    assert (
        check_source(
            "cases/views/x.py",
            "from bovenwater.cases.models import Case\ndef f():\n    return Case.objects.none()\n",
        )
        == []
    )
    # The owning app's selectors and services query its models.
    assert (
        check_source(
            "cases/selectors/x.py",
            "from bovenwater.cases.models import Case\ndef f():\n    return Case.objects.all()\n",
        )
        == []
    )
    # Reference data is no personal data.
    assert (
        check_source(
            "cases/views/x.py",
            "from bovenwater.reference.models import Sector\n"
            "def f():\n    return Sector.objects.all()\n",
        )
        == []
    )


# No import cycle between modules.


def import_graph(root: Path = SRC, package: str = "bovenwater") -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports (function-level imports too; imports
    under ``if TYPE_CHECKING:`` do not run and are left out)."""
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {
            id(child)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for child in ast.walk(node)
        }
        is_package = path.name == "__init__.py"
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            targets: Iterable[str] = ()
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                # ``from a.b import c``: c is a module of a.b or a name in it.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_modules() -> None:
    graph = import_graph()
    assert "bovenwater.cases.services.case" in graph  # the walk sees the source
    assert cycles(graph) == []


def test_the_cycle_check_fails_on_a_planted_cycle(tmp_path: Path) -> None:
    package = tmp_path / "planted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text("def f():\n    from planted.tasks import t\n")
    (package / "tasks.py").write_text("from planted.services import f\n")
    (package / "types.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from planted.tasks import t\n"
    )
    found = cycles(import_graph(package, "planted"))
    assert found == [["planted.services", "planted.tasks"]]


# Module size.

MAX_LINES = 600
# The pure engines are exempt (numerical code kept whole).
SIZE_EXEMPT = ("mse/", "adscan/")


def long_modules(root: Path = SRC) -> list[str]:
    return sorted(
        f"{path.relative_to(root).as_posix()}: {lines} lines"
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and not path.relative_to(root).as_posix().startswith(SIZE_EXEMPT)
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )


def test_no_module_over_600_lines() -> None:
    assert long_modules() == []


def test_the_size_check_fails_on_a_planted_long_module(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert long_modules(tmp_path) == [f"app/long.py: {MAX_LINES + 1} lines"]


def test_views_catch_refusals_only_through_lib_refusals() -> None:
    assert [str(o) for o in check_tree(architecture.check_refusals)] == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("linkage/views.py", "try:\n    f()\nexcept ValidationError as exc:\n    pass\n"),
        (
            "cases/views/planted.py",
            "try:\n    f()\nexcept (KeyError, TransitionNotAllowed):\n    pass\n",
        ),
        ("cases/api/planted.py", "try:\n    f()\nexcept exceptions.ValidationError:\n    pass\n"),
        ("webscan/views.py", "with contextlib.suppress(ValidationError):\n    f()\n"),
    ],
)
def test_the_refusal_check_fails_on_a_planted_hand_caught_refusal(path: str, source: str) -> None:
    assert [o.rule for o in architecture.check_refusals(path, source)] == ["refusal"]


def test_the_refusal_check_lets_the_mechanism_pass() -> None:
    allowed = (
        "try:\n    f()\nexcept REFUSALS as error:\n    put_on_form(form, error)\n"
        "try:\n    f()\nexcept StaleCase as error:\n    pass\n"
    )
    assert architecture.check_refusals("cases/views/x.py", allowed) == []
    # Outside views (a form validating a password, a service) the rule does not apply.
    hand = "try:\n    f()\nexcept ValidationError:\n    pass\n"
    assert architecture.check_refusals("accounts/forms.py", hand) == []
    assert architecture.check_refusals("cases/services/x.py", hand) == []


# --- No dead code: every module-level function has a caller -------------------------
# A function of the package that nothing in the package, the benchmarks or the
# configuration names is dead (tests alone do not keep it alive: they would test code no
# user can reach). Functions registered by a decorator (template tags, signal receivers,
# admin registrations) are called by the framework and count as used.
PROJECT = SRC.parents[1]
REGISTERING_DECORATORS = frozenset(
    {"tag", "filter", "simple_tag", "inclusion_tag", "receiver", "register"}
)
ENGINES = frozenset({"mse", "adscan", "pprl"})  # pure engines: libraries with an interface
CALLER_SUFFIXES = (".py", ".html", ".txt", ".toml", ".yaml", ".yml", ".cfg")


def _decorator_name(node: ast.expr) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _without_reexports(source: str, *, keep_all: bool = False) -> str:
    """The module's text without ``from x import …`` lists and ``__all__``: a package
    that re-exports a function does not call it. A pure engine's ``__all__`` is its
    published interface and stays (``keep_all``)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in tree.body:
        reexport = isinstance(node, ast.ImportFrom) or (
            not keep_all
            and isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        )
        if reexport and node.end_lineno is not None:
            for index in range(node.lineno - 1, node.end_lineno):
                lines[index] = ""
    return "\n".join(lines)


def unreferenced_functions(root: Path = SRC, callers: Iterable[Path] = ()) -> list[str]:
    """``path: name`` of every module-level function named nowhere but its definition."""
    files = [p for p in root.rglob("*") if p.suffix in CALLER_SUFFIXES] + list(callers)
    words: dict[str, int] = {}
    for path in files:
        if "__pycache__" in path.parts or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            engine = path.is_relative_to(root) and path.relative_to(root).parts[0] in ENGINES
            text = _without_reexports(text, keep_all=engine)
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
            words[word] = words.get(word, 0) + 1
    dead = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts or "commands" in path.parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if any(_decorator_name(d) in REGISTERING_DECORATORS for d in node.decorator_list):
                continue
            if words.get(node.name, 0) <= 1:
                dead.append(f"{path.relative_to(root).as_posix()}: {node.name}")
    return dead


def _bench_and_config() -> list[Path]:
    return [
        *(PROJECT / "bench").rglob("*.py"),
        PROJECT / "Makefile",
        PROJECT / "pyproject.toml",
        *(PROJECT / ".ci").iterdir(),
    ]


# Dead today in packages other sessions are changing; the test fails when one is gone
# (then its line here goes).
DEAD_ELSEWHERE = frozenset(
    {
        "adscan/cluster.py: singleton_labels",
        "adscan/pipeline.py: default_workers",
        "adscan/sketch.py: jaccard_estimate",
        "pprl/em.py: fit_m",
        "chat/tasks.py: apply_chat_retention",
        "webscan/tasks.py: apply_retention",
    }
)


def test_every_function_has_a_caller() -> None:
    dead = set(unreferenced_functions(SRC, _bench_and_config()))
    assert sorted(dead - DEAD_ELSEWHERE) == []
    assert sorted(DEAD_ELSEWHERE - dead) == [], "has a caller now or is gone: remove it here"


def test_the_dead_code_check_fails_on_a_planted_unused_function(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "mod.py").write_text(
        "from django import template\nregister = template.Library()\n\n"
        "def used() -> int:\n    return 1\n\n"
        "def unused() -> int:\n    return used()\n\n"
        "@register.filter\ndef a_filter(value: str) -> str:\n    return value\n"
    )
    (tmp_path / "app" / "page.html").write_text("{{ x|a_filter }}")
    assert unreferenced_functions(tmp_path) == ["app/mod.py: unused"]
    # a re-export (import and __all__ of a package) is no caller
    (tmp_path / "app" / "__init__.py").write_text(
        'from app.mod import unused\n\n__all__ = ["unused"]\n'
    )
    assert unreferenced_functions(tmp_path) == ["app/mod.py: unused"]
