"""The demo region's linkage: three lists (one encoded outside the platform), a run and
an estimate from the linked lists beside the exact-pseudonym estimate."""

from __future__ import annotations

from typing import Any

import pytest

from bovenwater.core.demo import seed_demo
from bovenwater.estimation.models import EstimateRun, Status
from bovenwater.linkage.demo import ESTIMATE_NAME, HIT_NAME, demo_lists
from bovenwater.linkage.models import LinkageProject, LinkageRun, RunStatus, SourceKind

pytestmark = pytest.mark.django_db


def test_demo_linkage_project_and_its_estimate(settings: Any) -> None:
    settings.DEMO_MODE = True
    seed_demo()
    project = LinkageProject.objects.get(name=ESTIMATE_NAME)
    kinds = sorted(project.sources.values_list("kind", flat=True))
    assert kinds == [SourceKind.EXTERNAL, SourceKind.PLATFORM, SourceKind.PLATFORM]
    run = LinkageRun.objects.get(project=project)
    assert run.status == RunStatus.DONE
    records = sum(text.count("\n") - 1 for text in demo_lists().values())
    assert run.summary["records"] == records
    assert 0 < run.summary["groups"] < records
    linked = EstimateRun.objects.get(linkage_run_id=run.pk)
    assert linked.status == Status.DONE
    assert LinkageProject.objects.filter(name=HIT_NAME).exists()
    before = LinkageRun.objects.count()
    seed_demo()
    assert LinkageRun.objects.count() == before
