"""Access-checked reads of personal data about users and memberships."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import Permission, Role
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing, refuse


def members_list_for_actor(*, actor: Actor, purpose: Purpose) -> QuerySet[Membership]:
    """Members of the actor's own organisation; never of another organisation."""
    if not actor.has(Permission.VIEW_MEMBERS):
        raise PermissionDenied
    memberships = (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation_id=actor.organisation_id)
        .order_by("user__last_name", "user__first_name", "role")
    )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="accounts.membership",
        object_id=f"organisation:{actor.organisation_id}",
        purpose=purpose,
        details={"list": "members", "count": memberships.count()},
    )
    return memberships


def memberships_of_actor_user(*, actor: Actor) -> QuerySet[Membership]:
    """The actor's own memberships (for the organisation switcher); own data, not logged."""
    return Membership.objects.select_related("organisation").filter(
        user=actor.user, is_active=True, organisation__is_active=True
    )


def organisations_directory() -> QuerySet[Organisation]:
    """Organisations with their public contact details (no personal data)."""
    return Organisation.objects.select_related(
        "municipality", "municipality__police_unit", "municipality__safety_region"
    ).filter(is_active=True)


def works_as(*, user: User, organisation_id: int, role: str) -> bool:
    """The user has an active membership of the organisation in ``role`` (no personal data
    is returned: a yes or no for another app's rule, e.g. a case's coordinator)."""
    return user.memberships.filter(
        organisation_id=organisation_id, is_active=True, role=role
    ).exists()


def colleagues(*, organisation_id: int) -> QuerySet[Membership]:
    """Active memberships of the organisation's active people (no system accounts) with
    their users, by name: the colleagues another app lists (Kompas shares, a team's
    training progress). The caller logs the read when it shows the names."""
    return (
        Membership.objects.select_related("user")
        .filter(organisation_id=organisation_id, is_active=True, user__is_active=True)
        .exclude(user__is_system_account=True)
        .order_by("user__last_name", "user__first_name", "pk")
    )


def is_member(*, user_id: int, organisation_id: int) -> bool:
    """The user has an active membership of the organisation (a yes or no, not logged)."""
    return Membership.objects.filter(
        user_id=user_id, organisation_id=organisation_id, is_active=True
    ).exists()


def home_organisation_id(*, user_id: int) -> int | None:
    """The organisation of a user's first active membership (an id, not logged)."""
    return (
        Membership.objects.filter(user_id=user_id, is_active=True)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
        .first()
    )


def acting_membership_of(*, user_id: int, chosen_id: int | str | None = None) -> Membership | None:
    """The membership a logged-in user acts in outside a request (a WebSocket or stream):
    the chosen one (the session's choice) when it is active in an active organisation,
    else the first such by organisation name and role. The user's own, not logged."""
    memberships = Membership.objects.select_related("user", "organisation").filter(
        user_id=user_id, is_active=True, organisation__is_active=True
    )
    chosen = memberships.filter(pk=chosen_id).first() if chosen_id is not None else None
    return chosen or memberships.order_by("organisation__name", "role").first()


def users_in_roles(*, organisation_id: int, roles: Iterable[str]) -> QuerySet[User]:
    """Active users with an active membership of the organisation in one of ``roles``:
    the colleagues another app offers as a choice (a case's coordinator) or notifies of
    new work. Names and accounts of colleagues, no data of the people they help: not
    logged."""
    return (
        User.objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
            memberships__role__in=list(roles),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def member_for_management(*, actor: Actor, membership_id: int) -> Membership:
    """A membership of the actor's own organisation, for its beheerder to change.

    Another organisation's membership answers as a missing one would (404); the refused
    attempt is logged so that the owning organisation's privacy officer sees it too."""
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    allowed = (
        actor.has(Permission.MANAGE_ORGANISATION)
        and membership is not None
        and membership.organisation_id == actor.organisation_id
        and membership.role != Role.PLATFORM_ADMINISTRATOR
    )
    if membership is None or not allowed:
        raise refuse(
            actor=actor,
            object_type="accounts.membership",
            object_id=membership_id,
            purpose=Purpose.ORGANISATION_MANAGEMENT,
            owner_organisation_id=membership.organisation_id if membership else None,
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="accounts.membership",
        object_id=membership.pk,
        data_subject=f"user:{membership.user_id}",
        purpose=Purpose.ORGANISATION_MANAGEMENT,
    )
    return membership
