"""Background task: link one run's lists (django-tasks, see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from bovenwater.linkage.jobs import execute_run


@task()
def run_linkage(run_id: int) -> None:
    execute_run(run_id)
