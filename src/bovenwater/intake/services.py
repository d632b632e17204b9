"""The write path of signals: intake (public and professional), routing, triage.

Every function takes explicit keyword arguments, runs in one transaction and writes
the processing log in that transaction. Nothing here trusts a view: the actor's
permission and scope are checked again.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases import selectors as case_selectors
from bovenwater.cases.services import case_open
from bovenwater.cases.types import VictimDetails
from bovenwater.intake import routing
from bovenwater.intake.counts import count_signal
from bovenwater.intake.deadlines import due_date
from bovenwater.intake.models import (
    PublicAddition,
    PublicReportDetails,
    Signal,
    SignalAttachment,
    SignalEvent,
    SignalIndicator,
    SignalKind,
    SignalPerson,
    SignalRecipient,
    SignalState,
    Urgency,
)
from bovenwater.intake.workflow import WORKFLOW, allowed_next
from bovenwater.lib import idempotency
from bovenwater.lib.workflow import Refusal, TransitionNotAllowed
from bovenwater.notifications.models import Event
from bovenwater.notifications.services import notify_organisation
from bovenwater.reference.models import (
    ExploitationForm,
    Indicator,
    Municipality,
    Nationality,
    Sector,
)

logger = logging.getLogger(__name__)

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
FORWARD_KINDS = frozenset(
    {OrganisationKind.POLICE, OrganisationKind.LABOUR_INSPECTORATE, OrganisationKind.KMAR}
)


# Public name for other apps (intake.models is private to intake): the urgency of a signal.
SignalUrgency = Urgency


@dataclass(frozen=True)
class PublicReportInput:
    description: str
    municipality: Municipality
    place_description: str = ""
    address: str = ""
    observed_on: date | None = None
    observed_when: str = ""
    persons_description: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    involves_minor: bool = False
    contact_opt_in: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class PersonInput:
    name: str = ""
    alias: str = ""
    estimated_age: int | None = None
    date_of_birth: date | None = None
    is_minor: bool = False
    gender: str = SignalPerson.Gender.UNKNOWN
    nationality: Nationality | None = None
    language: str = ""
    phone: str = ""
    vehicle: str = ""
    address: str = ""
    suspect_role: str = ""

    def is_empty(self) -> bool:
        return not any(
            (
                self.name,
                self.alias,
                self.estimated_age,
                self.date_of_birth,
                self.nationality,
                self.language,
                self.phone,
                self.vehicle,
                self.address,
                self.suspect_role,
                self.is_minor,
            )
        )


@dataclass(frozen=True)
class SignalInput:
    description: str
    municipality: Municipality
    forms: Sequence[ExploitationForm] = ()
    sector: Sector | None = None
    indicators: Sequence[tuple[Indicator, str]] = ()
    victim: PersonInput | None = None
    others: Sequence[PersonInput] = ()
    address: str = ""
    place_description: str = ""
    urgency: Urgency = Urgency.NORMAL
    observed_on: date | None = None
    observed_when: str = ""
    # A signal about several places (a network of advertisements across regions) is
    # routed for each of them too; ``copy_to`` organisations (the reporter's own team)
    # receive it beside the routed ones. ``involves_minor`` without a known victim.
    also_municipalities: Sequence[Municipality] = ()
    copy_to: Sequence[Organisation] = ()
    involves_minor: bool = False


def _receipt_digest(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _existing(scope: str, key: str, user_id: int) -> Signal | None:
    """The signal made earlier under this key (``lib.idempotency``), if it still exists."""
    signal_id = idempotency.existing(scope=f"intake.{scope}", key=key, user_id=user_id)
    if signal_id is None:
        return None
    signal = Signal.objects.filter(pk=signal_id).first()
    if signal is None:  # removed since: the key is free again
        idempotency.forget(scope=f"intake.{scope}", key=key, user_id=user_id)
    return signal


def _remember(scope: str, key: str, user_id: int, signal: Signal) -> Signal:
    """Record the key; when a concurrent request won the race, return its signal instead."""
    winner = idempotency.remember(
        scope=f"intake.{scope}", key=key, user_id=user_id, object_id=signal.pk
    )
    return signal if winner == signal.pk else Signal.objects.get(pk=winner)


def _new_signal(**fields: object) -> Signal:
    signal = Signal.objects.create(reference=uuid.uuid4().hex[:20], **fields)
    signal.reference = f"S-{timezone.localdate():%Y}-{signal.pk:06d}"
    Signal.objects.filter(pk=signal.pk).update(reference=signal.reference)
    return signal


def _notify_recipient(signal: Signal, organisation: Organisation) -> None:
    """The organisation's members who triage signals get a notice (reference only)."""

    notify_organisation(
        organisation=organisation,
        permission=Permission.TRIAGE_SIGNALS,
        event=Event.SIGNAL_ROUTED,
        url_name="intake:detail",
        url_kwargs={"reference": signal.reference},
        reference=signal.reference,
    )


def _route(
    signal: Signal,
    forms: Sequence[ExploitationForm],
    also_municipalities: Sequence[Municipality] = (),
    copy_to: Sequence[Organisation] = (),
) -> None:
    """Recipients by the routing rules for the plaats delict (the lead) and every other
    place the signal concerns; then the organisations it is copied to. One row per
    organisation: the first reason found stands."""
    decisions = []
    for number, municipality in enumerate([signal.crime_municipality, *also_municipalities]):
        for decision in routing.route(
            routing.RoutingInput(
                kind=SignalKind(signal.kind),
                municipality=municipality,
                involves_victim=signal.involves_victim,
                involves_minor=signal.involves_minor,
                forms=frozenset(form.code for form in forms),
            )
        ):
            decisions.append(
                (decision.organisation, decision.rule_name, decision.is_lead and number == 0)
            )
    decisions += [(organisation, str(_("kopie voor de melder")), False) for organisation in copy_to]
    seen: set[int] = set()
    recipients = []
    for organisation, rule_name, is_lead in decisions:
        if organisation.pk in seen:
            continue
        seen.add(organisation.pk)
        recipients.append(organisation)
        SignalRecipient.objects.create(
            signal=signal,
            organisation=organisation,
            reason=SignalRecipient.Reason.ROUTED,
            rule_name=rule_name,
            is_lead=is_lead,
        )
        _notify_recipient(signal, organisation)
    count_signal(signal=signal, delta=1, organisation_ids=[o.pk for o in recipients])
    names = ", ".join(o.name for o in recipients) or _("geen ontvanger gevonden")
    SignalEvent.objects.create(signal=signal, kind=SignalEvent.Kind.ROUTED, note=names)
    if not decisions:
        logger.warning(
            "Signal %s could not be routed: no organisation for %s",
            signal.reference,
            signal.crime_municipality,
        )


@transaction.atomic
def public_report_submit(
    *, data: PublicReportInput, idempotency_key: str = ""
) -> tuple[Signal, str | None]:
    """Store an anonymous report; return it with its receipt code (None for a repeated key).

    No IP address, user agent or session is stored. The receipt code is kept only as
    a keyed hash, so it can be checked but never read back.
    """
    existing = _existing("public", idempotency_key, 0)
    if existing is not None:
        return existing, None
    today = timezone.localdate()
    signal = _new_signal(
        kind=SignalKind.PUBLIC,
        urgency=Urgency.NORMAL,
        due_date=due_date(SignalKind.PUBLIC, Urgency.NORMAL, today),
        description=data.description.strip(),
        observed_on=data.observed_on,
        observed_when=data.observed_when.strip(),
        crime_municipality=data.municipality,
        place_description=data.place_description.strip(),
        address=data.address.strip(),
        persons_description=data.persons_description.strip(),
        involves_victim=True,
        involves_minor=data.involves_minor,
    )
    code = new_receipt_code()
    PublicReportDetails.objects.create(
        signal=signal,
        receipt_digest=_receipt_digest(code),
        answers=data.answers,
        contact_opt_in=data.contact_opt_in,
        contact_name=data.contact_name.strip() if data.contact_opt_in else "",
        contact_phone=data.contact_phone.strip() if data.contact_opt_in else "",
        contact_email=data.contact_email.strip() if data.contact_opt_in else "",
    )
    SignalEvent.objects.create(
        signal=signal, kind=SignalEvent.Kind.RECEIVED, note=_("anonieme melding")
    )
    _route(signal, ())
    log_processing(
        actor=None,
        action=Action.CREATE,
        object_type="intake.signal",
        object_id=signal.reference,
        data_subject=f"signal:{signal.reference}",
        purpose=Purpose.SIGNAL_HANDLING,
        details={"kind": "public"},
    )
    winner = _remember("public", idempotency_key, 0, signal)
    return (winner, None) if winner.pk != signal.pk else (signal, code)


@transaction.atomic
def public_report_add(*, receipt_code: str, text: str) -> bool:
    """Add information to an anonymous report. Returns whether the code was known."""
    details = (
        PublicReportDetails.objects.select_related("signal")
        .filter(receipt_digest=_receipt_digest(receipt_code))
        .first()
    )
    if details is None or not text.strip():
        return False
    PublicAddition.objects.create(signal=details.signal, text=text.strip())
    SignalEvent.objects.create(signal=details.signal, kind=SignalEvent.Kind.ADDITION)
    log_processing(
        actor=None,
        action=Action.UPDATE,
        object_type="intake.signal",
        object_id=details.signal.reference,
        data_subject=f"signal:{details.signal.reference}",
        purpose=Purpose.SIGNAL_HANDLING,
        details={"kind": "public_addition"},
    )
    return True


def _store_attachment(signal: Signal, upload: UploadedFile) -> SignalAttachment:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "signals"
    root.mkdir(parents=True, exist_ok=True)
    storage_name = secrets.token_hex(16)
    digest = hashlib.sha256()
    size = 0
    path = root / storage_name
    try:
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)  # a half-written file is never left behind
        raise
    return SignalAttachment.objects.create(
        signal=signal,
        storage_name=storage_name,
        original_name=(upload.name or "bijlage")[:200],
        content_type=upload.content_type or "application/octet-stream",
        size=size,
        sha256=digest.hexdigest(),
    )


@transaction.atomic
def signal_submit(
    *,
    actor: Actor,
    data: SignalInput,
    attachments: Sequence[UploadedFile] = (),
    idempotency_key: str = "",
) -> Signal:
    """A professional's signal: stored, routed, logged. A repeated key returns the first one."""
    if not actor.has(Permission.SUBMIT_SIGNAL):
        raise PermissionDenied
    existing = _existing("signal", idempotency_key, actor.user.pk)
    if existing is not None:
        return existing
    involves_minor = bool(data.victim and data.victim.is_minor) or data.involves_minor
    signal = _new_signal(
        kind=SignalKind.PROFESSIONAL,
        urgency=data.urgency,
        due_date=due_date(SignalKind.PROFESSIONAL, data.urgency, timezone.localdate()),
        reporting_organisation=actor.organisation,
        reporter=actor.user,
        description=data.description.strip(),
        observed_on=data.observed_on,
        observed_when=data.observed_when.strip(),
        crime_municipality=data.municipality,
        place_description=data.place_description.strip(),
        address=data.address.strip(),
        sector=data.sector,
        involves_victim=data.victim is not None and not data.victim.is_empty(),
        involves_minor=involves_minor,
    )
    signal.forms.set(data.forms)
    once: dict[int, tuple[Indicator, str]] = {}  # named twice: recorded once, first note
    for indicator, note in data.indicators:
        once.setdefault(indicator.pk, (indicator, note))
    SignalIndicator.objects.bulk_create(
        [
            SignalIndicator(signal=signal, indicator=indicator, note=note.strip()[:500])
            for indicator, note in once.values()
        ]
    )
    people = (
        [(SignalPerson.Role.VICTIM, data.victim)]
        if data.victim and not data.victim.is_empty()
        else []
    )
    people += [
        (SignalPerson.Role.SUSPECT, person) for person in data.others if not person.is_empty()
    ]
    for role, person in people:
        SignalPerson.objects.create(signal=signal, role=role, **person.__dict__)
    stored: list[Path] = []
    try:
        for upload in attachments:
            stored.append(
                Path(settings.PRIVATE_MEDIA_ROOT)
                / "signals"
                / _store_attachment(signal, upload).storage_name
            )
    except Exception:
        for path in stored:  # the transaction rolls back: leave no orphan files
            path.unlink(missing_ok=True)
        raise
    SignalEvent.objects.create(
        signal=signal,
        kind=SignalEvent.Kind.RECEIVED,
        actor=actor.user,
        organisation=actor.organisation,
    )
    _route(signal, data.forms, data.also_municipalities, data.copy_to)
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="intake.signal",
        object_id=signal.reference,
        data_subject=f"signal:{signal.reference}",
        purpose=Purpose.SIGNAL_HANDLING,
        details={"kind": "professional", "persons": len(people), "attachments": len(attachments)},
    )
    return _remember("signal", idempotency_key, actor.user.pk, signal)


def _recipient_of(actor: Actor, signal: Signal) -> bool:
    return SignalRecipient.objects.filter(
        signal=signal, organisation_id=actor.organisation_id
    ).exists()


@transaction.atomic
def signal_transition(
    *,
    actor: Actor,
    signal: Signal,
    to_state: SignalState,
    reason: str = "",
    forward_to: Organisation | None = None,
    case_reference: str = "",
) -> Signal:
    """Move a signal through triage under a row lock; refusals write nothing."""
    locked = Signal.objects.select_for_update().get(pk=signal.pk)
    current = SignalState(locked.state)
    try:
        WORKFLOW.check(state=current, to_state=to_state, actor=actor, reason=reason)
    except TransitionNotAllowed as refusal:
        if refusal.kind == Refusal.NO_EDGE:
            raise
        if refusal.kind == Refusal.FORBIDDEN or not _recipient_of(actor, locked):
            raise PermissionDenied from None
        raise
    if not _recipient_of(actor, locked):
        raise PermissionDenied
    counted = list(
        SignalRecipient.objects.filter(signal=locked).values_list("organisation_id", flat=True)
    )
    if to_state == SignalState.FORWARDED:
        if forward_to is None or forward_to.kind not in FORWARD_KINDS:
            raise TransitionNotAllowed(
                _(
                    "Kies een organisatie van politie, KMar of Arbeidsinspectie om naar door te zetten."
                )
            )
        _recipient, forwarded = SignalRecipient.objects.get_or_create(
            signal=locked,
            organisation=forward_to,
            defaults={"reason": SignalRecipient.Reason.FORWARDED},
        )
        if forwarded:
            _notify_recipient(locked, forward_to)
        SignalEvent.objects.create(
            signal=locked,
            kind=SignalEvent.Kind.FORWARDED,
            note=forward_to.name,
            actor=actor.user,
            organisation=actor.organisation,
        )
    if to_state in (SignalState.CASE_OPENED, SignalState.LINKED):
        if not case_reference:
            raise TransitionNotAllowed(_("Er is geen casus gekoppeld."))
        locked.case_reference = case_reference
    SignalEvent.objects.create(
        signal=locked,
        kind=SignalEvent.Kind.TRANSITION,
        from_state=current,
        to_state=to_state,
        note=reason.strip(),
        actor=actor.user,
        organisation=actor.organisation,
    )
    count_signal(signal=locked, delta=-1, organisation_ids=counted)
    locked.state = to_state
    locked.save(update_fields=["state", "case_reference"])
    count_signal(signal=locked, delta=1)
    log_processing(
        actor=actor,
        action=Action.SHARE if to_state == SignalState.FORWARDED else Action.UPDATE,
        object_type="intake.signal",
        object_id=locked.reference,
        data_subject=f"signal:{locked.reference}",
        purpose=Purpose.SIGNAL_HANDLING,
        details={
            "from": current.value,
            "to": to_state.value,
            **({"to_org": forward_to.pk} if forward_to else {}),
        },
    )
    return locked


def _case_id_for_actor(actor: Actor, case_number: str) -> int:
    """The id of a case the actor may see, by its number; TransitionNotAllowed otherwise."""

    try:
        access = case_selectors.case_get_by_number_for_actor(
            actor=actor, number=case_number, purpose=Purpose.SIGNAL_HANDLING
        )
    except Http404:
        raise TransitionNotAllowed(
            _("Casus %(number)s bestaat niet of u hebt er geen toegang toe.")
            % {"number": case_number}
        ) from None
    return access.case.pk


@transaction.atomic
def signal_link_case(*, actor: Actor, signal: Signal, case_number: str, reason: str = "") -> Signal:
    """Link a signal to an existing case the actor can see."""
    _case_id_for_actor(actor, case_number)
    return signal_transition(
        actor=actor,
        signal=signal,
        to_state=SignalState.LINKED,
        reason=reason,
        case_reference=case_number.strip(),
    )


@transaction.atomic
def signal_open_case(*, actor: Actor, signal: Signal, reason: str = "") -> Signal:
    """Open a case for the signal's (possible) victim at the regional care coordination."""

    if not actor.has(Permission.OPEN_CASE_FROM_SIGNAL):
        raise PermissionDenied
    if SignalState.CASE_OPENED not in allowed_next(SignalState(signal.state)):
        raise TransitionNotAllowed(_("Vanuit deze status kan geen casus worden geopend."))
    owner = routing.organisation_for(OrganisationKind.CARE_COORDINATION, signal.crime_municipality)
    if owner is None:
        raise TransitionNotAllowed(
            _("Er is geen zorgcoördinatie gevonden voor de gemeente van de plaats delict.")
        )
    person = signal.persons.filter(role=SignalPerson.Role.VICTIM).first()
    first_name, _sep, last_name = (person.name if person else "").partition(" ")
    victim = VictimDetails(
        estimated_age=person.estimated_age if person else None,
        date_of_birth=person.date_of_birth if person else None,
        is_minor=person.is_minor if person else signal.involves_minor,
        gender=person.gender if person else "unknown",
        nationality=person.nationality if person else None,
        language=person.language if person else "",
        first_name=first_name,
        last_name=last_name,
    )
    case = case_open(
        actor=actor,
        owner=owner,
        victim=victim,
        forms=list(signal.forms.all()),
        crime_municipality=signal.crime_municipality,
        origin_signal_reference=signal.reference,
        reason=reason,
    )
    return signal_transition(
        actor=actor,
        signal=signal,
        to_state=SignalState.CASE_OPENED,
        reason=reason,
        case_reference=case.number,
    )
