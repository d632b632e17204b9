"""Who is a linkage unit: the organisations that may run linkage projects.

Kept apart from ``linkage.services`` so that the registry's pages can ask it without
importing the services (which import the estimation app, a layer above the registry).
"""

from __future__ import annotations

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import OrganisationKind, Permission

UNIT_KINDS = frozenset({OrganisationKind.NATIONAL_REGISTRAR})


def is_unit(actor: Actor) -> bool:
    return actor.has(Permission.MANAGE_LINKAGE) and actor.organisation.kind in UNIT_KINDS
