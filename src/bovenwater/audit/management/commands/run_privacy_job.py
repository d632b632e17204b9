from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bovenwater.audit.privacy_jobs import run_job
from bovenwater.audit.scheduling import registered_jobs


class Command(BaseCommand):
    help = "Run one privacy job now and record it (for an outside scheduler, or by hand)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", choices=sorted(job.name for job in registered_jobs()))

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_job(options["job"])
        if not run.ok:
            raise CommandError(f"{run.job} failed: {run.error}")
        counts = ", ".join(f"{key} {value}" for key, value in run.counts.items())
        self.stdout.write(f"{run.job}: {counts or 'nothing to do'}.")
