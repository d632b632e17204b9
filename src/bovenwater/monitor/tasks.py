"""Background task: fill the monitor's count tables (django-tasks, see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from bovenwater.monitor.fill import fill_counts


@task()
def fill_monitor_counts() -> int:
    """Add new registrations to the count tables; returns how many were added."""
    return fill_counts().registrations_added


def enqueue_fill() -> None:
    """Queue an incremental fill; registry writes call this on commit."""
    fill_monitor_counts.enqueue()
