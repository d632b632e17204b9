"""Review decisions on a network as a declared transition table: state → next state →
permissions (``lib.workflow``).

``webscan.services.network_decide`` is the only code that changes a network's state;
it checks this table under a row lock. A promoted network is final (the signal takes
over); a dismissed network can be watched again when new ads show up.
"""

from __future__ import annotations

from bovenwater.accounts.roles import Permission
from bovenwater.lib.workflow import Workflow
from bovenwater.webscan.models import DecisionKind, NetworkState

S = NetworkState
REVIEW = frozenset({Permission.REVIEW_WEBSCAN})
PROMOTE = frozenset({Permission.REVIEW_WEBSCAN, Permission.SUBMIT_SIGNAL})

# state → next state → the permissions the actor needs (all of them)
TRANSITIONS: dict[NetworkState, dict[NetworkState, frozenset[str]]] = {
    S.NEW: {S.WATCH: REVIEW, S.DISMISSED: REVIEW, S.PROMOTED: PROMOTE},
    S.WATCH: {S.DISMISSED: REVIEW, S.PROMOTED: PROMOTE},
    S.DISMISSED: {S.WATCH: REVIEW},
    S.PROMOTED: {},
}

# Dismissing a network needs a written reason.
WORKFLOW: Workflow[NetworkState] = Workflow(
    states=NetworkState, table=TRANSITIONS, reason_required=frozenset({S.DISMISSED})
)

TARGET: dict[DecisionKind, NetworkState] = {
    DecisionKind.WATCH: S.WATCH,
    DecisionKind.DISMISS: S.DISMISSED,
    DecisionKind.PROMOTE: S.PROMOTED,
}


def allowed_decisions(state: str, permissions: frozenset[str]) -> list[DecisionKind]:
    """The decisions open on a network in ``state`` to an actor with ``permissions``."""
    edges = TRANSITIONS[NetworkState(state)]
    return [
        kind for kind, target in TARGET.items() if target in edges and edges[target] <= permissions
    ]
