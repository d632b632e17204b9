"""What one processing-log entry says, and how the chain check walks and ends (issue #20;
`make mutation` groups log-services and log-verify).

`log_processing` fills every field from the actor (or the user and organisation of a
moment without an actor), names another organisation as owner only when it is not the
acting one, and never stores ``None`` as details. `verify_chain` walks the chain in
batches and compares the end of the walk with the head row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit import services
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.models import Action, ProcessingLogEntry, ProcessingLogHead
from bovenwater.audit.purposes import Purpose, legal_basis_for
from bovenwater.audit.verify import VerifyResult, verify_chain
from bovenwater.lib.tracing import TraceContext, reset_current, set_current
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(make_member: Callable[..., Membership]) -> Actor:
    membership = make_member(role=Role.CARE_COORDINATOR)
    return Actor(user=membership.user, membership=membership)


def _fresh(entry: ProcessingLogEntry) -> ProcessingLogEntry:
    return ProcessingLogEntry.objects.get(pk=entry.pk)


def test_an_entry_names_the_actor_its_role_purpose_basis_and_trace(actor: Actor) -> None:
    token = set_current(TraceContext(trace_id="ab" * 16, span_id="cd" * 8))
    try:
        entry = services.log_processing(
            actor=actor,
            action=Action.UPDATE,
            object_type="cases.case",
            object_id=12,
            purpose=Purpose.CARE_COORDINATION,
            data_subject="case:12",
            details={"fields": ["name"]},
        )
    finally:
        reset_current(token)
    stored = _fresh(entry)
    assert (stored.actor_user_id, stored.actor_username) == (
        actor.user.pk,
        actor.user.get_username(),
    )
    assert (stored.organisation_id, stored.organisation_name) == (
        actor.organisation_id,
        actor.organisation.name,
    )
    assert (stored.role, stored.action, stored.object_type, stored.object_id) == (
        Role.CARE_COORDINATOR,
        Action.UPDATE,
        "cases.case",
        "12",
    )
    assert (stored.data_subject, stored.purpose) == ("case:12", Purpose.CARE_COORDINATION)
    assert stored.legal_basis == legal_basis_for(Purpose.CARE_COORDINATION).text != ""
    assert (stored.trace_id, stored.span_id) == ("ab" * 16, "cd" * 8)
    assert stored.details == {"fields": ["name"]}
    assert stored.owner_organisation_id is None


def test_an_entry_without_actor_or_trace(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> None:
    membership = make_member()
    organisation = make_organisation(name="Organisatie van het moment")
    entry = services.log_processing(
        actor=None,
        action=Action.LOGIN,
        object_type="accounts.user",
        purpose=Purpose.ACCOUNT_SECURITY,
        user=membership.user,
        organisation=organisation,
    )
    stored = _fresh(entry)
    assert (stored.actor_user_id, stored.organisation_id) == (membership.user.pk, organisation.pk)
    assert (stored.organisation_name, stored.role) == ("Organisatie van het moment", "")
    assert (stored.trace_id, stored.span_id, stored.object_id) == ("", "", "")
    assert stored.details == {}
    nobody = _fresh(
        services.log_processing(
            actor=None, action=Action.VIEW, object_type="x", purpose=Purpose.ACCOUNT_SECURITY
        )
    )
    assert (nobody.actor_user_id, nobody.actor_username) == (None, "")
    assert (nobody.organisation_id, nobody.organisation_name) == (None, "")


def _organisation_numbered(pk: int) -> Organisation:
    """An organisation with a large id: ids above 256 are distinct int objects in Python,
    so a comparison by identity (``is``) instead of value fails on them."""
    return Organisation.objects.create(
        pk=pk,
        name=f"Organisatie {pk}",
        kind=OrganisationKind.MUNICIPALITY,
        municipality=Municipality.objects.get(code="GM0363"),
    )


def test_the_owner_is_named_only_when_it_is_another_organisation(
    make_member: Callable[..., Membership],
) -> None:
    earlier, acting, later = (_organisation_numbered(pk) for pk in (100_001, 100_002, 100_003))
    membership = make_member(organisation=acting)
    actor = Actor(user=membership.user, membership=membership)
    log = services.log_processing
    common = {"action": Action.VIEW, "object_type": "cases.case", "purpose": Purpose.KOMPAS}
    same = int(str(acting.pk))  # equal, not the same object
    own = log(actor=actor, owner_organisation_id=same, **common)  # type: ignore[arg-type]
    assert _fresh(own).owner_organisation_id is None
    for other in (earlier, later):
        theirs = log(actor=actor, owner_organisation_id=other.pk, **common)  # type: ignore[arg-type]
        assert _fresh(theirs).owner_organisation_id == other.pk
    # Without an acting organisation any owner is kept.
    system = log(actor=None, owner_organisation_id=later.pk, **common)  # type: ignore[arg-type]
    assert _fresh(system).owner_organisation_id == later.pk


def test_a_refusal_is_logged_and_returned_not_raised(
    actor: Actor, make_organisation: Callable[..., Organisation]
) -> None:
    owner = make_organisation()
    error = services.refuse(
        actor=actor,
        object_type="cases.case",
        object_id=99,
        purpose=Purpose.CARE_COORDINATION,
        owner_organisation_id=owner.pk,
        action=Action.UPDATE,
        reason="closed",
    )
    assert isinstance(error, Http404)
    entry = ProcessingLogEntry.objects.latest("pk")
    assert entry.refused and entry.details == {"refused": "closed"}
    assert (entry.action, entry.object_id, entry.owner_organisation_id) == (
        Action.UPDATE,
        "99",
        owner.pk,
    )
    assert entry.data_subject == ""
    plain = services.log_refusal(
        actor=actor, object_type="cases.case", object_id=5, purpose=Purpose.CARE_COORDINATION
    )
    assert _fresh(plain).details == {"refused": "out_of_scope"}
    assert (plain.action, plain.owner_organisation_id) == (Action.VIEW, None)


def test_a_list_read_names_the_organisation_whose_list_it_is(actor: Actor) -> None:
    entry = services.log_list_read(
        actor=actor, object_type="cases.case", purpose=Purpose.CARE_COORDINATION
    )
    stored = _fresh(entry)
    assert stored.object_id == f"list:organisation:{actor.organisation_id}"
    assert (stored.action, stored.details) == (Action.VIEW, {})
    with_details = services.log_list_read(
        actor=actor, object_type="x", purpose=Purpose.KOMPAS, details={"count": 3}
    )
    assert _fresh(with_details).details == {"count": 3}


def _log(actor: Actor, n: int) -> None:
    for i in range(n):
        services.log_processing(
            actor=actor, action=Action.VIEW, object_type="t", object_id=i, purpose=Purpose.KOMPAS
        )


def test_the_check_walks_in_batches_and_reports_its_progress(actor: Actor) -> None:
    _log(actor, 4)
    chain_pending()
    total = ProcessingLogEntry.objects.count()
    heard: list[int] = []
    assert verify_chain(batch_size=2, progress=heard.append) == VerifyResult(True, total)
    expected = [min(n, total) for n in range(2, total + 2, 2)]
    assert heard == expected
    assert verify_chain(batch_size=total) == VerifyResult(True, total)
    assert verify_chain(batch_size=1).checked == total


@pytest.mark.parametrize("field", ["entry_count", "last_hash", "last_entry_id"])
def test_a_head_that_does_not_match_the_end_of_the_chain_is_reported(
    actor: Actor, field: str
) -> None:
    _log(actor, 3)
    chain_pending()
    head = ProcessingLogHead.objects.get(pk=1)
    changed = {
        "entry_count": head.entry_count - 1,
        "last_hash": "f" * 64,
        "last_entry_id": (head.last_entry_id or 0) - 1,
    }[field]
    ProcessingLogHead.objects.filter(pk=1).update(**{field: changed})
    result = verify_chain()
    assert not result.intact
    assert result.reason == "entries after the last intact one were removed"
    assert result.broken_seq == result.checked + 1 == head.entry_count + 1


def test_an_empty_log_without_a_head_is_intact() -> None:
    ProcessingLogHead.objects.all().delete()
    assert ProcessingLogEntry.objects.count() == 0
    assert verify_chain() == VerifyResult(True, 0)


def test_a_chain_longer_than_256_entries_is_checked_by_value(actor: Actor) -> None:
    """Positions, ids and counts above 256 are distinct int objects in Python: the check
    compares them by value (an identity comparison would call an intact chain broken)."""
    _log(actor, 300)
    chain_pending()
    total = ProcessingLogEntry.objects.count()
    assert total > 300
    assert verify_chain(batch_size=128) == VerifyResult(True, total)
    ProcessingLogHead.objects.filter(pk=1).update(entry_count=total + 1)
    assert verify_chain().broken_seq == total + 1


def test_a_failed_queueing_of_the_seal_does_not_undo_or_fail_the_write(
    actor: Actor,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The sealing task is queued after the commit; when the queue is down the write
    stands and the entry waits, unsealed, for the next run."""

    def queue_down() -> None:
        raise RuntimeError("the task queue is down")

    monkeypatch.setattr(services, "_queue_chaining", queue_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = services.log_processing(
            actor=actor, action=Action.VIEW, object_type="t", purpose=Purpose.KOMPAS
        )
    assert len(callbacks) == 1
    assert _fresh(entry).seq is None
    assert chain_pending() >= 1
    assert _fresh(entry).seq is not None
