"""Retention of closed cases: the write path that deletes them (row ``closed_case`` of ``audit.retention.RETENTION_TABLE``).

A case that was closed or dropped out longer ago than ``CASE_RETENTION_YEARS`` is deleted
with everything that hangs from it (victim details, history, corrections, consents,
referrals, placement requests and placements, tasks, meeting decisions, emergency
accesses; its place on meeting agendas). Each case goes in its own transaction with its
processing-log entry (counts only, no content): all or nothing per case, and a case
whose removal fails is rolled back, counted and tried again at the next run.

Held: a case an administrative measure still runs on (no end date) is kept until the
measure has ended; the link of an ended measure to the case is cleared when it goes
(the measure keeps its own data).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.retention import RULES_BY_KEY, SweepReport
from bovenwater.audit.services import log_processing
from bovenwater.cases.models import AdministrativeMeasure, Case, CaseState
from bovenwater.cases.services.common import count_case

logger = logging.getLogger(__name__)

RULE = RULES_BY_KEY["closed_case"]
FINAL_STATES = (CaseState.CLOSED, CaseState.DROPPED_OUT)


def past_term(now: datetime) -> QuerySet[Case]:
    """Closed and dropped-out cases whose term has ended."""
    return Case.objects.filter(
        state__in=FINAL_STATES, closed_at__isnull=False, closed_at__lt=RULE.cutoff(now)
    ).order_by("pk")


def _running_measure() -> Exists:
    return Exists(AdministrativeMeasure.objects.filter(case=OuterRef("pk"), ended_on__isnull=True))


def sweep_closed_cases(
    *, now: datetime | None = None, dry_run: bool = False, organisation_id: int | None = None
) -> SweepReport:
    """Delete the closed cases past their term; with ``dry_run`` only count them.

    ``organisation_id`` limits the sweep (or the preview) to the cases one organisation
    owns, for its privacy officer.
    """
    now = now or timezone.now()
    report = SweepReport(noun="cases", dry_run=dry_run)
    candidates = past_term(now).annotate(held=_running_measure())
    if organisation_id is not None:
        candidates = candidates.filter(owner_id=organisation_id)
    for case_id, owner_id, held in candidates.values_list("pk", "owner_id", "held"):
        if held:
            report.held += 1
            continue
        if dry_run:
            report.deleted += 1
            report.by_organisation[owner_id] = report.by_organisation.get(owner_id, 0) + 1
            continue
        try:
            rows = _delete_case(case_id, now)
        except Exception:  # rolled back: this case stays whole and is tried again next run
            logger.exception("retention: case %s could not be deleted", case_id)
            report.failed += 1
            continue
        if rows:
            report.deleted += 1
            report.rows += rows
            report.by_organisation[owner_id] = report.by_organisation.get(owner_id, 0) + 1
    return report


def _delete_case(case_id: int, now: datetime) -> int:
    """Delete one case and what hangs from it, with its log entry, in one transaction.
    Returns the number of rows removed (0 when it no longer qualifies)."""
    with transaction.atomic():
        case = (
            past_term(now)
            .select_for_update()
            .filter(pk=case_id)
            .exclude(_running_measure())
            .select_related("owner")
            .first()
        )
        if case is None:  # reopened or gone since the list was read
            return 0
        owner, state = case.owner, case.state
        AdministrativeMeasure.objects.filter(case=case).update(case=None)
        case.meetings.clear()
        total, per_model = case.delete()
        count_case(owner_id=owner.pk, state=state, delta=-1)
        removed = {label.split(".")[-1].lower(): n for label, n in sorted(per_model.items())}
        log_processing(
            actor=None,
            organisation=owner,
            action=Action.DELETE,
            object_type="cases.case",
            object_id=case_id,
            purpose=Purpose.CARE_COORDINATION,
            details={
                "reason": "retention",
                "rule": RULE.key,
                "term_years": RULE.term,
                "removed": removed,
            },
        )
        return total


def existing_case_numbers(numbers: Iterable[str]) -> set[str]:
    """Which of these case numbers still exist (the signals' retention keeps a signal
    while its case exists). Numbers only, no personal data."""
    wanted = sorted(set(numbers))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            Case.objects.filter(number__in=wanted[start : start + 500]).values_list(
                "number", flat=True
            )
        )
    return found
