"""Demo estimates: one national run over the demo registrations, computed at once.

Stepwise selection (p = 0.02) with a profile-likelihood interval and a fixed seed; the
run belongs to a CoMensha organisation, so every demo account with
``VIEW_ESTIMATES`` sees it. Idempotent: a second seed finds the run and writes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind
from bovenwater.estimation.jobs import execute_run
from bovenwater.estimation.models import CIMethod, EstimateRun, Method
from bovenwater.estimation.overlap import overlap_tables
from bovenwater.mse import ENGINE_VERSION
from bovenwater.registry.selectors import overlap_rows

if TYPE_CHECKING:
    from bovenwater.core.demo import SeedReport

DEMO_SEED = 2026


def seed(report: SeedReport) -> None:
    organisation = (
        Organisation.objects.filter(kind=OrganisationKind.NATIONAL_REGISTRAR).order_by("pk").first()
    )
    if organisation is None or EstimateRun.objects.filter(organisation=organisation).exists():
        return
    tables = {str(year): table for year, table in overlap_tables(overlap_rows()).items()}
    if not tables:
        return
    run = EstimateRun.objects.create(
        organisation=organisation,
        national=True,
        inputs={"tables": {year: t.to_json() for year, t in tables.items()}},
        method=Method.STEPWISE,
        max_order=2,
        p_threshold=0.02,
        bootstrap=0,
        seed=DEMO_SEED,
        ci_method=CIMethod.PROFILE,
        engine_version=ENGINE_VERSION,
    )
    execute_run(run.pk)
    report.extra["estimation_runs"] = 1
