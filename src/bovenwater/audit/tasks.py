"""Background task: seal new processing-log entries into the hash chain.

On its own queue (``audit``), run by a worker of its own under ``make run``, so a long
estimate on the ``default`` queue never holds up the sealing.
"""

from __future__ import annotations

from django_tasks import task

from bovenwater.audit.jobs import chain_pending


@task(queue_name="audit")
def chain_processing_log() -> int:
    """Seal every committed entry that has no chain position yet; returns how many."""
    return chain_pending()
