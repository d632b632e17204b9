"""Retention of decided signals: the write path that deletes them (rows
``signal_without_case`` and ``signal_with_case`` of ``audit.retention.RETENTION_TABLE``).

A signal whose triage ended (closed without follow-up, forwarded, turned into a case or
linked to one) longer ago than ``SIGNAL_RETENTION_DAYS`` is deleted with its persons,
indicators, recipients, public details and additions, history and attachments (their
files too, once the deletion has committed). The term runs from the last move into its
current state (a signal re-opened and closed again starts over). Each signal goes in its
own transaction with its processing-log entry (counts only): all or nothing per signal;
a failed removal is rolled back, counted and tried again at the next run.

Held: a signal that became or joined a case is kept while that case exists (the case
follows its own term). Which cases exist is asked of the caller (``case_exists``), so
intake does not reach into the cases app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bovenwater.accounts.models import Organisation
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.retention import RULES_BY_KEY, SweepReport
from bovenwater.audit.services import log_processing
from bovenwater.intake.counts import count_signal
from bovenwater.intake.models import Signal, SignalEvent, SignalRecipient, SignalState

logger = logging.getLogger(__name__)

RULE = RULES_BY_KEY["signal_without_case"]
WITH_CASE = RULES_BY_KEY["signal_with_case"]
DECIDED = (SignalState.NO_ACTION, SignalState.FORWARDED)
TO_CASE = (SignalState.CASE_OPENED, SignalState.LINKED)

CaseExists = Callable[[Iterable[str]], set[str]]


def past_term(now: datetime) -> QuerySet[Signal]:
    """Signals whose triage ended before the term (from the last move into their state)."""
    decided_at = (
        SignalEvent.objects.filter(signal=OuterRef("pk"), to_state=OuterRef("state"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        Signal.objects.filter(state__in=(*DECIDED, *TO_CASE))
        .annotate(decided_at=Coalesce(Subquery(decided_at), "created_at"))
        .filter(decided_at__lt=RULE.cutoff(now))
        .order_by("pk")
    )


def _organisation_id(signal_id: int, reporting_id: int | None) -> int | None:
    """The organisation whose privacy officer answers for the signal: the lead recipient,
    else any recipient, else the reporting organisation."""
    recipient = (
        SignalRecipient.objects.filter(signal_id=signal_id)
        .order_by("-is_lead", "pk")
        .values_list("organisation_id", flat=True)
        .first()
    )
    return recipient if recipient is not None else reporting_id


def sweep_signals(
    *,
    case_exists: CaseExists,
    now: datetime | None = None,
    dry_run: bool = False,
    organisation_id: int | None = None,
) -> SweepReport:
    """Delete the decided signals past their term; with ``dry_run`` only count them.

    ``organisation_id`` limits the sweep (or the preview) to the signals one organisation
    answers for (see ``_organisation_id``), for its privacy officer.
    """
    now = now or timezone.now()
    report = SweepReport(noun="signals", dry_run=dry_run)
    candidates = list(
        past_term(now).values_list("pk", "state", "case_reference", "reporting_organisation_id")
    )
    existing = case_exists(
        {reference for _pk, state, reference, _org in candidates if state in TO_CASE and reference}
    )
    for signal_id, state, reference, reporting_id in candidates:
        owner_id = _organisation_id(signal_id, reporting_id)
        if organisation_id is not None and owner_id != organisation_id:
            continue
        if state in TO_CASE and reference in existing:
            report.held += 1
            continue
        if dry_run:
            report.deleted += 1
        else:
            try:
                rows, files = _delete_signal(signal_id, now, owner_id)
            except Exception:  # rolled back: the signal stays whole, tried again next run
                logger.exception("retention: signal %s could not be deleted", signal_id)
                report.failed += 1
                continue
            if not rows:
                continue
            report.deleted += 1
            report.rows += rows
            report.files += files
        if owner_id is not None:
            report.by_organisation[owner_id] = report.by_organisation.get(owner_id, 0) + 1
    return report


def _delete_signal(signal_id: int, now: datetime, owner_id: int | None) -> tuple[int, int]:
    """Delete one signal with its log entry in one transaction; its files after commit.
    Returns (rows removed, files removed); (0, 0) when it no longer qualifies."""
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "signals"
    with transaction.atomic():
        signal = past_term(now).select_for_update().filter(pk=signal_id).first()
        if signal is None:  # re-opened or gone since the list was read
            return 0, 0
        files = [root / name for name in signal.attachments.values_list("storage_name", flat=True)]
        state = signal.state
        count_signal(signal=signal, delta=-1)
        total, per_model = signal.delete()
        removed = {label.split(".")[-1].lower(): n for label, n in sorted(per_model.items())}
        log_processing(
            actor=None,
            organisation=(
                Organisation.objects.filter(pk=owner_id).first() if owner_id is not None else None
            ),
            action=Action.DELETE,
            object_type="intake.signal",
            object_id=signal_id,
            purpose=Purpose.SIGNAL_HANDLING,
            details={
                "reason": "retention",
                "rule": (WITH_CASE if state in TO_CASE else RULE).key,
                "term_days": RULE.term,
                "removed": removed,
            },
        )
        transaction.on_commit(lambda: _remove_files(files))
    return total, len(files)


def _remove_files(files: list[Path]) -> None:
    for path in files:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # left for the operator; the record is gone either way
            logger.warning("retention: attachment file %s could not be removed", path.name)
