from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bovenwater.core.demo import seed_demo


class Command(BaseCommand):
    help = "Create the fictional demo region (demo mode only). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = seed_demo()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Demo region: {report.organisations_created} organisations, {report.users_created} users, "
            f"{report.memberships_created} memberships created."
        )
