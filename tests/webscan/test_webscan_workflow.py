"""The review workflow of a network walked edge by edge (``lib.workflow``): every allowed
(state, decision, role) succeeds and records one decision; every other combination is
refused and writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.lib.workflow_walk import role_edges
from tests.webscan.factories import World, actor_of

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import ROLE_PERMISSIONS, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.webscan import services
from bovenwater.webscan.models import Decision, DecisionKind, Network, NetworkState
from bovenwater.webscan.workflow import TARGET, TRANSITIONS, WORKFLOW

pytestmark = pytest.mark.django_db

KIND_OF = {target: kind for kind, target in TARGET.items()}
ALLOWED, FORBIDDEN_BY_EDGE = role_edges(WORKFLOW, ROLE_PERMISSIONS)
# Only targets a decision leads to can be asked for (nothing leads back to "new").
FORBIDDEN = [(s, t, roles) for s, t, roles in FORBIDDEN_BY_EDGE if t in KIND_OF]


def _network(world: World, corpus: list[str], state: NetworkState) -> Network:
    network = Network.objects.filter(run=world.scan(corpus)).order_by("pk").first()
    assert network is not None
    Network.objects.filter(pk=network.pk).update(state=state)
    network.refresh_from_db()
    return network


def test_every_state_and_decision_is_in_the_table() -> None:
    assert set(TRANSITIONS) == set(NetworkState)
    assert set(KIND_OF) == set(TARGET.values()) and set(TARGET) == set(DecisionKind)
    assert {role for _s, _t, role in ALLOWED} >= {Role.ANALYST}
    assert len(ALLOWED) >= len(list(WORKFLOW.edges()))


@pytest.mark.parametrize(("state", "target", "role"), ALLOWED)
def test_allowed_edge(
    state: NetworkState,
    target: NetworkState,
    role: Role,
    world: World,
    small_corpus: list[str],
    make_member: Callable[..., Membership],
) -> None:
    network = _network(world, small_corpus, state)
    actor = actor_of(make_member(role=role, organisation=world.organisation))
    decisions = Decision.objects.count()
    decision = services.network_decide(
        actor=actor, network=network, kind=KIND_OF[target], reason="Reden voor de test"
    )
    network.refresh_from_db()
    assert network.state == target
    assert decision.kind == KIND_OF[target]
    assert Decision.objects.count() == decisions + 1


@pytest.mark.parametrize(("state", "target", "roles"), FORBIDDEN)
def test_forbidden_edges_write_nothing(
    state: NetworkState,
    target: NetworkState,
    roles: list[Role],
    world: World,
    small_corpus: list[str],
    make_member: Callable[..., Membership],
) -> None:
    network = _network(world, small_corpus, state)
    for role in roles:
        actor = actor_of(make_member(role=role, organisation=world.organisation))
        decisions = Decision.objects.count()
        log = ProcessingLogEntry.objects.count()
        with pytest.raises((ValidationError, PermissionDenied)):
            services.network_decide(
                actor=actor, network=network, kind=KIND_OF[target], reason="Reden"
            )
        network.refresh_from_db()
        assert network.state == state, role
        assert Decision.objects.count() == decisions, role
        assert ProcessingLogEntry.objects.count() == log, role


def test_dismissing_needs_a_reason(world: World, small_corpus: list[str]) -> None:
    network = _network(world, small_corpus, NetworkState.NEW)
    with pytest.raises(ValidationError) as info:
        services.network_decide(
            actor=actor_of(world.analyst), network=network, kind=DecisionKind.DISMISS, reason=" "
        )
    assert "reason" in info.value.message_dict
    network.refresh_from_db()
    assert network.state == NetworkState.NEW
