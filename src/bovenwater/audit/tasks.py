"""Background task: seal new processing-log entries into the hash chain."""

from __future__ import annotations

from django_tasks import task

from bovenwater.audit.services import chain_pending


@task()
def chain_processing_log() -> int:
    """Seal every committed entry that has no chain position yet; returns how many."""
    return chain_pending()
