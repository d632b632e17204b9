"""The edge walk of a ``lib.workflow.Workflow``, shared by every app's workflow test.

``role_edges`` expands a permission-keyed table into (state, next state, role) triples
with the roles' permissions (``accounts.roles.ROLE_PERMISSIONS``): the edges each role
may take, and, per (state, next state), the roles that must be refused (every pair of
states not in the table included). An app's test parametrises over both lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bovenwater.lib.workflow import Workflow


def role_edges(
    workflow: Workflow[Any], role_permissions: Mapping[Any, Iterable[str]]
) -> tuple[list[tuple[Any, Any, Any]], list[tuple[Any, Any, list[Any]]]]:
    """(allowed (state, target, role) triples, forbidden roles per (state, target))."""
    allowed = [
        (source, target, role)
        for source, target, permissions in workflow.edges()
        for role in sorted(role_permissions)
        if set(permissions) <= set(role_permissions[role])
    ]
    taken = set(allowed)
    forbidden = [
        (
            source,
            target,
            [role for role in sorted(role_permissions) if (source, target, role) not in taken],
        )
        for source in workflow.states
        for target in workflow.states
    ]
    return allowed, [(s, t, roles) for s, t, roles in forbidden if roles]
