"""The case workflow as a declared transition table: state → next state → roles.

``cases.services.case_transition`` is the only code that changes a case's state; it
checks this table under a row lock. Tests walk every edge in it and every edge not
in it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.roles import Role
from bovenwater.cases.models import CaseState

S = CaseState
COORDINATOR = frozenset({Role.CARE_COORDINATOR})
COORDINATOR_OR_CONTACT = frozenset({Role.CARE_COORDINATOR, Role.CONTACT_OFFICER})
COORDINATOR_OR_DIRECTOR = frozenset({Role.CARE_COORDINATOR, Role.CHAIN_DIRECTOR})

TRANSITIONS: dict[CaseState, dict[CaseState, frozenset[Role]]] = {
    S.REPORTED: {
        S.INTAKE: COORDINATOR_OR_CONTACT,
        S.DROPPED_OUT: COORDINATOR,
        S.CLOSED: COORDINATOR,
    },
    S.INTAKE: {
        S.REFLECTION: COORDINATOR,
        S.CARE: COORDINATOR,
        S.ON_HOLD: COORDINATOR,
        S.DROPPED_OUT: COORDINATOR,
        S.CLOSED: COORDINATOR,
    },
    S.REFLECTION: {
        S.CARE: COORDINATOR,
        S.ON_HOLD: COORDINATOR,
        S.DROPPED_OUT: COORDINATOR,
        S.CLOSED: COORDINATOR,
    },
    S.CARE: {
        S.AFTERCARE: COORDINATOR,
        S.ON_HOLD: COORDINATOR,
        S.DROPPED_OUT: COORDINATOR,
        S.CLOSED: COORDINATOR,
    },
    S.AFTERCARE: {
        S.CARE: COORDINATOR,
        S.DROPPED_OUT: COORDINATOR,
        S.CLOSED: COORDINATOR,
    },
    S.ON_HOLD: {
        S.INTAKE: COORDINATOR,
        S.REFLECTION: COORDINATOR,
        S.CARE: COORDINATOR,
        S.AFTERCARE: COORDINATOR,
        S.DROPPED_OUT: COORDINATOR,
        S.CLOSED: COORDINATOR,
    },
    S.DROPPED_OUT: {
        S.REOPENED: COORDINATOR_OR_DIRECTOR,
        S.CLOSED: COORDINATOR,
    },
    S.CLOSED: {
        S.REOPENED: COORDINATOR_OR_DIRECTOR,
    },
    S.REOPENED: {
        S.INTAKE: COORDINATOR,
        S.REFLECTION: COORDINATOR,
        S.CARE: COORDINATOR,
        S.AFTERCARE: COORDINATOR,
        S.CLOSED: COORDINATOR,
    },
}

# Moving into these states needs a written reason.
REASON_REQUIRED: frozenset[CaseState] = frozenset({S.CLOSED, S.DROPPED_OUT, S.ON_HOLD, S.REOPENED})

# States in which the case is still being worked on (shown on the coordinator's list).
OPEN_STATES: frozenset[CaseState] = frozenset(set(CaseState) - {S.CLOSED, S.DROPPED_OUT})


class TransitionNotAllowed(Exception):
    """An illegal transition; ``message`` is a Dutch sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allowed_next_states(state: str, role: str) -> list[CaseState]:
    return [
        target
        for target, roles in TRANSITIONS.get(CaseState(state), {}).items()
        if Role(role) in roles
    ]


def check_transition(*, state: str, to_state: str, role: str, reason: str) -> None:
    """Raise ``TransitionNotAllowed`` unless ``role`` may move a case from ``state``."""
    current = CaseState(state)
    try:
        target = CaseState(to_state)
    except ValueError:
        raise TransitionNotAllowed(str(_("Onbekende status."))) from None
    roles = TRANSITIONS.get(current, {}).get(target)
    if roles is None:
        raise TransitionNotAllowed(
            str(
                _("Een casus met status ‘%(from)s’ kan niet naar ‘%(to)s’.")
                % {"from": current.label, "to": target.label}
            )
        )
    if Role(role) not in roles:
        raise TransitionNotAllowed(
            str(
                _("Uw rol mag een casus niet van ‘%(from)s’ naar ‘%(to)s’ zetten.")
                % {"from": current.label, "to": target.label}
            )
        )
    if target in REASON_REQUIRED and not reason.strip():
        raise TransitionNotAllowed(
            str(_("Geef een reden op voor de status ‘%(to)s’.") % {"to": target.label})
        )
