"""Run the chat's retention job now (it is also a background task to schedule daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bovenwater.chat.services import retention_run


class Command(BaseCommand):
    help = (
        "Mask contact details in ended chat transcripts, add them to the chat counts, "
        "and delete transcripts past CHAT_RETENTION_DAYS (not handed off) and expired "
        "pick-up messages and blocks."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_run()
        self.stdout.write(
            f"chat retention: {result.masked} masked, {result.counted} counted, "
            f"{result.deleted} deleted, {result.pickups_deleted} pick-up messages and "
            f"{result.blocks_deleted} blocks removed"
        )
