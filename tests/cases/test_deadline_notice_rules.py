"""Who is told about a deadline (issue #20): the B8 reflection period goes to the case's
coordinator, soon or overdue, once; a task without an assignee on a case without a
coordinator tells nobody; a closed case tells nobody."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.roles import Role
from bovenwater.cases import services
from bovenwater.cases.models import Case, CaseState
from bovenwater.cases.services.deadline_notices import deadline_notices_send
from bovenwater.notifications.models import Event, Notification

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_reflection_period_is_told_to_the_coordinator_soon_and_overdue_once() -> None:
    org = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    soon, late = factories.open_case(coordinator), factories.open_case(coordinator)
    Case.objects.filter(pk=soon.pk).update(reflection_deadline=TODAY + datetime.timedelta(days=3))
    Case.objects.filter(pk=late.pk).update(reflection_deadline=TODAY - datetime.timedelta(days=1))
    assert deadline_notices_send(today=TODAY) == 2
    notices = Notification.objects.filter(user=coordinator.user).order_by("reference")
    assert {(n.reference, n.event) for n in notices} == {
        (soon.number, Event.DEADLINE_SOON),
        (late.number, Event.DEADLINE_OVERDUE),
    }
    assert all(n.url.endswith("?tab=traject#b8") for n in notices)
    assert deadline_notices_send(today=TODAY) == 0  # once per deadline


def test_nobody_to_tell_and_a_closed_case_send_nothing() -> None:
    org = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, org)
    case = factories.open_case(coordinator)
    services.task_create(
        actor=coordinator, case=case, title="Zonder eigenaar", deadline=TODAY
    )  # no assignee
    Case.objects.filter(pk=case.pk).update(coordinator=None)
    closed = factories.open_case(coordinator)
    Case.objects.filter(pk=closed.pk).update(
        state=CaseState.CLOSED, reflection_deadline=TODAY - datetime.timedelta(days=1)
    )
    assert deadline_notices_send(today=TODAY) == 0
    assert not Notification.objects.filter(event__startswith="deadline").exists()
