"""Triage of a signal as a declared transition table: state -> {next state: permission}.

``intake.services.signal_transition`` enforces it under a row lock and appends the
history. Everything not listed is refused.
"""

from __future__ import annotations

from bovenwater.accounts.roles import Permission
from bovenwater.intake.models import SignalState

S = SignalState

TRANSITIONS: dict[SignalState, dict[SignalState, Permission]] = {
    S.NEW: {
        S.ASSESSING: Permission.TRIAGE_SIGNALS,
        S.NO_ACTION: Permission.TRIAGE_SIGNALS,
        S.FORWARDED: Permission.TRIAGE_SIGNALS,
        S.CASE_OPENED: Permission.OPEN_CASE_FROM_SIGNAL,
        S.LINKED: Permission.OPEN_CASE_FROM_SIGNAL,
    },
    S.ASSESSING: {
        S.NO_ACTION: Permission.TRIAGE_SIGNALS,
        S.FORWARDED: Permission.TRIAGE_SIGNALS,
        S.CASE_OPENED: Permission.OPEN_CASE_FROM_SIGNAL,
        S.LINKED: Permission.OPEN_CASE_FROM_SIGNAL,
    },
    S.NO_ACTION: {S.ASSESSING: Permission.TRIAGE_SIGNALS},  # re-opened after new information
    S.FORWARDED: {},
    S.CASE_OPENED: {},
    S.LINKED: {},
}

OPEN_STATES = frozenset({S.NEW, S.ASSESSING})
REASON_REQUIRED = frozenset({S.NO_ACTION, S.FORWARDED})


def allowed_next(state: SignalState) -> dict[SignalState, Permission]:
    return TRANSITIONS.get(state, {})
