"""Who sees a signal, one condition at a time (issue #20; `make mutation` group signal-scope).

A signal is visible to the roles that handle signals in the organisations it was routed
to, and to the professional who reported it, in the organisation they reported it for.
A *signaleerder* of a recipient organisation does not get the inbox, nor a colleague's
signal; the overdue count follows the same rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.http import Http404
from django.utils import timezone

from bovenwater.accounts import services as accounts
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Role
from bovenwater.intake import selectors
from bovenwater.intake.counts import signal_counts_rebuild
from bovenwater.intake.models import Signal, SignalRecipient

pytestmark = pytest.mark.django_db
ALL = selectors.SignalFilter(state=selectors.ALL)


def _visible(actor: Actor) -> set[str]:
    return set(
        selectors.signals_for_actor(actor=actor, filters=ALL).values_list("reference", flat=True)
    )


def _gets(actor: Actor, signal: Signal) -> bool:
    try:
        selectors.signal_get_for_actor(actor=actor, reference=signal.reference)
    except Http404:
        return False
    return True


def test_a_signaller_of_the_recipient_organisation_does_not_get_its_inbox(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    recipients = set(
        SignalRecipient.objects.filter(signal=signal).values_list("organisation_id", flat=True)
    )
    assert region["municipality"].pk in recipients
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    assert _visible(handler) == {signal.reference}
    assert _gets(handler, signal)
    signaller = actor_for(Role.SIGNALLER, region["municipality"])
    assert _visible(signaller) == set()
    assert not _gets(signaller, signal)
    outsider = actor_for(Role.CONTACT_OFFICER, region["outsider"])
    assert _visible(outsider) == set()
    assert not _gets(outsider, signal)


def test_a_reporter_sees_their_own_signal_not_a_colleagues(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    reporter = actor_for(Role.SIGNALLER, region["police"])
    colleague = actor_for(Role.SIGNALLER, region["police"])
    own = submit_signal(actor=reporter)
    theirs = submit_signal(actor=colleague)
    assert _visible(reporter) == {own.reference}
    assert _gets(reporter, own) and not _gets(reporter, theirs)
    assert _visible(colleague) == {theirs.reference}


def test_a_reporter_in_another_organisation_no_longer_sees_the_signal(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    """The reporter's access is tied to the organisation they reported for."""

    reporter = actor_for(Role.SIGNALLER, region["police"])
    signal = submit_signal(actor=reporter)
    elsewhere = accounts.membership_add(
        user=reporter.user, organisation=region["outsider"], role=Role.SIGNALLER
    )
    moved = Actor(user=reporter.user, membership=elsewhere)
    assert _visible(moved) == set()
    assert not _gets(moved, signal)


def test_the_overdue_count_follows_the_same_rule(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    Signal.objects.filter(pk=signal.pk).update(due_date=datetime.date(2020, 1, 1))
    signal_counts_rebuild()  # the shortcut above went past the count table
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    assert selectors.overdue_count_for_actor(actor=handler) == 1
    assert (
        selectors.overdue_count_for_actor(actor=actor_for(Role.SIGNALLER, region["municipality"]))
        == 0
    )
    assert (
        selectors.overdue_count_for_actor(actor=actor_for(Role.CONTACT_OFFICER, region["outsider"]))
        == 0
    )
    Signal.objects.filter(pk=signal.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    signal_counts_rebuild()
    assert selectors.overdue_count_for_actor(actor=handler) == 0
