"""Background task: run one webscan (django-tasks, see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from bovenwater.webscan.jobs import execute_run, retention_apply


@task()
def run_scan(run_id: int) -> None:
    execute_run(run_id)


@task()
def apply_retention() -> None:
    """The retention sweep as a task (schedule daily, or run the management command)."""
    retention_apply()
