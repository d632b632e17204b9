"""Helper for the worker tests, run in the platform's environment (one JSON line out).

python -m tests.worker.worker_script estimate      # queue a long estimate; its run id
python -m tests.worker.worker_script enqueue N     # queue N log-sealing tasks; their ids
python -m tests.worker.worker_script tasks ID...   # status and exception of those tasks
python -m tests.worker.worker_script run ID        # status of an estimate run
python -m tests.worker.worker_script log N         # commit N processing-log entries
python -m tests.worker.worker_script pending       # entries not sealed yet
python -m tests.worker.worker_script commits N     # N entries, each in its own transaction
python -m tests.worker.worker_script chain-tasks   # the sealing tasks: status, deferred?
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

import django

django.setup()

from django.db import transaction  # noqa: E402
from django_tasks_db.models import DBTaskResult, get_date_max  # noqa: E402

from bovenwater.accounts import services as accounts  # noqa: E402
from bovenwater.accounts.roles import OrganisationKind  # noqa: E402
from bovenwater.audit.models import Action, ProcessingLogEntry  # noqa: E402
from bovenwater.audit.purposes import Purpose  # noqa: E402
from bovenwater.audit.services import log_processing  # noqa: E402
from bovenwater.audit.tasks import chain_processing_log  # noqa: E402
from bovenwater.estimation.models import EstimateRun  # noqa: E402
from bovenwater.estimation.tasks import run_estimate  # noqa: E402
from bovenwater.mse import ENGINE_VERSION  # noqa: E402
from bovenwater.reference.models import Municipality  # noqa: E402


def estimate() -> int:
    """A run that takes minutes: six lists, BIC re-selection in 1,000 bootstrap replicates."""
    organisation = accounts.organisation_create(
        name="Analyse (worker test)",
        kind=OrganisationKind.OTHER,
        municipality=Municipality.objects.get(code="GM0363"),
    )
    rng = random.Random(6)
    lists = ["police", "kmar", "inspectorate", "care", "shelter", "other"]
    counts = [rng.randint(3, 60) for _ in range(2 ** len(lists) - 1)]
    with transaction.atomic():
        run = EstimateRun.objects.create(
            organisation=organisation,
            inputs={"tables": {"2024": {"lists": lists, "counts": counts}}},
            method="bic",
            max_order=2,
            bootstrap=1000,
            seed=13,
            ci_method="percentile",
            engine_version=ENGINE_VERSION,
        )
        run_estimate.enqueue(run.pk)
    return run.pk


def main(command: str, args: list[str]) -> Any:
    if command == "estimate":
        return estimate()
    if command == "enqueue":
        return [str(chain_processing_log.enqueue().id) for _ in range(int(args[0]))]
    if command == "tasks":
        rows = DBTaskResult.objects.filter(pk__in=args)
        return {str(r.pk): [r.status, r.exception_class_path] for r in rows}
    if command == "run":
        return EstimateRun.objects.get(pk=int(args[0])).status
    if command == "run-task":
        result = DBTaskResult.objects.get(task_path=run_estimate.module_path)
        return [result.status, result.exception_class_path]
    if command == "log":
        with transaction.atomic():
            for i in range(int(args[0])):
                log_processing(
                    actor=None,
                    action=Action.VIEW,
                    object_type="workertest.entry",
                    object_id=i,
                    purpose=Purpose.ACCOUNT_SECURITY,
                )
        return int(args[0])
    if command == "commits":
        for i in range(int(args[0])):
            with transaction.atomic():
                log_processing(
                    actor=None,
                    action=Action.VIEW,
                    object_type="workertest.commit",
                    object_id=i,
                    purpose=Purpose.ACCOUNT_SECURITY,
                    details={"commit": i},
                )
        return int(args[0])
    if command == "chain-tasks":
        rows = DBTaskResult.objects.filter(task_path=chain_processing_log.module_path)
        return [
            [r.status, r.run_after != get_date_max() and r.run_after > r.enqueued_at] for r in rows
        ]
    if command == "pending":
        return ProcessingLogEntry.objects.filter(seq__isnull=True).count()
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:])))
