"""The job body of an estimate: compute a queued run and store its result.

``estimation.tasks.run_estimate`` runs it in the background (queued by
``services.run_request`` and ``services.run_retry``); the demo runs it at once. It imports
neither the services nor the tasks, so data flows one way: services -> tasks -> jobs.
"""

from __future__ import annotations

from django.utils import timezone

from bovenwater.estimation.compute import compute_result
from bovenwater.estimation.models import EstimateRun, Status


def recompute(run: EstimateRun) -> dict[str, object]:
    """The result of ``run``'s stored inputs and settings, computed afresh."""
    return compute_result(
        run.inputs,
        method=run.method,
        max_order=run.max_order,
        p_threshold=run.p_threshold,
        bootstrap=run.bootstrap,
        seed=run.seed,
        ci=run.ci_method,
    )


def execute_run(run_id: int) -> EstimateRun:
    """Compute a queued run, recording progress per year; a failure is stored, not raised."""
    run = EstimateRun.objects.get(pk=run_id)
    if run.status not in (Status.QUEUED, Status.RUNNING):
        return run
    EstimateRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, started_at=timezone.now(), progress=0
    )

    def progress(done: int, total: int) -> None:
        EstimateRun.objects.filter(pk=run.pk).update(progress=min(99, done * 100 // total))

    try:
        result = compute_result(
            run.inputs,
            method=run.method,
            max_order=run.max_order,
            p_threshold=run.p_threshold,
            bootstrap=run.bootstrap,
            seed=run.seed,
            ci=run.ci_method,
            on_progress=progress,
        )
    except Exception as exc:  # a failed run is shown on its page, never lost
        EstimateRun.objects.filter(pk=run.pk).update(
            status=Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    else:
        EstimateRun.objects.filter(pk=run.pk).update(
            status=Status.DONE, progress=100, result=result, finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run
