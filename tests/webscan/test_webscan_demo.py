"""The webscan demo: a lawful source at the Amsterdam police team, scanned, networks waiting."""

from __future__ import annotations

from typing import Any

import pytest

import bovenwater.core.demo as demo
from bovenwater.core.demo import seed_demo
from bovenwater.webscan.models import Ad, Network, NetworkState, RunStatus, ScanRun, Source

pytestmark = pytest.mark.django_db


def test_demo_seeds_scanned_sources_with_networks_in_the_queue_once(settings: Any) -> None:
    settings.DEMO_MODE = True

    steps = demo.DEMO_STEPS
    demo.DEMO_STEPS = ("bovenwater.webscan.demo",)
    try:
        report = seed_demo()
        assert report.extra["webscan_runs"] == 2
        police = Source.objects.get(organisation__name="Politie Amsterdam — team mensenhandel")
        assert police.purpose and police.legal_basis and police.authoriser_name
        run = ScanRun.objects.get(source=police)
        assert run.status == RunStatus.DONE
        assert run.ads_read == 1500
        assert Ad.objects.filter(run=run).count() == 1500
        assert Network.objects.filter(run=run, state=NetworkState.NEW).count() > 10
        again = seed_demo()
        assert "webscan_runs" not in again.extra
        assert ScanRun.objects.count() == 2
    finally:
        demo.DEMO_STEPS = steps
