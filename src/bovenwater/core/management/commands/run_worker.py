"""``manage.py run_worker``: the task worker that survives database restarts.

See ``bovenwater.core.worker``. ``bovenwater.launch`` (``make run``) starts two.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import (
    valid_backend_name,
    valid_interval,
    valid_max_tasks,
)

from bovenwater.core.worker import ResilientWorker, new_worker_id


class Command(BaseCommand):
    help = "Run a background-task worker that reconnects and ends abandoned tasks."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--queue-name", default="default", help="queues, comma-separated")
        parser.add_argument("--interval", type=valid_interval, default=1.0)
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--max-tasks", type=valid_max_tasks, default=None)
        parser.add_argument(
            "--backend",
            dest="backend_name",
            type=valid_backend_name,
            default=DEFAULT_TASK_BACKEND_ALIAS,
        )
        parser.add_argument("--worker-id", default="")
        parser.add_argument(
            "--heartbeat",
            type=valid_interval,
            default=float(settings.TASK_WORKER_HEARTBEAT),
            help="seconds between heartbeats (default: TASK_WORKER_HEARTBEAT)",
        )
        parser.add_argument(
            "--stale-after",
            type=valid_interval,
            default=float(settings.TASK_WORKER_STALE_AFTER),
            help="a running task whose worker is silent this long is abandoned "
            "(default: TASK_WORKER_STALE_AFTER)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["stale_after"] <= options["heartbeat"]:
            raise CommandError("--stale-after must be longer than --heartbeat")
        DbWorkerCommand().configure_logging(options["verbosity"])
        worker = ResilientWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or new_worker_id(),
            excluded_queue_names=[],
            heartbeat=options["heartbeat"],
            stale_after=options["stale_after"],
        )
        worker.configure_signals()
        worker.run()
