"""Which finished estimate a reader is shown (issue #20, `make mutation` group
estimation-scope): the own organisation's newest first, else the newest national one;
estimates over the registry and estimates from linked lists kept apart."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.estimation import selectors
from bovenwater.estimation.models import EstimateRun, Status
from bovenwater.mse import ENGINE_VERSION

pytestmark = pytest.mark.django_db


def _done(organisation: Organisation, *, national: bool, linked: bool = False) -> EstimateRun:
    return EstimateRun.objects.create(
        organisation=organisation,
        national=national,
        linkage_run_id=7 if linked else None,
        inputs={"tables": {}},
        method="stepwise",
        seed=1,
        ci_method="profile",
        engine_version=ENGINE_VERSION,
        status=Status.DONE,
        result={"years": {"2024": {"estimate": 100}}},
    )


@pytest.fixture
def registrar(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="CoMensha leestest", kind=OrganisationKind.NATIONAL_REGISTRAR)


@pytest.fixture
def policy(make_member: Callable[..., Membership]) -> Actor:
    member = make_member(role=Role.POLICY_OFFICER)
    return Actor(user=member.user, membership=member)


@pytest.mark.parametrize("linked", [False, True])
def test_without_an_own_estimate_the_newest_national_one_is_shown(
    policy: Actor, registrar: Organisation, linked: bool
) -> None:
    latest = selectors.latest_linked_result if linked else selectors.latest_result
    assert latest(policy) is None
    _done(registrar, national=False, linked=linked)  # the registrar's own, not national
    assert latest(policy) is None
    national = _done(registrar, national=True, linked=linked)
    assert latest(policy) == national


@pytest.mark.parametrize("linked", [False, True])
def test_an_own_estimate_comes_before_a_newer_national_one(
    policy: Actor, registrar: Organisation, linked: bool
) -> None:
    latest = selectors.latest_linked_result if linked else selectors.latest_result
    own = _done(policy.organisation, national=False, linked=linked)
    _done(registrar, national=True, linked=linked)
    assert latest(policy) == own


def test_estimates_from_linked_lists_and_over_the_registry_are_kept_apart(
    policy: Actor, registrar: Organisation
) -> None:
    registry = _done(registrar, national=True)
    assert selectors.latest_linked_result(policy) is None
    linked = _done(registrar, national=True, linked=True)
    assert selectors.latest_linked_result(policy) == linked
    assert selectors.latest_result(policy) == registry
