"""The signal count table behind the home page and the inbox (issue #14, point 10).

The home page's "open" and "overdue" figures and the inbox's first page are read
without scanning every signal the organisation ever received: the figures from the
count table the intake services keep, the first rows as two short indexed reads. These
tests pin that both give exactly what the full access-checked query gives.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Permission, Role
from bovenwater.intake import counts, selectors, services
from bovenwater.intake.models import Signal, SignalCount, SignalState
from bovenwater.intake.workflow import OPEN_STATES

pytestmark = pytest.mark.django_db
OPEN = selectors.SignalFilter(state=selectors.OPEN)


def _stored(organisation: Organisation) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in SignalCount.objects.filter(organisation=organisation, count__gt=0):
        totals[row.state] = totals.get(row.state, 0) + row.count
    return totals


def _agrees(actor: Actor) -> None:
    """The cheap reads give what the full access-checked query gives."""
    full = selectors.signals_for_actor(actor=actor, filters=OPEN)
    assert selectors.open_count_for_actor(actor=actor) == full.count()
    assert [s.reference for s in selectors.first_open_signals_for_actor(actor=actor, limit=3)] == [
        s.reference for s in full[:3]
    ]
    overdue = full.filter(
        pk__in=Signal.objects.filter(recipients__organisation_id=actor.organisation_id),
        due_date__lt=timezone.localdate(),
    )
    assert selectors.overdue_count_for_actor(actor=actor) == (
        overdue.count() if actor.has(Permission.VIEW_SIGNALS) else 0
    )


def test_the_table_follows_routing_triage_and_forwarding(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    municipality, police = region["municipality"], region["police"]
    assert _stored(municipality) == {SignalState.NEW: 1}
    handler = actor_for(Role.CONTACT_OFFICER, municipality)
    services.signal_transition(
        actor=handler, signal=signal, to_state=SignalState.ASSESSING, reason="bekeken"
    )
    assert _stored(municipality) == {SignalState.ASSESSING: 1}
    services.signal_transition(
        actor=handler,
        signal=signal,
        to_state=SignalState.FORWARDED,
        reason="strafbare feiten",
        forward_to=police,
    )
    assert _stored(municipality) == {SignalState.FORWARDED: 1}
    assert _stored(police) == {SignalState.FORWARDED: 1}
    assert counts.signal_counts_rebuild(check_only=True) == {}


def test_home_figures_and_first_rows_match_the_inbox(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    late, soon, closed = submit_signal(), submit_signal(), submit_signal()
    Signal.objects.filter(pk=late.pk).update(due_date=datetime.date(2020, 1, 1))
    Signal.objects.filter(pk=soon.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    counts.signal_counts_rebuild()  # the shortcuts above went past the count table
    services.signal_transition(
        actor=handler, signal=closed, to_state=SignalState.ASSESSING, reason="bekeken"
    )
    services.signal_transition(
        actor=handler, signal=closed, to_state=SignalState.NO_ACTION, reason="geen aanwijzingen"
    )
    # A colleague elsewhere reports to Rotterdam: their own report is in their inbox
    # though their organisation did not receive it.
    elsewhere = actor_for(Role.CONTACT_OFFICER, region["outsider"])
    own = submit_signal(actor=elsewhere)
    assert selectors.open_count_for_actor(actor=handler) == 3  # late, soon, and that one
    assert selectors.overdue_count_for_actor(actor=handler) == 1
    first = selectors.first_open_signals_for_actor(actor=handler, limit=2)
    assert [s.pk for s in first] == [late.pk, soon.pk]
    assert selectors.open_count_for_actor(actor=elsewhere) == 1
    assert selectors.overdue_count_for_actor(actor=elsewhere) == 0
    assert [s.pk for s in selectors.first_open_signals_for_actor(actor=elsewhere, limit=5)] == [
        own.pk
    ]
    for actor in (
        handler,
        actor_for(Role.SIGNALLER, region["police"]),  # the reporter of the rest
        actor_for(Role.SIGNALLER, region["municipality"]),  # no inbox
        elsewhere,
        actor_for(Role.CONTACT_OFFICER, region["outsider"]),  # nothing received
    ):
        _agrees(actor)


def test_a_drifted_table_is_reported_repaired_and_never_blocks_a_transition(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal, _other = submit_signal(), submit_signal()
    SignalCount.objects.all().delete()  # as after a bulk load without a rebuild
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    services.signal_transition(
        actor=handler, signal=signal, to_state=SignalState.ASSESSING, reason="bekeken"
    )
    assert Signal.objects.get(pk=signal.pk).state == SignalState.ASSESSING
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_signal_counts", "--check", stdout=StringIO())
    out = StringIO()
    call_command("rebuild_signal_counts", stdout=out)
    assert "corrected" in out.getvalue()
    call_command("rebuild_signal_counts", "--check", stdout=out)
    assert "match" in out.getvalue()
    assert counts.received_count(organisation_id=region["municipality"].pk, states=OPEN_STATES) == 2
