"""Kompas demo data: filled self-assessments with action items, some training progress."""

from __future__ import annotations

from typing import Any

import pytest

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.audit.purposes import Purpose
from bovenwater.core.demo import REGIONS, seed_demo
from bovenwater.kompas import selectors
from bovenwater.kompas.models import ActionItem, QuizAttempt, ScenarioAttempt, SelfAssessment

pytestmark = pytest.mark.django_db


def test_demo_fills_self_assessments_actions_and_training_once(settings: Any) -> None:
    settings.DEMO_MODE = True
    first = seed_demo()
    assert first.extra["kompas_assessments"] == len(REGIONS)
    assert first.extra["kompas_actions"] == 3 * len(REGIONS)
    assert SelfAssessment.objects.count() == len(REGIONS)
    assert ActionItem.objects.filter(status="in_progress").count() == len(REGIONS)
    assert QuizAttempt.objects.filter(passed=True).count() == 2 * len(REGIONS)
    assert ScenarioAttempt.objects.count() == len(REGIONS)
    second = seed_demo()
    assert second.extra["kompas_assessments"] == 0
    assert second.extra["kompas_actions"] == 0
    assert second.extra["kompas_training_steps"] == 0
    assert ActionItem.objects.count() == 3 * len(REGIONS)

    director = Membership.objects.select_related("user", "organisation").get(
        user__username="demo.ketenregisseur.amsterdam", role="chain_director"
    )
    rows = selectors.region_assessments_for_actor(
        actor=Actor(user=director.user, membership=director), purpose=Purpose.KOMPAS
    )
    assert [r.organisation.name for r in rows] == ["Gemeente Amsterdam"]
    assert rows[0].scores is not None and not rows[0].scores.basisniveau_met
