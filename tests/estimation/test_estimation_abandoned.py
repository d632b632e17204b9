"""A run whose worker died: ended as abandoned by the sweep, explained, and retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.support import login

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.core.models import WorkerHeartbeat
from bovenwater.core.worker import ABANDONED_PATH, sweep_abandoned
from bovenwater.estimation.models import EstimateRun, Status
from bovenwater.mse import ENGINE_VERSION

pytestmark = pytest.mark.django_db


def running_task(run: EstimateRun, worker_id: str) -> DBTaskResult:  # type: ignore[type-arg]
    """The queue row a worker leaves behind when it is killed while computing ``run``."""
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [run.pk], "kwargs": {}},
        task_path="bovenwater.estimation.tasks.run_estimate",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        started_at=timezone.now() - timedelta(minutes=5),
        worker_ids=[worker_id],
    )


@pytest.fixture
def analyst(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> Membership:
    registrar = make_organisation(name="CoMensha test", kind=OrganisationKind.NATIONAL_REGISTRAR)
    return make_member(role=Role.ANALYST, organisation=registrar)


def stuck_run(analyst: Membership) -> EstimateRun:
    """A run left *running* by a worker that died."""
    return EstimateRun.objects.create(
        organisation=analyst.organisation,
        inputs={
            "tables": {"2024": {"lists": ["a", "b", "c"], "counts": [60, 50, 12, 40, 10, 9, 3]}}
        },
        method="stepwise",
        seed=5,
        ci_method="profile",
        engine_version=ENGINE_VERSION,
        status=Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
    )


def test_sweep_ends_a_task_of_a_dead_worker_and_the_page_explains_it(
    analyst: Membership, client: Client
) -> None:
    run = stuck_run(analyst)
    dead = running_task(run, "dead-worker")
    WorkerHeartbeat.objects.create(
        worker_id="alive", hostname="h", pid=1, queues="default", seen_at=timezone.now()
    )
    other_run = stuck_run(analyst)
    alive = running_task(other_run, "alive")

    assert sweep_abandoned(backend_name="default", stale_after=60) == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.exception_class_path) == ("FAILED", ABANDONED_PATH)
    assert alive.status == "RUNNING"  # its worker is alive: left alone
    run.refresh_from_db()
    other_run.refresh_from_db()
    assert run.status == Status.ABANDONED
    assert other_run.status == Status.RUNNING

    login(client, analyst)
    page = client.get(reverse("estimation:run", args=[run.pk]))
    text = page.content.decode()
    assert "De berekening is afgebroken." in text
    assert "stopte onverwacht" in text
    assert 'data-testid="retry"' in text

    # retry: queued again and (immediate backend in tests) computed
    response = client.post(reverse("estimation:retry", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert run.result != {}


def test_retry_of_a_finished_run_is_refused_in_dutch(analyst: Membership, client: Client) -> None:
    run = stuck_run(analyst)
    EstimateRun.objects.filter(pk=run.pk).update(status=Status.DONE)
    login(client, analyst)
    response = client.post(reverse("estimation:retry", args=[run.pk]), follow=True)
    assert "opnieuw starten is niet nodig" in response.content.decode()
    run.refresh_from_db()
    assert run.status == Status.DONE
