"""The privacy jobs run by themselves: a scheduler (APScheduler) runs each on its
schedule, ``make run``'s launcher starts it, and the privacy officer sees when each job
last ran and what it removed (counts only)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from tests.webscan.factories import World, corpus_lines

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Role
from bovenwater.audit.models import PrivacyJobRun
from bovenwater.audit.privacy_jobs import build_scheduler, run_job
from bovenwater.audit.scheduling import Job, JobNameTaken, job_named, register, registered_jobs
from bovenwater.launch import children
from bovenwater.webscan.models import Ad, ScanRun


@pytest.fixture(autouse=True)
def anchor_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(PROCESSING_LOG_ANCHOR_DIR=tmp_path):
        yield tmp_path


def test_every_job_has_a_schedule_and_make_run_starts_the_scheduler() -> None:
    scheduler = build_scheduler(BackgroundScheduler())
    assert {job.id for job in scheduler.get_jobs()} == {job.name for job in registered_jobs()}
    assert {
        "processing_log_anchor",
        "webscan_retention",
        "chat_retention",
        "open_data_release",
    } <= {job.name for job in registered_jobs()}
    launched = children(port=0, web_workers=1, interval=1.0)
    scheduler_child = [child for child in launched if child.name == "scheduler"]
    assert scheduler_child and scheduler_child[0].argv[-1] == "run_scheduler"
    assert scheduler_child[0].restart


def test_each_app_registers_its_own_jobs_and_a_name_is_taken_once() -> None:
    # audit imports no domain app: the jobs come from the apps' AppConfig.ready().
    owners = {job.name: job.run.__module__ for job in registered_jobs()}
    assert owners["processing_log_anchor"] == "bovenwater.audit.apps"
    assert owners["webscan_retention"] == "bovenwater.webscan.apps"
    assert owners["chat_retention"] == "bovenwater.chat.apps"
    assert owners["open_data_release"] == "bovenwater.monitor.apps"
    for job in registered_jobs():
        assert job.count_labels, f"{job.name} names none of its counts"

    mine = job_named("chat_retention")
    register(mine)  # ready() run again by the same app: the same job, no error
    assert job_named("chat_retention") is mine
    intruder = Job(mine.name, mine.label, _counts_nothing, mine.trigger, mine.schedule_text)
    with pytest.raises(JobNameTaken):
        register(intruder)
    assert job_named("chat_retention") is mine


def _counts_nothing() -> dict[str, int]:
    return {}


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_runs_a_job_by_itself(anchor_dir: Path, live_database: None) -> None:
    # live_database: committed data with the log's guards removed before the flush (the
    # append-only trigger refuses PostgreSQL's TRUNCATE otherwise).
    scheduler = build_scheduler(BackgroundScheduler())
    scheduler.modify_job("processing_log_anchor", next_run_time=timezone.now())
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        while not PrivacyJobRun.objects.filter(job="processing_log_anchor", ok=True).exists():
            assert time.monotonic() < deadline, "the scheduler did not run the job"
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
    assert (anchor_dir / "anchors.jsonl").exists()


@pytest.mark.django_db
def test_retention_run_is_recorded_with_counts_and_shown_to_the_privacy_officer(
    client: Client,
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    world = World(make_organisation, make_member, "Politie Retentie")
    run = world.scan(corpus_lines(60))
    ScanRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=400))
    before = Ad.objects.count()
    assert before > 0
    recorded = run_job("webscan_retention")
    assert recorded.ok
    assert recorded.counts["ads_deleted"] == before - Ad.objects.count() > 0

    call_command("run_privacy_job", "chat_retention")
    assert PrivacyJobRun.objects.filter(job="chat_retention", ok=True).count() == 1

    login_as(make_member(role=Role.PRIVACY_OFFICER))
    page = client.get("/verwerkingslogboek/").content.decode()
    assert "Bewaartermijn webscan-advertenties" in page
    assert f"advertenties verwijderd: {recorded.counts['ads_deleted']}" in page
    assert "Open-data-publicatie" in page  # not run yet: shown as such
    assert "nog niet" in page
