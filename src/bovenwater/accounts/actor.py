"""Who is acting: a user, in one organisation, in one role.

Every selector and service takes an ``Actor`` explicitly. It is built once per request
by ``ActorMiddleware`` (web) or by the API authentication (system tokens).
"""

from __future__ import annotations

from dataclasses import dataclass

from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import Permission, Role, role_has


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def organisation_id(self) -> int:
        return self.membership.organisation_id

    @property
    def role(self) -> Role:
        return Role(self.membership.role)

    def has(self, permission: Permission) -> bool:
        return role_has(self.membership.role, permission)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role.label}, {self.organisation.name})"
