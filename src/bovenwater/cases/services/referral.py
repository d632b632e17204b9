"""Consent and referrals: who may see which parts of a case."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.cases.models import (
    Case,
    Consent,
    EventKind,
    Referral,
    ReferralKind,
    ReferralStatus,
    SharedPart,
)
from bovenwater.cases.services.common import managed_case_for_update, record
from bovenwater.lib.errors import NotFound
from bovenwater.notifications.models import Event
from bovenwater.notifications.services import notify_organisation, notify_users


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    case: Case,
    subject_matter: str,
    recipient: Organisation,
    purpose: str,
    given_on: datetime.date,
    given_by: str,
) -> Consent:
    locked = managed_case_for_update(actor=actor, case=case)
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("De datum mag niet in de toekomst liggen.")})
    consent = Consent.objects.create(
        case=locked,
        subject_matter=subject_matter,
        recipient=recipient,
        purpose=purpose,
        given_on=given_on,
        given_by=given_by,
        recorded_by=actor.user,
    )
    record(
        actor=actor,
        case=locked,
        action=Action.CREATE,
        event=EventKind.CONSENT,
        text=_("Toestemming vastgelegd: %(what)s, aan %(to)s.")
        % {"what": subject_matter, "to": recipient.name},
        object_type="cases.consent",
        object_id=consent.pk,
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent) -> Consent:
    """Withdraw a consent; from this moment referrals resting on it give no access."""
    locked_case = managed_case_for_update(actor=actor, case=consent.case)
    now = timezone.now()
    changed = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor.user
    )
    if not changed:
        raise ValidationError(_("Deze toestemming is al ingetrokken."))
    consent.refresh_from_db()
    ended = list(
        Referral.objects.filter(consent=consent, status=ReferralStatus.ACCEPTED).values_list(
            "to_organisation_id", flat=True
        )
    )
    record(
        actor=actor,
        case=locked_case,
        action=Action.UPDATE,
        event=EventKind.CONSENT,
        text=_(
            "Toestemming ingetrokken: %(what)s, aan %(to)s. Toegang via deze toestemming beëindigd."
        )
        % {"what": consent.subject_matter, "to": consent.recipient.name},
        object_type="cases.consent",
        object_id=consent.pk,
        details={"withdrawn": True, "access_ended_for": ended},
    )
    for organisation_id in ended:  # the receivers whose access just ended
        _notify(
            Organisation.objects.get(pk=organisation_id),
            Event.CONSENT_WITHDRAWN,
            locked_case,
        )
    return consent


@transaction.atomic
def referral_send(
    *,
    actor: Actor,
    case: Case,
    to_organisation: Organisation,
    kind: str,
    shared_parts: Sequence[str],
    consent: Consent | None = None,
    legal_basis: str = "",
    note: str = "",
) -> Referral:
    """Refer a case; it needs an active consent to that organisation or a legal basis."""
    locked = managed_case_for_update(actor=actor, case=case)
    errors: dict[str, str] = {}
    if to_organisation.pk == locked.owner_id:
        errors["to_organisation"] = _("Verwijs naar een andere organisatie.")
    if consent is not None:
        if consent.case_id != locked.pk or consent.recipient_id != to_organisation.pk:
            errors["consent"] = _("Deze toestemming hoort niet bij deze casus en organisatie.")
        elif consent.withdrawn_at is not None:
            errors["consent"] = _("Deze toestemming is ingetrokken.")
    elif not legal_basis.strip():
        errors["consent"] = _("Kies een toestemming of leg een wettelijke grondslag vast.")
    parts = sorted(set(shared_parts))
    if not parts or any(part not in SharedPart.values for part in parts):
        errors["shared_parts"] = _("Kies welke onderdelen gedeeld worden.")
    if kind not in ReferralKind.values:
        errors["kind"] = _("Kies een soort verwijzing.")
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        case=locked,
        from_organisation=actor.organisation,
        to_organisation=to_organisation,
        kind=kind,
        consent=consent,
        legal_basis=legal_basis.strip() if consent is None else "",
        shared_parts=parts,
        note=note,
        requested_by=actor.user,
    )
    record(
        actor=actor,
        case=locked,
        action=Action.SHARE,
        event=EventKind.REFERRAL,
        text=_("Verwijzing (%(kind)s) verzonden naar %(to)s.")
        % {"kind": ReferralKind(kind).label, "to": to_organisation.name},
        object_type="cases.referral",
        object_id=referral.pk,
        details={
            "to": to_organisation.pk,
            "parts": parts,
            "consent": consent.pk if consent else None,
        },
    )
    _notify(to_organisation, Event.REFERRAL_RECEIVED, locked, url_name="cases:referrals")
    return referral


def _notify(
    organisation: Organisation, event: str, case: Case, *, url_name: str = "cases:detail"
) -> None:
    """The organisation's case workers get a notice (the case number only)."""

    notify_organisation(
        organisation=organisation,
        permission=Permission.VIEW_CASES,
        event=event,
        url_name=url_name,
        url_kwargs={"case_id": case.pk} if url_name == "cases:detail" else {},
        reference=case.number,
    )


def notify_owner(case: Case, event: str) -> None:
    """The case's coordinator, or without one the owner's case workers, get a notice."""

    if case.coordinator is not None:
        notify_users(
            users=[case.coordinator],
            organisation=case.owner,
            event=event,
            url_name="cases:detail",
            url_kwargs={"case_id": case.pk},
            reference=case.number,
        )
    else:
        notify_organisation(
            organisation=case.owner,
            permission=Permission.MANAGE_CASES,
            event=event,
            url_name="cases:detail",
            url_kwargs={"case_id": case.pk},
            reference=case.number,
        )


def _referral_for_update(referral: Referral) -> tuple[Referral, Case]:
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    locked = (
        Referral.objects.select_for_update().select_related("to_organisation").get(pk=referral.pk)
    )
    return locked, case


@transaction.atomic
def referral_respond(
    *, actor: Actor, referral: Referral, accept: bool, reason: str = ""
) -> Referral:
    """The receiving organisation accepts (gets access to the agreed parts) or declines."""
    locked, case = _referral_for_update(referral)
    if locked.to_organisation_id != actor.organisation_id or not actor.has(Permission.VIEW_CASES):
        raise NotFound
    if locked.status != ReferralStatus.REQUESTED:
        raise ValidationError(_("Op deze verwijzing is al gereageerd."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op voor het afwijzen.")})
    if accept and locked.consent is not None and locked.consent.withdrawn_at is not None:
        raise ValidationError(_("De toestemming voor deze verwijzing is ingetrokken."))
    locked.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    locked.responded_by = actor.user
    locked.responded_at = timezone.now()
    locked.response_reason = reason.strip()
    locked.save(update_fields=["status", "responded_by", "responded_at", "response_reason"])
    text = (
        _("Verwijzing geaccepteerd door %(org)s.")
        if accept
        else _("Verwijzing afgewezen door %(org)s.")
    ) % {"org": actor.organisation.name}
    record(
        actor=actor,
        case=case,
        action=Action.UPDATE,
        event=EventKind.REFERRAL,
        text=text,
        object_type="cases.referral",
        object_id=locked.pk,
        details={"status": locked.status},
    )
    notify_owner(case, Event.REFERRAL_ANSWERED)
    return locked


@transaction.atomic
def referral_withdraw(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """The sending organisation withdraws a referral; access through it ends."""
    locked_case = managed_case_for_update(actor=actor, case=referral.case)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED):
        raise ValidationError(_("Deze verwijzing kan niet meer worden ingetrokken."))
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op.")})
    locked.status = ReferralStatus.WITHDRAWN
    locked.response_reason = reason.strip()
    locked.responded_at = timezone.now()
    locked.responded_by = actor.user
    locked.save(update_fields=["status", "response_reason", "responded_at", "responded_by"])
    record(
        actor=actor,
        case=locked_case,
        action=Action.UPDATE,
        event=EventKind.REFERRAL,
        text=_("Verwijzing naar %(to)s ingetrokken.") % {"to": locked.to_organisation.name},
        object_type="cases.referral",
        object_id=locked.pk,
        details={"status": locked.status},
    )
    return locked
