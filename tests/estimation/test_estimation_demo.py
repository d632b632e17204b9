"""The demo step: one national run over the registrations, computed at once, idempotent."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind
from bovenwater.core.demo import DEMO_STEPS, SeedReport
from bovenwater.estimation import demo
from bovenwater.estimation.jobs import recompute
from bovenwater.estimation.models import EstimateRun, Status

pytestmark = pytest.mark.django_db


def test_demo_step_comes_after_the_registry() -> None:
    assert DEMO_STEPS.index("bovenwater.estimation.demo") > DEMO_STEPS.index(
        "bovenwater.registry.demo"
    )


def test_demo_computes_one_national_run_once(
    registry: Callable[..., None], make_organisation: Callable[..., Organisation]
) -> None:
    registry()
    make_organisation(kind=OrganisationKind.NATIONAL_REGISTRAR)
    report = SeedReport()
    demo.seed(report)
    run = EstimateRun.objects.get()
    assert report.extra["estimation_runs"] == 1
    assert run.national is True
    assert run.status == Status.DONE
    assert sorted(run.result["years"]) == ["2023", "2024"]
    assert recompute(run) == run.result
    demo.seed(SeedReport())
    assert EstimateRun.objects.count() == 1
