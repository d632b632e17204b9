"""Access-checked reads of signals.

A signal is visible to the organisations it was routed or forwarded to (for roles
that handle signals) and to the professional who reported it. Anything else is
"not found" — and the attempt is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing, refuse
from bovenwater.intake import counts
from bovenwater.intake.models import (
    PublicAddition,
    Signal,
    SignalAttachment,
    SignalEvent,
    SignalIndicator,
    SignalPerson,
    SignalRecipient,
    SignalState,
)
from bovenwater.intake.workflow import OPEN_STATES


def _scope(actor: Actor) -> Q:
    mine = Q(reporter=actor.user, reporting_organisation_id=actor.organisation_id)
    if actor.has(Permission.VIEW_SIGNALS):
        # A semi-join (``IN``), not a join: no duplicate rows, so no DISTINCT over every
        # column (that cost 0.2 s per inbox page at 300,000 signals on PostgreSQL).
        received = SignalRecipient.objects.filter(organisation_id=actor.organisation_id)
        return mine | Q(pk__in=received.values("signal_id"))
    return mine


def _base() -> QuerySet[Signal]:
    return Signal.objects.select_related("crime_municipality", "reporting_organisation", "sector")


# The inbox's status filter: "open" (the default: what still needs work) or "alle".
OPEN = "open"
ALL = "alle"


@dataclass(frozen=True)
class SignalFilter:
    state: str = OPEN
    overdue_only: bool = False
    reported_by_me: bool = False


def signals_for_actor(
    *, actor: Actor, filters: SignalFilter, purpose: Purpose = Purpose.SIGNAL_HANDLING
) -> QuerySet[Signal]:
    """Signals in the actor's scope; the caller logs what it shows with ``signals_shown``."""
    signals = _base().filter(_scope(actor))
    if filters.reported_by_me:
        signals = signals.filter(reporter=actor.user)
    if filters.state == OPEN:
        signals = signals.filter(state__in=OPEN_STATES)
    elif filters.state in SignalState.values:
        signals = signals.filter(state=filters.state)
    if filters.overdue_only:
        signals = signals.filter(state__in=OPEN_STATES, due_date__lt=timezone.localdate())
    return signals.order_by("due_date", "-created_at")


def signals_shown(
    *, actor: Actor, references: list[str], purpose: Purpose = Purpose.SIGNAL_HANDLING
) -> None:
    """Log that a list of signals was shown (one entry, the references in the details;
    an empty list too, so the privacy officer sees who looked)."""
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="intake.signal",
        object_id="list",
        purpose=purpose,
        details={"references": references},
    )


def overdue_count_for_actor(*, actor: Actor) -> int:
    """Open signals the actor's organisation received whose response date has passed
    (from the count table: no signal is read)."""
    if not actor.has(Permission.VIEW_SIGNALS):
        return 0
    return counts.received_count(
        organisation_id=actor.organisation_id,
        states=OPEN_STATES,
        due_before=timezone.localdate(),
    )


def _received(actor: Actor) -> Exists:
    """The signal was routed or forwarded to the actor's organisation (a correlated
    ``EXISTS``: probed per signal through the unique index, so a short list ordered by
    response date stops after a few rows instead of reading every recipient)."""
    return Exists(
        SignalRecipient.objects.filter(
            signal_id=OuterRef("pk"), organisation_id=actor.organisation_id
        )
    )


def _own_open_not_received(actor: Actor, signals: QuerySet[Signal]) -> QuerySet[Signal]:
    """The actor's own open reports that did not reach their own organisation (few rows,
    found through the reporter index)."""
    return signals.filter(
        reporter=actor.user, reporting_organisation_id=actor.organisation_id, state__in=OPEN_STATES
    ).exclude(_received(actor))


def open_count_for_actor(*, actor: Actor) -> int:
    """The number the inbox shows under "open": received signals from the count table,
    plus the actor's own open reports that did not reach their own organisation."""
    own = _own_open_not_received(actor, Signal.objects.all()).count()
    if not actor.has(Permission.VIEW_SIGNALS):
        return own
    return own + counts.received_count(organisation_id=actor.organisation_id, states=OPEN_STATES)


def first_open_signals_for_actor(*, actor: Actor, limit: int) -> list[Signal]:
    """The first ``limit`` open signals of the inbox (same scope and order as
    ``signals_for_actor`` with the open filter), read as two short indexed reads:
    received by the organisation, and the actor's own reports. The caller logs them."""
    order = ("due_date", "-created_at")
    candidates = list(_own_open_not_received(actor, _base()).order_by(*order)[:limit])
    if actor.has(Permission.VIEW_SIGNALS):
        candidates += list(
            _base().filter(_received(actor), state__in=OPEN_STATES).order_by(*order)[:limit]
        )
    candidates.sort(key=lambda s: (s.due_date, -s.created_at.timestamp()))
    return candidates[:limit]


def signal_get_for_actor(
    *, actor: Actor, reference: str, purpose: Purpose = Purpose.SIGNAL_HANDLING
) -> Signal:
    signal = _base().filter(_scope(actor), reference=reference).distinct().first()
    if signal is None:
        raise refuse(
            actor=actor,
            object_type="intake.signal",
            object_id=reference[:100],
            purpose=purpose,
            owner_organisation_id=SignalRecipient.objects.filter(signal__reference=reference)
            .order_by("-is_lead", "pk")
            .values_list("organisation_id", flat=True)
            .first(),
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="intake.signal",
        object_id=signal.reference,
        data_subject=f"signal:{signal.reference}",
        purpose=purpose,
    )
    return signal


def attachment_get_for_actor(
    *, actor: Actor, reference: str, attachment_id: int
) -> tuple[SignalAttachment, Path]:
    signal = signal_get_for_actor(actor=actor, reference=reference)
    attachment = SignalAttachment.objects.filter(signal=signal, pk=attachment_id).first()
    if attachment is None:
        raise refuse(
            actor=actor,
            object_type="intake.signalattachment",
            object_id=attachment_id,
            purpose=Purpose.SIGNAL_HANDLING,
        )
    log_processing(
        actor=actor,
        action=Action.EXPORT,
        object_type="intake.signalattachment",
        object_id=attachment.pk,
        data_subject=f"signal:{signal.reference}",
        purpose=Purpose.SIGNAL_HANDLING,
    )
    return attachment, Path(settings.PRIVATE_MEDIA_ROOT) / "signals" / attachment.storage_name


def may_triage(*, actor: Actor, signal: Signal) -> bool:
    return (
        actor.has(Permission.TRIAGE_SIGNALS)
        and signal.recipients.filter(organisation_id=actor.organisation_id).exists()
    )


@dataclass(frozen=True)
class SignalParts:
    """The parts of a signal its page shows, read after ``signal_get_for_actor`` (logged)."""

    victims: list[SignalPerson]
    others: list[SignalPerson]
    indicators: QuerySet[SignalIndicator]
    recipients: QuerySet[SignalRecipient]
    events: QuerySet[SignalEvent]
    additions: QuerySet[PublicAddition]
    attachments: QuerySet[SignalAttachment]


def signal_parts(*, signal: Signal) -> SignalParts:
    """The persons, indicators, recipients, timeline, additions and attachments of a
    signal the caller already holds through ``signal_get_for_actor``."""
    persons = list(signal.persons.all())
    return SignalParts(
        victims=[p for p in persons if p.role == SignalPerson.Role.VICTIM],
        others=[p for p in persons if p.role == SignalPerson.Role.SUSPECT],
        indicators=signal.indicators.select_related("indicator"),
        recipients=signal.recipients.select_related("organisation"),
        events=signal.events.select_related("actor", "organisation"),
        additions=signal.additions.all(),
        attachments=signal.attachments.all(),
    )


def signal_recipient_names(*, signal: Signal) -> list[str]:
    """Names of the organisations a signal the caller holds was sent to."""
    return [r.organisation.name for r in signal.recipients.select_related("organisation")]


def recipient_names(*, actor: Actor, reference: str) -> list[str]:
    """Who received a signal the actor's organisation reported or received (lead first)."""
    signal = (
        _base()
        .filter(reference=reference)
        .filter(
            Q(reporting_organisation_id=actor.organisation_id)
            | Q(recipients__organisation_id=actor.organisation_id)
        )
        .first()
    )
    if signal is None:
        return []
    return list(
        SignalRecipient.objects.filter(signal=signal)
        .order_by("-is_lead", "organisation__name")
        .values_list("organisation__name", flat=True)
    )
