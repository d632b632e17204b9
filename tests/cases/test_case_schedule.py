"""The daily notices run by themselves (issue #13): the deadline notices and the daily
e-mail digest are jobs of the scheduler that ``make run`` starts, and a run of each does
its work and records counts only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.models import User
from bovenwater.accounts.roles import Role
from bovenwater.audit.privacy_jobs import build_scheduler, run_job
from bovenwater.audit.scheduling import registered_jobs
from bovenwater.cases import services
from bovenwater.notifications.models import EmailMode, Notification, Preference

DAILY = ("case_deadline_notices", "notification_digest")


def test_the_daily_notices_are_in_the_schedule_once_a_day() -> None:
    scheduler = build_scheduler(BackgroundScheduler())
    scheduled = {job.id: job for job in scheduler.get_jobs()}
    for name in DAILY:
        assert name in {job.name for job in registered_jobs()}
        trigger = scheduled[name].trigger
        assert isinstance(trigger, CronTrigger)
        fields = {f.name: str(f) for f in trigger.fields}
        assert fields["day"] == "*" and fields["hour"].isdigit()


@pytest.mark.django_db
def test_a_run_creates_the_deadline_notices_and_queues_the_digest(mailoutbox: list[Any]) -> None:
    org = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    case = factories.open_case(coordinator)
    services.task_create(
        actor=coordinator,
        case=case,
        title="Intakegesprek",
        deadline=timezone.localdate() + datetime.timedelta(days=2),
        assignee=coordinator.user,
    )
    run = run_job("case_deadline_notices")
    assert run.ok and run.counts == {"notices": 1}
    assert Notification.objects.filter(user=coordinator.user, event="deadline_soon").count() == 1
    assert run_job("case_deadline_notices").counts == {"notices": 0}  # once per deadline

    Preference.objects.update_or_create(user=coordinator.user, defaults={"email": EmailMode.DAILY})
    User.objects.filter(pk=coordinator.user.pk).update(email="zorg@example.org")
    run = run_job("notification_digest")
    assert run.ok and run.counts == {"queued": 1}
    # the queue (immediate in tests) sent the overview and marked the notices as mailed
    assert [m.to for m in mailoutbox] == [["zorg@example.org"]]
    assert not Notification.objects.filter(user=coordinator.user, mailed_at__isnull=True).exists()
