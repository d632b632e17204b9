"""Delete raw webscan ads past their source's retention (unless promoted to a signal)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bovenwater.webscan.jobs import retention_apply


class Command(BaseCommand):
    help = (
        "Delete webscan advertisements older than their source's retention, except those "
        "of networks promoted to a signal; prune those networks to counts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_apply()
        self.stdout.write(
            f"webscan retention: {report.ads_deleted} ads deleted, "
            f"{report.networks_pruned} networks pruned"
        )
