"""Background task: run one webscan (django-tasks, see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from bovenwater.webscan.services import execute_run


@task()
def run_scan(run_id: int) -> None:
    execute_run(run_id)


@task()
def apply_retention() -> None:
    """The retention sweep as a task (schedule daily, or run the management command)."""
    from bovenwater.webscan.services import retention_apply

    retention_apply()
