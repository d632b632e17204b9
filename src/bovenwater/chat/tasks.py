"""Background task of the chat: the daily retention job (masking, counts, deletion)."""

from __future__ import annotations

from django_tasks import task

from bovenwater.chat.services import retention_run


@task()
def apply_chat_retention() -> int:
    """Mask ended transcripts, count them, delete those past retention; returns deletions."""
    return retention_run().deleted
