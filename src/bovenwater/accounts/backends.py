"""Model permissions of the platform administrator, from the role instead of the user row.

The Django admin at ``/beheer/`` asks ``user.has_perm("intake.change_routingrule")``
and the like. Those permissions follow from an active membership in the
*platformbeheerder* role, nothing else: no ``is_staff``, no ``is_superuser`` and no
per-user permission rows to forget about. An organisation's *beheerder* gets none of
them. Which admin pages exist and that every change is logged is the admin site's
business (``core.admin_site``).
"""

from __future__ import annotations

from typing import Any

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role

# Nationwide configuration: routing rules, organisations, shelters and their categories,
# the chat's teams.
MANAGED_MODELS = frozenset(
    {
        "intake.routingrule",
        "accounts.organisation",
        "cases.shelter",
        "cases.sheltercapacity",
        # the chat's set-up: teams with opening hours and holidays, helpers, canned texts
        "chat.team",
        "chat.openinghours",
        "chat.holiday",
        "chat.helper",
        "chat.cannedresponse",
    }
)
# Reference data is loaded from versioned files; the admin only shows it.
VIEWED_APPS = frozenset({"reference"})
ACTIONS = ("view", "add", "change", "delete")


def is_platform_administrator(user: Any) -> bool:
    if not getattr(user, "is_active", False) or user.pk is None:
        return False
    cached: bool | None = getattr(user, "_bovenwater_platform_admin", None)
    if cached is None:
        cached = Membership.objects.filter(
            user_id=user.pk,
            role=Role.PLATFORM_ADMINISTRATOR,
            is_active=True,
            organisation__is_active=True,
        ).exists()
        user._bovenwater_platform_admin = cached
    return cached


def platform_permission(perm: str) -> bool:
    """Whether ``perm`` ("app.action_model") belongs to the platform administrator."""
    app, _, codename = perm.partition(".")
    action, _, model = codename.partition("_")
    if action not in ACTIONS:
        return False
    if app in VIEWED_APPS:
        return action == "view"
    return f"{app}.{model}" in MANAGED_MODELS


class PlatformPermissionBackend:
    """An authorisation-only backend (it authenticates nobody)."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return platform_permission(perm) and is_platform_administrator(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        managed = app_label in VIEWED_APPS or any(
            model.startswith(app_label + ".") for model in MANAGED_MODELS
        )
        return managed and is_platform_administrator(user_obj)

    def get_user(self, user_id: int) -> None:
        return None
