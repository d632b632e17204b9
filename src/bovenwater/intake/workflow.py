"""Triage of a signal as a declared transition table: state -> {next state: permissions}
(``lib.workflow``).

``intake.services.signal_transition`` enforces it under a row lock and appends the
history. Everything not listed is refused.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.roles import Permission
from bovenwater.intake.models import SignalState
from bovenwater.lib.workflow import Messages, Workflow

S = SignalState
TRIAGE = frozenset({Permission.TRIAGE_SIGNALS})
TO_CASE = frozenset({Permission.OPEN_CASE_FROM_SIGNAL})

TRANSITIONS: dict[SignalState, dict[SignalState, frozenset[str]]] = {
    S.NEW: {
        S.ASSESSING: TRIAGE,
        S.NO_ACTION: TRIAGE,
        S.FORWARDED: TRIAGE,
        S.CASE_OPENED: TO_CASE,
        S.LINKED: TO_CASE,
    },
    S.ASSESSING: {
        S.NO_ACTION: TRIAGE,
        S.FORWARDED: TRIAGE,
        S.CASE_OPENED: TO_CASE,
        S.LINKED: TO_CASE,
    },
    S.NO_ACTION: {S.ASSESSING: TRIAGE},  # re-opened after new information
    S.FORWARDED: {},
    S.CASE_OPENED: {},
    S.LINKED: {},
}

OPEN_STATES = frozenset({S.NEW, S.ASSESSING})
REASON_REQUIRED = frozenset({S.NO_ACTION, S.FORWARDED})

WORKFLOW: Workflow[SignalState] = Workflow(
    states=SignalState,
    table=TRANSITIONS,
    reason_required=REASON_REQUIRED,
    messages=Messages(
        no_edge=_("Van “%(from)s” naar “%(to)s” is geen toegestane stap."),
        reason_missing=_("Geef een toelichting bij deze stap."),
    ),
)


def allowed_next(state: SignalState) -> dict[SignalState, frozenset[str]]:
    """The next states of ``state`` and the permissions each needs."""
    return dict(TRANSITIONS.get(state, {}))
