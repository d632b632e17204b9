"""``manage.py notify_case_deadlines``: notices for task and B8 deadlines (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bovenwater.cases.services.deadline_notices import deadline_notices_send


class Command(BaseCommand):
    help = "Create notices for task and B8 deadlines within 7 days and overdue (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{deadline_notices_send()} notices created")
