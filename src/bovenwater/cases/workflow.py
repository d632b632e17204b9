"""The case workflow as a declared transition table: state → next state → permissions
(``lib.workflow``).

``cases.services.case_transition`` is the only code that changes a case's state; it
checks this table under a row lock. Tests walk every edge in it and every edge not
in it, for every role.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.roles import Permission
from bovenwater.cases.models import CaseState
from bovenwater.cases.transfers import Transfer, TransferStatus
from bovenwater.lib.workflow import HasPermissions, Messages, TransitionNotAllowed, Workflow

__all__ = [
    "OPEN_STATES",
    "REASON_REQUIRED",
    "RECEIVING_ORGANISATION",
    "SENDING_ORGANISATION",
    "TRANSFER_WORKFLOW",
    "TRANSITIONS",
    "WORKFLOW",
    "TransferParty",
    "TransitionNotAllowed",
    "allowed_next_states",
]

S = CaseState
# The care coordinator works the case; a contact officer may take a reported case into
# intake; the chain director (and the coordinator) may reopen a closed one.
WORK = frozenset({Permission.MANAGE_CASES})
TAKE_IN = frozenset({Permission.OPEN_CASE_FROM_SIGNAL})
REOPEN = frozenset({Permission.REOPEN_CASES})

TRANSITIONS: dict[CaseState, dict[CaseState, frozenset[str]]] = {
    S.REPORTED: {
        S.INTAKE: TAKE_IN,
        S.DROPPED_OUT: WORK,
        S.CLOSED: WORK,
    },
    S.INTAKE: {
        S.REFLECTION: WORK,
        S.CARE: WORK,
        S.ON_HOLD: WORK,
        S.DROPPED_OUT: WORK,
        S.CLOSED: WORK,
    },
    S.REFLECTION: {
        S.CARE: WORK,
        S.ON_HOLD: WORK,
        S.DROPPED_OUT: WORK,
        S.CLOSED: WORK,
    },
    S.CARE: {
        S.AFTERCARE: WORK,
        S.ON_HOLD: WORK,
        S.DROPPED_OUT: WORK,
        S.CLOSED: WORK,
    },
    S.AFTERCARE: {
        S.CARE: WORK,
        S.DROPPED_OUT: WORK,
        S.CLOSED: WORK,
    },
    S.ON_HOLD: {
        S.INTAKE: WORK,
        S.REFLECTION: WORK,
        S.CARE: WORK,
        S.AFTERCARE: WORK,
        S.DROPPED_OUT: WORK,
        S.CLOSED: WORK,
    },
    S.DROPPED_OUT: {
        S.REOPENED: REOPEN,
        S.CLOSED: WORK,
    },
    S.CLOSED: {
        S.REOPENED: REOPEN,
    },
    S.REOPENED: {
        S.INTAKE: WORK,
        S.REFLECTION: WORK,
        S.CARE: WORK,
        S.AFTERCARE: WORK,
        S.CLOSED: WORK,
    },
}

# Moving into these states needs a written reason.
REASON_REQUIRED: frozenset[CaseState] = frozenset({S.CLOSED, S.DROPPED_OUT, S.ON_HOLD, S.REOPENED})

# States in which the case is still being worked on (shown on the coordinator's list).
OPEN_STATES: frozenset[CaseState] = frozenset(set(CaseState) - {S.CLOSED, S.DROPPED_OUT})

WORKFLOW: Workflow[CaseState] = Workflow(
    states=CaseState,
    table=TRANSITIONS,
    reason_required=REASON_REQUIRED,
    messages=Messages(
        no_edge=_("Een casus met status ‘%(from)s’ kan niet naar ‘%(to)s’."),
        forbidden=_("Uw rol mag een casus niet van ‘%(from)s’ naar ‘%(to)s’ zetten."),
        reason_missing=_("Geef een reden op voor de status ‘%(to)s’."),
    ),
)


def allowed_next_states(state: str, actor: HasPermissions) -> list[CaseState]:
    """The states the actor may move a case in ``state`` to (for the status form)."""
    return WORKFLOW.allowed(state, actor)


# A transfer of a case to another region's care coordination. Which side may answer is
# part of the table: the two parties are pseudo-permissions that ``TransferParty``
# grants by the actor's organisation, next to the role's own permissions.
RECEIVING_ORGANISATION = "transfer:receiving_organisation"
SENDING_ORGANISATION = "transfer:sending_organisation"
T = TransferStatus
TRANSFER_TRANSITIONS: dict[TransferStatus, dict[TransferStatus, frozenset[str]]] = {
    T.PROPOSED: {
        T.ACCEPTED: WORK | {RECEIVING_ORGANISATION},
        T.DECLINED: WORK | {RECEIVING_ORGANISATION},
        T.WITHDRAWN: WORK | {SENDING_ORGANISATION},
    },
}

TRANSFER_WORKFLOW: Workflow[TransferStatus] = Workflow(
    states=TransferStatus,
    table=TRANSFER_TRANSITIONS,
    reason_required=frozenset({T.DECLINED, T.WITHDRAWN}),
    messages=Messages(
        no_edge=_("Deze overdracht heeft de status ‘%(from)s’ en kan niet meer veranderen."),
        forbidden=_(
            "Alleen een zorgcoördinator van de ontvangende organisatie kan een overdracht "
            "accepteren of afwijzen, en alleen de voorstellende organisatie kan haar intrekken."
        ),
        reason_missing=_("Geef een reden op."),
    ),
)


class TransferParty:
    """An actor as a party to one transfer: the role's permissions, plus the side its
    organisation is on (``RECEIVING_ORGANISATION`` or ``SENDING_ORGANISATION``)."""

    def __init__(self, actor: HasPermissions, organisation_id: int, transfer: Transfer) -> None:
        self.actor = actor
        self.organisation_id = organisation_id
        self.transfer = transfer

    def has(self, permission: object) -> bool:
        if permission == RECEIVING_ORGANISATION:
            return self.organisation_id == self.transfer.to_organisation_id
        if permission == SENDING_ORGANISATION:
            return self.organisation_id == self.transfer.from_organisation_id
        return self.actor.has(permission)
