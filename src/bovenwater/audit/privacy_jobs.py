"""The privacy jobs that run by themselves, and the record of their runs.

Each job is declared once in ``JOBS`` with its schedule (an APScheduler trigger: no
home-made cron parsing). ``run_job`` runs one now and records a ``PrivacyJobRun`` with
counts only; ``manage run_scheduler`` runs them all on their schedules (one scheduler
process per installation: ``make run`` starts it in the launcher); ``manage
run_privacy_job NAME`` runs one by hand or from an outside scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.models import PrivacyJobRun
from bovenwater.audit.retention import SweepReport

logger = logging.getLogger(__name__)


def _anchor() -> dict[str, int]:
    from bovenwater.audit.anchor import anchor_now
    from bovenwater.audit.jobs import chain_pending

    sealed = chain_pending()
    anchor = anchor_now()
    return {"sealed": sealed, "anchored_position": anchor.seq}


def _webscan_retention() -> dict[str, int]:
    from bovenwater.webscan.jobs import retention_apply

    report = retention_apply()
    return {"ads_deleted": report.ads_deleted, "networks_pruned": report.networks_pruned}


def _chat_retention() -> dict[str, int]:
    from bovenwater.chat.services import retention_run

    result = retention_run()
    return {
        "transcripts_deleted": result.deleted,
        "transcripts_masked": result.masked,
        "messages_deleted": result.pickups_deleted,
        "blocks_deleted": result.blocks_deleted,
    }


def _case_retention() -> dict[str, int]:
    from bovenwater.cases.services import sweep_closed_cases

    return sweep_closed_cases().counts()


def _signal_retention() -> dict[str, int]:
    from bovenwater.cases.services import existing_case_numbers
    from bovenwater.intake.retention import sweep_signals

    return sweep_signals(case_exists=existing_case_numbers).counts()


def retention_preview(
    *, organisation_id: int | None = None, now: datetime | None = None
) -> list[SweepReport]:
    """Dry run of the case and signal sweeps: what would go at the next run (counts only,
    nothing is written), for one organisation or for all."""
    from bovenwater.cases.services import existing_case_numbers, sweep_closed_cases
    from bovenwater.intake.retention import sweep_signals

    return [
        sweep_closed_cases(now=now, dry_run=True, organisation_id=organisation_id),
        sweep_signals(
            case_exists=existing_case_numbers,
            now=now,
            dry_run=True,
            organisation_id=organisation_id,
        ),
    ]


def _case_deadline_notices() -> dict[str, int]:
    from bovenwater.cases.services import deadline_notices_send

    return {"notices": deadline_notices_send()}


def _notification_digest() -> dict[str, int]:
    # via the task queue, like every notice e-mail (the worker sends it)
    from bovenwater.notifications.tasks import send_daily_digest

    send_daily_digest.enqueue()
    return {"queued": 1}


def _open_data_release() -> dict[str, int]:
    from bovenwater.monitor.fill import fill_counts
    from bovenwater.monitor.opendata import release_create

    fill_counts()
    release = release_create()
    return {"release": release.pk}


@dataclass(frozen=True)
class Job:
    name: str
    label: Promise
    run: Callable[[], dict[str, int]]
    trigger: Callable[[], BaseTrigger]
    schedule_text: Callable[[], str]  # in words, for the privacy officer

    @property
    def schedule(self) -> str:
        return self.schedule_text()


JOBS: tuple[Job, ...] = (
    Job(
        "processing_log_anchor",
        _("Verwerkingslogboek verzegelen en verankeren"),
        _anchor,
        lambda: IntervalTrigger(minutes=settings.PROCESSING_LOG_ANCHOR_MINUTES),
        lambda: _("elke %(minutes)s minuten") % {"minutes": settings.PROCESSING_LOG_ANCHOR_MINUTES},
    ),
    Job(
        "webscan_retention",
        _("Bewaartermijn webscan-advertenties"),
        _webscan_retention,
        lambda: CronTrigger(hour=3, minute=0),
        lambda: str(_("dagelijks om 03.00 uur")),
    ),
    Job(
        "chat_retention",
        _("Bewaartermijn chatgesprekken"),
        _chat_retention,
        lambda: CronTrigger(hour=3, minute=15),
        lambda: str(_("dagelijks om 03.15 uur")),
    ),
    Job(
        "case_retention",
        _("Bewaartermijn afgesloten casussen"),
        _case_retention,
        lambda: CronTrigger(hour=3, minute=30),
        lambda: str(_("dagelijks om 03.30 uur")),
    ),
    Job(
        "signal_retention",
        _("Bewaartermijn afgehandelde signalen"),
        _signal_retention,
        lambda: CronTrigger(hour=3, minute=45),
        lambda: str(_("dagelijks om 03.45 uur")),
    ),
    Job(
        "case_deadline_notices",
        _("Meldingen van termijnen (taken en B8-bedenktijd)"),
        _case_deadline_notices,
        lambda: CronTrigger(hour=6, minute=0),
        lambda: str(_("dagelijks om 06.00 uur")),
    ),
    Job(
        "notification_digest",
        _("Dagelijks overzicht van meldingen per e-mail"),
        _notification_digest,
        lambda: CronTrigger(hour=7, minute=0),
        lambda: str(_("dagelijks om 07.00 uur")),
    ),
    Job(
        "open_data_release",
        _("Open-data-publicatie"),
        _open_data_release,
        lambda: CronTrigger(day=1, hour=4, minute=0),
        lambda: str(_("maandelijks op de eerste om 04.00 uur")),
    ),
)
JOBS_BY_NAME = {job.name: job for job in JOBS}


def _fresh_connections() -> None:
    """Drop stale connections between scheduled runs, never one inside a transaction
    (a job started from a request or a test runs inside the caller's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def run_job(name: str) -> PrivacyJobRun:
    """Run one job now and record the run (counts only; a failure is recorded too)."""
    job = JOBS_BY_NAME[name]
    _fresh_connections()
    record = PrivacyJobRun.objects.create(job=name)
    try:
        counts = job.run()
    except Exception as error:  # a failed job is recorded and logged, the scheduler goes on
        logger.exception("privacy job %s failed", name)
        PrivacyJobRun.objects.filter(pk=record.pk).update(
            finished_at=timezone.now(), ok=False, error=f"{type(error).__name__}: {error}"[:500]
        )
    else:
        PrivacyJobRun.objects.filter(pk=record.pk).update(
            finished_at=timezone.now(), ok=True, counts=counts
        )
    finally:
        _fresh_connections()
    record.refresh_from_db()
    return record


def build_scheduler(scheduler: Any) -> Any:
    """Add every job to an APScheduler scheduler (not started)."""
    for job in JOBS:
        scheduler.add_job(
            run_job,
            trigger=job.trigger(),
            args=[job.name],
            id=job.name,
            name=str(job.label),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )
    return scheduler


COUNT_LABELS: dict[str, Promise] = {
    "sealed": _("regels verzegeld"),
    "anchored_position": _("verankerd tot regel"),
    "ads_deleted": _("advertenties verwijderd"),
    "networks_pruned": _("netwerken tot aantallen teruggebracht"),
    "transcripts_deleted": _("gesprekken verwijderd"),
    "transcripts_masked": _("gesprekken afgeschermd"),
    "messages_deleted": _("berichten verwijderd"),
    "blocks_deleted": _("blokkades opgeheven"),
    "release": _("publicatienummer"),
    "cases_deleted": _("casussen verwijderd"),
    "cases_held": _("casussen aangehouden (lopende maatregel)"),
    "cases_failed": _("casussen niet gelukt (volgende keer opnieuw)"),
    "signals_deleted": _("signalen verwijderd"),
    "signals_held": _("signalen aangehouden (casus bestaat nog)"),
    "signals_failed": _("signalen niet gelukt (volgende keer opnieuw)"),
    "rows_deleted": _("bijbehorende regels verwijderd"),
    "files_deleted": _("bijlagen verwijderd"),
    "notices": _("meldingen gemaakt"),
    "queued": _("e-mailtaken klaargezet"),
}


@dataclass(frozen=True)
class JobStatus:
    job: Job
    last: PrivacyJobRun | None

    def counts(self) -> list[tuple[str, int]]:
        """The last run's counts with their Dutch (or English) labels."""
        if self.last is None:
            return []
        return [(str(COUNT_LABELS.get(key, key)), value) for key, value in self.last.counts.items()]


def job_statuses() -> list[JobStatus]:
    """The last run of every job, for the privacy officer (counts only, no personal data)."""
    last: dict[str, PrivacyJobRun] = {}
    for run in PrivacyJobRun.objects.filter(finished_at__isnull=False).order_by("-started_at")[
        :200
    ]:
        last.setdefault(run.job, run)
    return [JobStatus(job, last.get(job.name)) for job in JOBS]
