"""The write path for memberships managed by an organisation's beheerder, invitations
of new accounts, and what a single sign-on changes (subject link, mapped memberships)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import Permission, Role
from bovenwater.accounts.services import user_create
from bovenwater.accounts.tasks import send_invitation
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing

logger = logging.getLogger(__name__)

# --- The beheerder manages the members of its own organisation -----------------------

# A beheerder hands out every role of its organisation except the platform
# administrator's: nationwide configuration is not an organisation's to give.
ASSIGNABLE_ROLES = tuple(role for role in Role if role != Role.PLATFORM_ADMINISTRATOR)


def _require_manager(actor: Actor) -> None:
    if not actor.has(Permission.MANAGE_ORGANISATION):
        raise PermissionDenied


def _require_own(actor: Actor, membership: Membership) -> None:
    """The membership belongs to the actor's organisation and is not the platform's."""
    _require_manager(actor)
    if membership.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if membership.role == Role.PLATFORM_ADMINISTRATOR:
        raise PermissionDenied


def _require_assignable(role: str) -> Role:
    if role not in ASSIGNABLE_ROLES:
        raise PermissionDenied
    return Role(role)


def _log_membership(
    *, actor: Actor, membership: Membership, action: Action, details: dict[str, object]
) -> None:
    log_processing(
        actor=actor,
        action=action,
        object_type="accounts.membership",
        object_id=membership.pk,
        data_subject=f"user:{membership.user_id}",
        purpose=Purpose.ORGANISATION_MANAGEMENT,
        details=details,
    )


def _username_for(email: str) -> str:
    base = email.strip().lower()[:140]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}.{n}"
    return username


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    invited: bool  # a new account was made and an invitation sent


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    email: str,
    role: str,
    reason: str = "",
    first_name: str = "",
    last_name: str = "",
) -> MemberAdded:
    """Add a person to the actor's organisation in ``role``: an existing account (found
    by its e-mail address) gets the membership; otherwise a new account is made and the
    person receives an invitation to choose a password. Logged with the reason."""
    _require_manager(actor)
    chosen = _require_assignable(role)
    email = email.strip()
    matches = list(User.objects.filter(email__iexact=email, is_system_account=False)[:2])
    if len(matches) > 1:
        raise ValidationError(
            _(
                "Meer dan één account heeft dit e-mailadres. Vraag de platformbeheerder om het op te lossen."
            ),
            code="ambiguous",
        )
    invited = False
    if matches:
        user = matches[0]
        if not user.is_active:
            raise ValidationError(
                _("Dit account is geblokkeerd. Vraag de platformbeheerder om het te deblokkeren."),
                code="inactive",
            )
    else:
        if not first_name.strip() or not last_name.strip():
            raise ValidationError(
                _("Er is nog geen account met dit e-mailadres. Vul voor- en achternaam in."),
                code="names",
            )
        user = user_create(
            username=_username_for(email),
            password=None,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email,
            actor=actor,
        )
        invited = True
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, organisation_id=actor.organisation_id, role=chosen)
        .first()
    )
    if membership is not None and membership.is_active:
        raise ValidationError(
            _("Deze persoon is al lid van uw organisatie in deze rol."), code="exists"
        )
    if membership is None:
        membership = Membership.objects.create(
            user=user, organisation=actor.organisation, role=chosen, is_active=True
        )
        action = Action.CREATE
        details: dict[str, object] = {"role": chosen.value}
    else:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        action = Action.UPDATE
        details = {"changes": {"is_active": [False, True]}, "role": chosen.value}
    details.update({"reason": reason.strip(), "invited": invited})
    _log_membership(actor=actor, membership=membership, action=action, details=details)
    if invited:
        transaction.on_commit(lambda: send_invitation.enqueue(user.pk))
    return MemberAdded(membership=membership, invited=invited)


@transaction.atomic
def member_change_role(
    *, actor: Actor, membership: Membership, role: str, reason: str
) -> Membership:
    """Give a member of the actor's organisation another role (old → new and the reason
    are logged). The beheerder cannot change its own acting membership."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    _require_own(actor, locked)
    chosen = _require_assignable(role)
    if locked.pk == actor.membership.pk:
        raise ValidationError(
            _("U kunt uw eigen rol niet wijzigen. Vraag een andere beheerder."), code="self"
        )
    if locked.role == chosen:
        return locked
    if Membership.objects.filter(
        user_id=locked.user_id, organisation_id=locked.organisation_id, role=chosen
    ).exists():
        raise ValidationError(
            _(
                "Deze persoon heeft die rol al (of had die eerder). Beëindig dit lidmaatschap en voeg de persoon opnieuw toe in die rol."
            ),
            code="exists",
        )
    old = locked.role
    locked.role = chosen
    locked.save(update_fields=["role"])
    _log_membership(
        actor=actor,
        membership=locked,
        action=Action.UPDATE,
        details={"changes": {"role": [old, chosen.value]}, "reason": reason.strip()},
    )
    return locked


@transaction.atomic
def member_end(*, actor: Actor, membership: Membership, reason: str) -> Membership:
    """End a membership of the actor's organisation (kept, inactive, for the log's
    references); the person loses this role at once. Logged with the reason."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    _require_own(actor, locked)
    if locked.pk == actor.membership.pk:
        raise ValidationError(
            _("U kunt uw eigen lidmaatschap niet beëindigen. Vraag een andere beheerder."),
            code="self",
        )
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    _log_membership(
        actor=actor,
        membership=locked,
        action=Action.UPDATE,
        details={"changes": {"is_active": [True, False]}, "reason": reason.strip()},
    )
    return locked


def invitation_check(*, uidb64: str, token: str) -> User | None:
    """The invited user whose link this is, while it is valid (until a password is set)."""
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True, is_system_account=False).first()
    if user is None or user.has_usable_password():
        return None
    return user if default_token_generator.check_token(user, token) else None


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    log_processing(
        actor=None,
        action=Action.UPDATE,
        object_type="accounts.user",
        object_id=user.pk,
        data_subject=f"user:{user.pk}",
        purpose=Purpose.ACCOUNT_SECURITY,
        user=user,
        details={"password": "set_from_invitation"},
    )
    return user


# --- Single sign-on ------------------------------------------------------------------


@transaction.atomic
def sso_link_and_sync(
    *, user: User, subject: str, groups: list[str], mapping: dict[str, tuple[str, Role]]
) -> None:
    """After a provider login: link the account to the provider's subject (first time),
    and let the mapped memberships follow the groups. Each change is logged with
    ``source: oidc``; memberships the map does not name are left alone."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.oidc_subject != subject:
        locked.oidc_subject = subject
        locked.save(update_fields=["oidc_subject"])
        log_processing(
            actor=None,
            action=Action.UPDATE,
            object_type="accounts.user",
            object_id=locked.pk,
            data_subject=f"user:{locked.pk}",
            purpose=Purpose.ACCOUNT_SECURITY,
            user=locked,
            details={"oidc_subject": "linked"},
        )
    wanted = {mapping[group] for group in groups if group in mapping}
    organisations = {
        organisation.name: organisation
        for organisation in Organisation.objects.filter(
            name__in={name for name, _role in mapping.values()}
        )
    }
    for name, role in set(mapping.values()):
        organisation = organisations.get(name)
        if organisation is None:
            continue
        membership = Membership.objects.filter(
            user=locked, organisation=organisation, role=role
        ).first()
        active = (name, role) in wanted
        if membership is None and not active:
            continue
        if membership is not None and membership.is_active == active:
            continue
        if membership is None:
            membership = Membership.objects.create(
                user=locked, organisation=organisation, role=role, is_active=True
            )
            action = Action.CREATE
            details: dict[str, object] = {"role": role.value, "source": "oidc"}
        else:
            membership.is_active = active
            membership.save(update_fields=["is_active"])
            action = Action.UPDATE
            details = {"changes": {"is_active": [not active, active]}, "source": "oidc"}
        log_processing(
            actor=None,
            action=action,
            object_type="accounts.membership",
            object_id=membership.pk,
            data_subject=f"user:{locked.pk}",
            purpose=Purpose.ORGANISATION_MANAGEMENT,
            user=locked,
            organisation=organisation,
            details=details,
        )
