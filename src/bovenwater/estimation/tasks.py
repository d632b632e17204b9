"""Background task: compute one estimate run (django-tasks, see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from bovenwater.estimation.jobs import execute_run


@task()
def run_estimate(run_id: int) -> None:
    execute_run(run_id)
