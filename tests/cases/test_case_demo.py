"""Demo cases: every state in every region, placements within capacity, referrals with
consents, and a second run writes nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db.models import Count, Q

from bovenwater.cases import demo, services
from bovenwater.cases.models import (
    Case,
    CaseEvent,
    CaseState,
    Placement,
    Referral,
    ReferralStatus,
    ShelterCapacity,
)
from bovenwater.core import demo as core_demo

pytestmark = pytest.mark.django_db


def test_demo_cases_are_consistent_and_idempotent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "DEMO_MODE", True)
    monkeypatch.setattr(core_demo, "DEMO_STEPS", ())
    monkeypatch.setattr(demo, "CASES_PER_REGION", 24)  # ``make run`` seeds 80 per region
    report = core_demo.seed_demo()
    demo.seed(report)
    assert report.extra["cases.cases"] == 4 * 24
    assert report.extra["cases.accounts"] == 8  # shelter worker and registrar per region
    assert Case.objects.count() == 4 * 24
    assert services.case_counts_rebuild(check_only=True) == {}  # the count table agrees
    for owner_id in Case.objects.values_list("owner_id", flat=True).distinct():
        states = set(Case.objects.filter(owner_id=owner_id).values_list("state", flat=True))
        assert states == set(CaseState), owner_id
    for capacity in ShelterCapacity.objects.all():
        occupied = Placement.objects.filter(
            shelter=capacity.shelter, category=capacity.category, departed_on__isnull=True
        ).count()
        assert occupied <= capacity.places
    assert Placement.objects.filter(departed_on__isnull=True).exists()
    assert not Referral.objects.filter(consent__isnull=True, legal_basis="").exists()
    assert Referral.objects.filter(status=ReferralStatus.ACCEPTED).exists()
    # COSM placements were made by the national registrar only.
    cosm = Placement.objects.filter(category="cosm")
    assert cosm.exists()
    assert not cosm.exclude(placed_by__username__startswith="demo.registrator.").exists()
    # Reflection deadlines exist, some overdue, for the coordinator's dashboard.
    assert Case.objects.filter(reflection_deadline__isnull=False).exists()
    open_without_history = Case.objects.annotate(
        n=Count("events", filter=Q(events__kind="opened"))
    ).filter(n=0)
    assert not open_without_history.exists()

    counts = (Case.objects.count(), CaseEvent.objects.count(), Placement.objects.count())
    again = core_demo.seed_demo()
    demo.seed(again)
    assert "cases.cases" not in again.extra
    assert "cases.accounts" not in again.extra
    assert (Case.objects.count(), CaseEvent.objects.count(), Placement.objects.count()) == counts
