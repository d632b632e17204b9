"""Demo monitor: count the demo registrations and publish the first open-data release.

Runs after the registry's demo step (``core.demo.DEMO_STEPS``). Idempotent: a second
run counts nothing new and publishes no new release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.opendata import latest_release, release_create

if TYPE_CHECKING:
    from bovenwater.core.demo import SeedReport


@transaction.atomic
def seed(report: SeedReport) -> None:
    result = fill_counts()
    report.extra["monitor_registrations_counted"] = result.registrations_added
    if result.registrations_added or latest_release() is None:
        release_create()
        report.extra["open_data_releases"] = 1
