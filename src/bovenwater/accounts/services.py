"""The write path for organisations, users, memberships, 2FA devices and API tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import ApiToken, Membership, Organisation, User
from bovenwater.accounts.roles import OrganisationKind, Permission, Role
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.reference.models import Municipality

TOKEN_PREFIX_LENGTH = 8


def base32_to_hex(secret: str) -> str:
    padded = secret.strip().replace(" ", "").upper()
    padded += "=" * (-len(padded) % 8)
    return base64.b32decode(padded).hex()


def hex_to_base32(key_hex: str) -> str:
    return base64.b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: OrganisationKind,
    municipality: Municipality,
    service_area: list[Municipality] | None = None,
    email: str = "",
    phone: str = "",
    actor: Actor | None = None,
) -> Organisation:
    organisation = Organisation.objects.create(
        name=name, kind=kind, municipality=municipality, email=email, phone=phone
    )
    if service_area:
        organisation.service_area.set(service_area)
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="accounts.organisation",
        object_id=organisation.pk,
        purpose=Purpose.ORGANISATION_MANAGEMENT,
        organisation=organisation,
    )
    return organisation


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_system_account: bool = False,
    password_hash: str | None = None,
    actor: Actor | None = None,
) -> User:
    """Create a user; ``password_hash`` (an already hashed password) spares re-hashing in bulk seeding."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_system_account=is_system_account,
    )
    if password_hash:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="accounts.user",
        object_id=user.pk,
        data_subject=f"user:{user.pk}",
        purpose=Purpose.ORGANISATION_MANAGEMENT,
    )
    return user


@transaction.atomic
def membership_add(
    *, user: User, organisation: Organisation, role: Role, actor: Actor | None = None
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if created:
        log_processing(
            actor=actor,
            action=Action.CREATE,
            object_type="accounts.membership",
            object_id=membership.pk,
            data_subject=f"user:{user.pk}",
            purpose=Purpose.ORGANISATION_MANAGEMENT,
            organisation=organisation,
        )
    return membership


@transaction.atomic
def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> TOTPDevice:
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log_processing(
        actor=None,
        action=Action.CREATE,
        object_type="otp_totp.totpdevice",
        object_id=device.pk,
        data_subject=f"user:{device.user_id}",
        purpose=Purpose.ACCOUNT_SECURITY,
        user=device.user,
    )
    return device


@transaction.atomic
def totp_device_set_known_secret(*, user: User, secret_base32: str) -> TOTPDevice:
    """Give ``user`` a confirmed TOTP device with a known secret (demo accounts only)."""
    key = base32_to_hex(secret_base32)
    device, _created = TOTPDevice.objects.update_or_create(
        user=user, name="Demo-authenticator", defaults={"key": key, "confirmed": True}
    )
    return device


def login_record(
    *,
    user: User,
    organisation: Organisation | None,
    succeeded: bool,
    method: dict[str, str] | None = None,
) -> None:
    """A login or a failed second step; ``method`` says how (single sign-on, which
    second factor) when it was not password + TOTP."""
    log_processing(
        actor=None,
        action=Action.LOGIN,
        object_type="accounts.user",
        object_id=user.pk,
        data_subject=f"user:{user.pk}",
        purpose=Purpose.ACCOUNT_SECURITY,
        user=user,
        organisation=organisation,
        details={"result": "success" if succeeded else "failed_second_factor", **(method or {})},
    )


def logout_record(*, actor: Actor) -> None:
    log_processing(
        actor=actor,
        action=Action.LOGOUT,
        object_type="accounts.user",
        object_id=actor.user.pk,
        data_subject=f"user:{actor.user.pk}",
        purpose=Purpose.ACCOUNT_SECURITY,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    membership: Membership,
    label: str,
    expires_at: datetime | None = None,
    actor: Actor | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for a system account's membership; return it with the plain token (shown once)."""
    if not membership.user.is_system_account:
        raise ValueError("API tokens are only issued to system accounts.")
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    plain = f"{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=membership.user,
        membership=membership,
        prefix=prefix,
        digest=_digest(plain),
        label=label,
        expires_at=expires_at,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="accounts.apitoken",
        object_id=token.pk,
        data_subject=f"user:{membership.user_id}",
        purpose=Purpose.ACCOUNT_SECURITY,
        organisation=membership.organisation,
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, prefix: str, actor: Actor | None = None) -> ApiToken | None:
    """Revoke the token with this prefix (the part before the dot) at once; it no longer
    authenticates. Idempotent; ``None`` when no token has the prefix."""
    token = (
        ApiToken.objects.select_for_update()
        .select_related("membership__organisation")
        .filter(prefix=prefix)
        .first()
    )
    if token is None or token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="accounts.apitoken",
        object_id=token.pk,
        data_subject=f"user:{token.user_id}",
        purpose=Purpose.ACCOUNT_SECURITY,
        organisation=token.membership.organisation,
        details={"revoked": True},
    )
    return token


def api_token_check(plain: str) -> ApiToken | None:
    """Return the active token matching ``plain``, compared in constant time."""
    prefix, _sep, _rest = plain.partition(".")
    token = (
        ApiToken.objects.select_related("user", "membership", "membership__organisation")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.digest, _digest(plain)):
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    if not (
        token.user.is_active
        and token.membership.is_active
        and token.membership.organisation.is_active
    ):
        return None
    return token


@transaction.atomic
def organisation_contact_update(*, actor: Actor, email: str, phone: str) -> Organisation:
    """The beheerder changes the general contact details of its own organisation (its
    entry on the sociale kaart); the change is logged as old → new."""
    if not actor.has(Permission.MANAGE_ORGANISATION):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=actor.organisation.pk)
    changes = {
        name: [getattr(organisation, name), value]
        for name, value in (("email", email), ("phone", phone))
        if getattr(organisation, name) != value
    }
    if not changes:
        return organisation
    organisation.email, organisation.phone = email, phone
    organisation.save(update_fields=["email", "phone"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="accounts.organisation",
        object_id=organisation.pk,
        purpose=Purpose.ORGANISATION_MANAGEMENT,
        details={"changes": changes},
    )
    return organisation
