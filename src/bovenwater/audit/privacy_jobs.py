"""The privacy jobs that run by themselves, and the record of their runs.

Each app registers its jobs with their schedules (APScheduler triggers: no home-made
cron parsing) in ``audit/scheduling.py`` from its ``AppConfig.ready()``; audit imports no
domain app. ``run_job`` runs one now and records a ``PrivacyJobRun`` with counts only;
``manage run_scheduler`` runs them all on their schedules (one scheduler process per
installation: ``make run`` starts it in the launcher); ``manage run_privacy_job NAME``
runs one by hand or from an outside scheduler.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone

from bovenwater.audit.models import PrivacyJobRun
from bovenwater.audit.retention import RETENTION_TABLE, SweepReport
from bovenwater.audit.scheduling import Job, job_named, registered_jobs

logger = logging.getLogger(__name__)


def retention_preview(
    *, organisation_id: int | None = None, now: datetime | None = None
) -> list[SweepReport]:
    """Dry run of the sweeps that can preview (cases, signals): what would go at the next
    run (counts only, nothing is written), for one organisation or for all; in the order
    of the retention table."""
    order = {rule.job: position for position, rule in enumerate(RETENTION_TABLE)}
    previewing = sorted(
        (job for job in registered_jobs() if job.preview is not None),
        key=lambda job: order.get(job.name, len(order)),
    )
    return [
        job.preview(organisation_id=organisation_id, now=now)
        for job in previewing
        if job.preview is not None
    ]


def _fresh_connections() -> None:
    """Drop stale connections between scheduled runs, never one inside a transaction
    (a job started from a request or a test runs inside the caller's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def run_job(name: str) -> PrivacyJobRun:
    """Run one job now and record the run (counts only; a failure is recorded too)."""
    job = job_named(name)
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
    for job in registered_jobs():
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


@dataclass(frozen=True)
class JobStatus:
    job: Job
    last: PrivacyJobRun | None

    def counts(self) -> list[tuple[str, int]]:
        """The last run's counts with their Dutch (or English) labels."""
        if self.last is None:
            return []
        labels = self.job.count_labels
        return [(str(labels.get(key, key)), value) for key, value in self.last.counts.items()]


def job_statuses() -> list[JobStatus]:
    """The last run of every job, for the privacy officer (counts only, no personal data)."""
    last: dict[str, PrivacyJobRun] = {}
    for run in PrivacyJobRun.objects.filter(finished_at__isnull=False).order_by("-started_at")[
        :200
    ]:
        last.setdefault(run.job, run)
    return [JobStatus(job, last.get(job.name)) for job in registered_jobs()]
