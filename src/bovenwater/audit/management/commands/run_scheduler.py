from __future__ import annotations

from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management.base import BaseCommand

from bovenwater.audit.privacy_jobs import build_scheduler
from bovenwater.audit.scheduling import registered_jobs


class Command(BaseCommand):
    help = (
        "Run the privacy jobs on their schedules (retention sweeps, open-data release, "
        "sealing and anchoring the processing log). Run exactly one per installation."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = build_scheduler(BlockingScheduler(timezone=settings.TIME_ZONE))
        names = ", ".join(job.name for job in registered_jobs())
        self.stdout.write(f"Privacy job scheduler running: {names}.")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
