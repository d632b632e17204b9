"""Notices for deadlines: a task or the B8 reflection period ending within 7 days, and
overdue. Run once a day (``manage.py notify_case_deadlines``, or its task); each
deadline gives each person one notice per kind, however often this runs."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bovenwater.accounts.models import User
from bovenwater.cases.models import Case, CaseState, Task
from bovenwater.notifications.models import Event, Notification
from bovenwater.notifications.services import notify_users

SOON_DAYS = 7
CLOSED = (CaseState.CLOSED, CaseState.DROPPED_OUT)


def _once(user: User, case: Case, event: str, anchor: str) -> int:
    url = reverse("cases:detail", kwargs={"case_id": case.pk}) + f"?tab=traject#{anchor}"
    if Notification.objects.filter(user=user, event=event, url=url).exists():
        return 0
    return len(
        notify_users(
            users=[user], organisation=case.owner, event=event, reference=case.number, url=url
        )
    )


@transaction.atomic
def deadline_notices_send(*, today: datetime.date | None = None) -> int:
    """Create the notices due today; returns how many were created."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=SOON_DAYS)
    created = 0
    tasks = (
        Task.objects.filter(done_at__isnull=True, deadline__lte=soon)
        .exclude(case__state__in=CLOSED)
        .select_related("case", "case__owner", "assignee", "case__coordinator")
    )
    for task in tasks:
        user = task.assignee or task.case.coordinator
        if user is None:
            continue
        event = Event.DEADLINE_OVERDUE if task.deadline < today else Event.DEADLINE_SOON
        created += _once(user, task.case, event, f"taak-{task.pk}")
    cases = (
        Case.objects.filter(reflection_deadline__lte=soon, coordinator__isnull=False)
        .exclude(state__in=CLOSED)
        .select_related("owner", "coordinator")
    )
    for case in cases:
        assert case.coordinator is not None
        assert case.reflection_deadline is not None
        event = Event.DEADLINE_OVERDUE if case.reflection_deadline < today else Event.DEADLINE_SOON
        created += _once(case.coordinator, case, event, "b8")
    return created
