"""The access rule as an AST check: who may query a model that holds personal data.

A *query* is ``Model.objects…`` (or ``_default_manager``/``_base_manager``) on a model
named through an import, or a related manager reached from any object
(``case.tasks.filter(…)``, ``signal.persons.all()``) whose target is such a model.
``Model.objects.none()`` is no query.

Two rules, each proven to fail on a planted snippet in ``tests/test_architecture.py``:

- ``entry``: an entry module (a view, API view, form, admin or template tag module) queries
  no personal-data model at all; it goes through the app's selectors and services.
- ``cross-app``: no module queries a personal-data model of another app; it calls that
  app's selectors or services. Demo seeding (``<app>/demo.py``) is exempt: it writes
  the fictional accounts and organisations every app's demo data hangs on.

Models and related-manager names come from Django's app registry, so a new model of a
listed app is covered as soon as it is listed in ``PERSONAL_DATA_MODELS``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps

SRC = Path(__file__).resolve().parents[1] / "src" / "bovenwater"

# Models that hold personal data (of victims, signallers, suspects, users), by app label.
PERSONAL_DATA_MODELS: dict[str, frozenset[str]] = {
    "accounts": frozenset({"User", "Membership", "ApiToken"}),
    "audit": frozenset({"ProcessingLogEntry"}),
    "intake": frozenset(
        {
            "Signal",
            "SignalRecipient",
            "SignalPerson",
            "SignalIndicator",
            "SignalAttachment",
            "SignalEvent",
            "PublicReportDetails",
            "PublicAddition",
        }
    ),
    "cases": frozenset(
        {
            "Case",
            "VictimProfile",
            "CaseEvent",
            "Consent",
            "Referral",
            "Shelter",  # addresses of shelters are confidential
            "PlacementRequest",
            "Placement",
            "CaseMeeting",
            "MeetingDecision",
            "AdministrativeMeasure",
            "Task",
            "EmergencyAccess",
        }
    ),
    "registry": frozenset({"Person", "Registration"}),
    "kompas": frozenset({"Note", "Share", "SelfAssessment", "ActionItem", "AssessmentConsent"}),
    "webscan": frozenset({"Ad", "Network", "Decision", "ScanRun"}),
    # encodings, groups of record ids, hit/no-hit questions (no names, but about people)
    "linkage": frozenset({"LinkageSource", "LinkageRun", "HitQuery", "HitAnswer"}),
}

# Entry modules: what a request reaches first.
ENTRY_MODULE_NAMES = frozenset({"views", "api", "forms", "admin"})
ENTRY_PACKAGE_NAMES = frozenset({"views", "api", "templatetags"})
# Login and session handling necessarily look up the user and their memberships.
ENTRY_ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {("accounts/views.py", "User"), ("accounts/views.py", "Membership")}
)
# The apps whose modules the rules apply to are all apps; the shell's own modules (core,
# api) count as "another app" for every model.
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
QUERY_METHODS = frozenset(
    {
        "all",
        "filter",
        "exclude",
        "get",
        "first",
        "last",
        "count",
        "exists",
        "values",
        "values_list",
        "order_by",
        "select_related",
        "prefetch_related",
        "annotate",
        "aggregate",
        "iterator",
        "in_bulk",
        "create",
        "get_or_create",
        "update_or_create",
        "update",
        "delete",
        "set",
        "add",
        "remove",
        "clear",
        "select_for_update",
        "only",
        "defer",
        "distinct",
    }
)


@dataclass(frozen=True)
class Offence:
    rule: str  # "entry" or "cross-app"
    path: str  # relative to src/bovenwater
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.text}"


@dataclass(frozen=True)
class ModelRef:
    app: str
    name: str


def personal_model_modules() -> dict[str, str]:
    """``{"bovenwater.cases.models.Case": "cases", …}`` for every personal-data model."""
    return {
        f"bovenwater.{app}.models.{name}": app
        for app, names in PERSONAL_DATA_MODELS.items()
        for name in names
    }


@cache
def related_accessors() -> dict[str, frozenset[str]]:
    """Related-manager names that lead to a personal-data model, with the apps they lead
    to: ``{"tasks": {"cases"}, "persons": {"intake"}, …}`` (from Django's registry)."""

    found: dict[str, set[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if related is None or isinstance(related, str):
                continue
            app = related._meta.app_label
            if related.__name__ not in PERSONAL_DATA_MODELS.get(app, frozenset()):
                continue
            if field.many_to_many and not field.auto_created:
                name = field.name  # a forward many-to-many field
            elif field.auto_created and (field.one_to_many or field.many_to_many):
                name = field.get_accessor_name()  # type: ignore[union-attr]
            else:
                continue  # forward FK / one-to-one: an object, not a manager
            if name:
                found.setdefault(name, set()).add(app)
    return {name: frozenset(apps_) for name, apps_ in found.items()}


def _module_app(path: str) -> str:
    return path.split("/", 1)[0] if "/" in path else ""


def is_entry_module(path: str) -> bool:
    parts = path.removesuffix(".py").split("/")
    if len(parts) == 2 and parts[1] in ENTRY_MODULE_NAMES:
        return True
    return len(parts) >= 3 and parts[1] in ENTRY_PACKAGE_NAMES


def _imported_models(tree: ast.AST) -> dict[str, ModelRef]:
    """Local names bound to personal-data models by ``from … import`` anywhere in the module
    (function-level imports too)."""
    known = personal_model_modules()
    names: dict[str, ModelRef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                app = known.get(f"{node.module}.{alias.name}")
                if app is not None:
                    names[alias.asname or alias.name] = ModelRef(app, alias.name)
    return names


def _model_of(node: ast.expr, models: dict[str, ModelRef]) -> ModelRef | None:
    if isinstance(node, ast.Name):
        return models.get(node.id)
    return None


def _queries(tree: ast.AST, models: dict[str, ModelRef]) -> Iterator[tuple[int, str, set[str]]]:
    """(line, text, apps) of every query of a personal-data model in the tree."""
    accessors = related_accessors()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr in MANAGERS:
            ref = _model_of(node.value, models)
            if ref is None:
                continue
            parent = getattr(node, "_parent", None)
            if (
                isinstance(parent, ast.Attribute)
                and parent.attr == "none"
                and isinstance(getattr(parent, "_parent", None), ast.Call)
            ):
                continue  # Model.objects.none(): an empty queryset, no query
            yield node.lineno, f"{ref.name}.{node.attr}", {ref.app}
        elif node.attr in QUERY_METHODS and isinstance(node.value, ast.Attribute):
            manager = node.value
            if manager.attr not in accessors or manager.attr in MANAGERS:
                continue
            parent = getattr(node, "_parent", None)
            if not isinstance(parent, ast.Call) or parent.func is not node:
                continue
            yield node.lineno, f"….{manager.attr}.{node.attr}()", set(accessors[manager.attr])


def _with_parents(tree: ast.AST) -> ast.AST:
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child._parent = parent  # type: ignore[attr-defined]
    return tree


def check_source(path: str, source: str) -> list[Offence]:
    """The offences of one module, ``path`` relative to src/bovenwater (``cases/views/x.py``)."""
    tree = _with_parents(ast.parse(source))
    models = _imported_models(tree)
    own_app = _module_app(path)
    entry = is_entry_module(path)
    offences: list[Offence] = []
    seeding = path.endswith("/demo.py")
    for line, text, model_apps in _queries(tree, models):
        model = text.split(".", 1)[0]
        if entry and (path, model) not in ENTRY_ALLOWED:
            offences.append(Offence("entry", path, line, text))
        elif own_app not in model_apps and not seeding:
            # A related-manager name can lead to models of several apps (``decisions``);
            # one of them being the module's own app is taken as that one.
            offences.append(Offence("cross-app", path, line, text))
    return offences


# Modules outside the rules: migrations (historical models), the pure engines.
SKIPPED_PARTS = frozenset({"migrations"})
SKIPPED_APPS = frozenset({"mse", "adscan"})


def source_modules() -> Iterable[Path]:
    for module in sorted(SRC.rglob("*.py")):
        relative = module.relative_to(SRC)
        if SKIPPED_PARTS & set(relative.parts) or relative.parts[0] in SKIPPED_APPS:
            continue
        yield module


def check_tree(check: Callable[[str, str], list[Offence]] | None = None) -> list[Offence]:
    """The offences of every module against ``check`` (the access rule by default)."""
    offences: list[Offence] = []
    for module in source_modules():
        path = module.relative_to(SRC).as_posix()
        offences += (check or check_source)(path, module.read_text(encoding="utf-8"))
    return offences


# One mechanism for a service's refusals in views (``lib.refusals``, issue #12): a web view
# catches ``REFUSALS`` and hands the error to ``put_on_form``/``refusal_text``/``attempt``;
# an API view lets it through to ``api.problems`` (or ``lib.drf.refusals_as_conflict``).
# Catching ``ValidationError`` or ``TransitionNotAllowed`` by hand, or swallowing it with
# ``contextlib.suppress``, is the local variation the rule ends. Subclasses that carry
# their own answer (``StaleCase``, ``ClosureBlocked``) are caught by name.
REFUSAL_NAMES = frozenset({"ValidationError", "TransitionNotAllowed"})
VIEW_PACKAGE_NAMES = frozenset({"views", "api"})


def is_view_module(path: str) -> bool:
    parts = path.removesuffix(".py").split("/")
    return len(parts) >= 2 and parts[1] in VIEW_PACKAGE_NAMES


def _names(node: ast.expr | None) -> list[tuple[int, str]]:
    if node is None:
        return []
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    found = []
    for item in items:
        if isinstance(item, ast.Name):
            found.append((item.lineno, item.id))
        elif isinstance(item, ast.Attribute):
            found.append((item.lineno, item.attr))
    return found


def check_refusals(path: str, source: str) -> list[Offence]:
    """Refusals a view module catches by hand (rule ``refusal``)."""
    if not is_view_module(path):
        return []
    offences: list[Offence] = []
    for node in ast.walk(ast.parse(source)):
        caught: list[tuple[int, str]] = []
        if isinstance(node, ast.ExceptHandler):
            caught = _names(node.type)
        elif isinstance(node, ast.Call) and _names(node.func)[-1:] == [
            (node.func.lineno, "suppress")
        ]:
            for arg in node.args:
                caught += _names(arg)
        offences += [
            Offence("refusal", path, line, f"except {name}")
            for line, name in caught
            if name in REFUSAL_NAMES
        ]
    return offences
