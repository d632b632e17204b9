"""The refusals of the estimate write path (issue #20): an estimate from linked lists
needs the right and two lists with people; a run is retried only by its own
organisation's analysts. Each refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.estimation.models import EstimateRun, Status
from bovenwater.estimation.services import run_request_from_overlap, run_retry

pytestmark = pytest.mark.django_db


def _request(actor: Actor, lists: list[str], counts: list[int]) -> int:
    return run_request_from_overlap(
        actor=actor,
        year="2025",
        lists=lists,
        counts=counts,
        origin_label="Koppeling test",
        origin_id=1,
        enqueue=False,
    )


def test_an_estimate_from_linked_lists_needs_the_right_and_two_lists_with_people(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> None:
    police = make_organisation(kind=OrganisationKind.POLICE)
    analyst = make_member(role=Role.ANALYST, organisation=police)
    investigator = make_member(role=Role.INVESTIGATOR, organisation=police)
    with pytest.raises(PermissionDenied):
        _request(Actor(user=investigator.user, membership=investigator), ["A", "B"], [5, 3, 1])
    with pytest.raises(ValidationError) as error:  # the second list holds nobody
        _request(Actor(user=analyst.user, membership=analyst), ["A", "B"], [5, 0, 0])
    assert error.value.code == "too_few_lists"
    assert not EstimateRun.objects.exists()


def test_a_run_is_retried_only_by_its_own_organisations_analysts(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> None:
    own = make_member(
        role=Role.ANALYST, organisation=make_organisation(kind=OrganisationKind.POLICE)
    )
    other = make_member(
        role=Role.ANALYST, organisation=make_organisation(kind=OrganisationKind.POLICE)
    )
    run_id = _request(Actor(user=own.user, membership=own), ["A", "B"], [5, 3, 1])
    EstimateRun.objects.filter(pk=run_id).update(status=Status.FAILED)
    run = EstimateRun.objects.get(pk=run_id)
    with pytest.raises(PermissionDenied):
        run_retry(actor=Actor(user=other.user, membership=other), run=run)
    assert EstimateRun.objects.get(pk=run_id).status == Status.FAILED
