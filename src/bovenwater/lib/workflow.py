"""One workflow mechanism: a declared table state -> next state -> permissions.

Each app declares its ``Workflow`` (cases, intake triage, webscan review) and its one
service that changes a state calls ``check`` under a row lock. An edge needs *all* the
permissions listed for it (usually one); some target states need a written reason. What
is not in the table is refused with ``TransitionNotAllowed``, whose ``kind`` says why and
whose ``message`` is a Dutch sentence for the user. ``allowed(state, actor)`` lists the
next states an actor may choose, for the forms. Tests walk every edge of every table, and
every edge not in it (``tests/lib/workflow_walk.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

State = TypeVar("State", bound=TextChoices)


class HasPermissions(Protocol):
    """What the workflow asks of an actor (``accounts.actor.Actor`` is one)."""

    def has(self, permission: Any) -> bool: ...


class Refusal(StrEnum):
    UNKNOWN_STATE = "unknown_state"
    NO_EDGE = "no_edge"
    FORBIDDEN = "forbidden"
    REASON_MISSING = "reason_missing"


class TransitionNotAllowed(Exception):
    """A transition the table does not allow; ``message`` is a Dutch sentence."""

    def __init__(self, message: str, kind: Refusal = Refusal.NO_EDGE) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass(frozen=True)
class Messages:
    """The Dutch sentences of a workflow's refusals (``%(from)s``, ``%(to)s``: state labels).

    Defaults speak of "the status"; an app passes its own words (a case, a signal).
    """

    no_edge: StrOrPromise = ""
    forbidden: StrOrPromise = ""
    reason_missing: StrOrPromise = ""


@dataclass(frozen=True)
class Workflow(Generic[State]):
    """A declared transition table over the states of one model."""

    states: type[State]
    table: Mapping[State, Mapping[State, frozenset[str]]]
    reason_required: frozenset[State] = frozenset()
    messages: Messages = field(default_factory=Messages)

    def edges(self) -> Iterator[tuple[State, State, frozenset[str]]]:
        """Every (from, to, permissions) of the table."""
        for source, targets in self.table.items():
            for target, permissions in targets.items():
                yield source, target, permissions

    def permissions(self, state: str, to_state: str) -> frozenset[str] | None:
        """The permissions of one edge, or None when the table has no such edge."""
        return self.table.get(self.states(state), {}).get(self.states(to_state))

    def may(self, actor: HasPermissions, permissions: frozenset[str]) -> bool:
        return all(actor.has(permission) for permission in permissions)

    def allowed(self, state: str, actor: HasPermissions) -> list[State]:
        """The next states ``actor`` may choose from ``state``, in table order."""
        return [
            target
            for target, permissions in self.table.get(self.states(state), {}).items()
            if self.may(actor, permissions)
        ]

    def check(self, *, state: str, to_state: str, actor: HasPermissions, reason: str = "") -> State:
        """The target state when ``actor`` may move from ``state`` with ``reason``;
        ``TransitionNotAllowed`` otherwise (the reason is checked last)."""
        current = self.states(state)
        try:
            target = self.states(to_state)
        except ValueError:
            raise TransitionNotAllowed(str(_("Onbekende status.")), Refusal.UNKNOWN_STATE) from None
        labels = {"from": current.label, "to": target.label}
        permissions = self.table.get(current, {}).get(target)
        if permissions is None:
            text = self.messages.no_edge or _(
                "Van ‘%(from)s’ naar ‘%(to)s’ is geen toegestane stap."
            )
            raise TransitionNotAllowed(str(text % labels), Refusal.NO_EDGE)
        if not self.may(actor, permissions):
            text = self.messages.forbidden or _(
                "U mag de status niet van ‘%(from)s’ naar ‘%(to)s’ zetten."
            )
            raise TransitionNotAllowed(str(text % labels), Refusal.FORBIDDEN)
        if target in self.reason_required and not reason.strip():
            text = self.messages.reason_missing or _("Geef een reden op voor de status ‘%(to)s’.")
            raise TransitionNotAllowed(str(text % labels), Refusal.REASON_MISSING)
        return target
