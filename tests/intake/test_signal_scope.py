"""Who sees a signal, one condition at a time (issue #20; `make mutation` group signal-scope).

A signal is visible to the roles that handle signals in the organisations it was routed
to, and to the professional who reported it, in the organisation they reported it for.
A *signaleerder* of a recipient organisation does not get the inbox, nor a colleague's
signal; the overdue count follows the same rule.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, QueryDict
from django.utils import timezone

from bovenwater.accounts import services as accounts
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.intake import selectors, services
from bovenwater.intake.counts import signal_counts_rebuild
from bovenwater.intake.models import (
    Signal,
    SignalCount,
    SignalPerson,
    SignalRecipient,
    SignalState,
)
from bovenwater.reference.models import Municipality

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


def _references(actor: Actor, **filters: Any) -> set[str]:
    found = selectors.signals_for_actor(actor=actor, filters=selectors.SignalFilter(**filters))
    return set(found.values_list("reference", flat=True))


def _query(value: str) -> str:
    """The status as a view reads it from the address (a new string, not the constant)."""
    return QueryDict(f"status={value}")["status"]


def test_the_inbox_filters_by_status_by_reporter_and_by_overdue(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    fresh = submit_signal()
    closed = submit_signal()
    own = submit_signal(actor=handler)
    late = submit_signal()
    Signal.objects.filter(pk=closed.pk).update(
        state=SignalState.NO_ACTION, due_date=datetime.date(2020, 1, 1)
    )
    Signal.objects.filter(pk=late.pk).update(due_date=datetime.date(2020, 1, 1))
    Signal.objects.filter(pk=fresh.pk).update(due_date=timezone.localdate())
    every = {fresh.reference, closed.reference, own.reference, late.reference}

    # The default ("open", also when it comes from the address) leaves out closed signals.
    assert _references(handler) == every - {closed.reference}
    assert _references(handler, state=_query("open")) == every - {closed.reference}
    assert _references(handler, state=_query("alle")) == every
    assert _references(handler, state=_query("no_action")) == {closed.reference}
    assert _references(handler, state=_query("new")) == every - {closed.reference}
    # An unknown status (a hand-edited address) filters nothing.
    assert _references(handler, state=_query("verlopen")) == every
    assert _references(handler, state=_query("zzz")) == every
    # Overdue: open and due before today (a signal due today is not overdue yet).
    assert _references(handler, state=selectors.ALL, overdue_only=True) == {late.reference}
    assert _references(handler, state=selectors.ALL, reported_by_me=True) == {own.reference}
    # A filter is a value: one shared between requests (a default) cannot be changed.
    with pytest.raises(dataclasses.FrozenInstanceError):
        ALL.state = selectors.OPEN  # type: ignore[misc]


def test_a_refused_signal_is_logged_with_the_lead_recipient_as_owner(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    lead = SignalRecipient.objects.get(signal=signal, is_lead=True).organisation_id
    outsider = actor_for(Role.CONTACT_OFFICER, region["outsider"])
    assert not _gets(outsider, signal)
    entry = ProcessingLogEntry.objects.filter(actor_user_id=outsider.user.pk).latest("pk")
    assert entry.refused and entry.object_id == signal.reference
    assert entry.owner_organisation_id == lead

    # A made-up reference: nobody owns it, and the log keeps at most 100 characters of it.
    made_up = "S" * 150
    with pytest.raises(Http404):
        selectors.signal_get_for_actor(actor=outsider, reference=made_up)
    entry = ProcessingLogEntry.objects.filter(actor_user_id=outsider.user.pk).latest("pk")
    assert entry.refused and entry.object_id == "S" * 100
    assert entry.owner_organisation_id is None


def test_reading_a_signal_and_showing_a_list_are_logged(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    assert selectors.signal_get_for_actor(actor=handler, reference=signal.reference) == signal
    entry = ProcessingLogEntry.objects.filter(actor_user_id=handler.user.pk).latest("pk")
    assert (entry.action, entry.object_id) == (Action.VIEW, signal.reference)
    assert entry.data_subject == f"signal:{signal.reference}" and not entry.refused
    selectors.signals_shown(actor=handler, references=[signal.reference])
    entry = ProcessingLogEntry.objects.filter(actor_user_id=handler.user.pk).latest("pk")
    assert (entry.object_type, entry.object_id) == ("intake.signal", "list")
    assert entry.details == {"references": [signal.reference]}


def test_an_attachment_is_read_only_through_its_own_signal(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("verslag.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    reporter = actor_for(Role.SIGNALLER, region["police"])
    data = services.SignalInput(
        description="Vier mannen slapen in de opslag van een restaurant.",
        municipality=Municipality.objects.get(code="GM0599"),
    )
    signal = services.signal_submit(actor=reporter, data=data, attachments=[pdf])
    other = submit_signal()
    attachment = signal.attachments.get()
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    found, path = selectors.attachment_get_for_actor(
        actor=handler, reference=signal.reference, attachment_id=attachment.pk
    )
    assert found == attachment
    assert path == tmp_path / "signals" / attachment.storage_name and path.is_file()
    entry = ProcessingLogEntry.objects.filter(actor_user_id=handler.user.pk).latest("pk")
    assert (entry.action, entry.object_id) == (Action.EXPORT, str(attachment.pk))

    # The attachment's id with another signal the handler may read: not found, logged.
    with pytest.raises(Http404):
        selectors.attachment_get_for_actor(
            actor=handler, reference=other.reference, attachment_id=attachment.pk
        )
    entry = ProcessingLogEntry.objects.filter(actor_user_id=handler.user.pk).latest("pk")
    assert entry.refused and entry.object_type == "intake.signalattachment"
    # Someone without access to the signal does not get its attachment.
    with pytest.raises(Http404):
        selectors.attachment_get_for_actor(
            actor=actor_for(Role.CONTACT_OFFICER, region["outsider"]),
            reference=signal.reference,
            attachment_id=attachment.pk,
        )


def test_only_a_recipient_with_the_triage_permission_may_triage(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    assert selectors.may_triage(
        actor=actor_for(Role.CONTACT_OFFICER, region["municipality"]), signal=signal
    )
    # The chain director sees signals but does not triage them.
    assert not selectors.may_triage(
        actor=actor_for(Role.CHAIN_DIRECTOR, region["municipality"]), signal=signal
    )
    assert not selectors.may_triage(
        actor=actor_for(Role.CONTACT_OFFICER, region["outsider"]), signal=signal
    )


def test_a_signals_parts_split_victims_from_other_persons(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal(others=[services.PersonInput(name="Verdachte", suspect_role="eigenaar")])
    parts = selectors.signal_parts(signal=signal)
    assert [p.role for p in parts.victims] == [SignalPerson.Role.VICTIM]
    assert [p.name for p in parts.others] == ["Verdachte"]
    assert set(parts.recipients) == set(signal.recipients.all())
    with pytest.raises(dataclasses.FrozenInstanceError):
        parts.victims = []  # type: ignore[misc]


def test_recipient_names_only_for_the_reporting_or_a_receiving_organisation(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    recipients = SignalRecipient.objects.filter(signal=signal).select_related("organisation")
    lead = [r.organisation.name for r in recipients if r.is_lead]
    rest = sorted(r.organisation.name for r in recipients if not r.is_lead)
    expected = lead + rest
    assert len(expected) >= 2
    for organisation in (region["police"], region["municipality"]):
        actor = actor_for(Role.SIGNALLER, organisation)
        assert selectors.recipient_names(actor=actor, reference=signal.reference) == expected
    outsider = actor_for(Role.CONTACT_OFFICER, region["outsider"])
    assert selectors.recipient_names(actor=outsider, reference=signal.reference) == []
    assert sorted(selectors.signal_recipient_names(signal=signal)) == sorted(expected)


def test_the_first_open_signals_with_one_response_date_come_newest_first(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    """The home page's short list (``first_open_signals_for_actor``) merges the received
    signals and the actor's own reports, and on one response date puts the newest first,
    as the inbox does."""
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    received = [submit_signal() for _ in range(2)]
    elsewhere = actor_for(Role.CONTACT_OFFICER, region["outsider"])
    own = submit_signal(actor=elsewhere)
    ids = [received[0].pk, own.pk, received[1].pk]
    due = timezone.localdate() + datetime.timedelta(days=3)
    start = timezone.now() - datetime.timedelta(days=1)
    for minutes, pk in enumerate(ids):  # created in this order, one minute apart
        Signal.objects.filter(pk=pk).update(
            due_date=due, created_at=start + datetime.timedelta(minutes=minutes)
        )
    signal_counts_rebuild()  # the updates above went past the count table
    # all three reached the handler's municipality
    first = selectors.first_open_signals_for_actor(actor=handler, limit=5)
    assert [s.pk for s in first] == [received[1].pk, own.pk, received[0].pk]
    # the colleague elsewhere: the own report only, until the other two reach them too
    assert [s.pk for s in selectors.first_open_signals_for_actor(actor=elsewhere, limit=5)] == [
        own.pk
    ]
    assert selectors.open_count_for_actor(actor=elsewhere) == 1
    for n, signal in enumerate(received, start=1):
        SignalRecipient.objects.create(
            signal=signal, organisation=region["outsider"], reason=SignalRecipient.Reason.FORWARDED
        )
        signal_counts_rebuild()
        # the own report plus the received ones (1 + 1 is not 1 | 1)
        assert selectors.open_count_for_actor(actor=elsewhere) == 1 + n
    first = selectors.first_open_signals_for_actor(actor=elsewhere, limit=5)
    assert [s.pk for s in first] == [received[1].pk, own.pk, received[0].pk]
    assert [s.pk for s in selectors.first_open_signals_for_actor(actor=elsewhere, limit=2)] == [
        received[1].pk,
        own.pk,
    ]


def test_a_transition_takes_one_off_a_count_of_several(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    """Three new signals with one response date are one row of the count table with 3;
    moving one on leaves 2 there (never less, never below zero)."""
    signals = [submit_signal() for _ in range(3)]
    municipality = region["municipality"]
    rows = SignalCount.objects.filter(organisation=municipality, state=SignalState.NEW)
    assert list(rows.values_list("count", flat=True)) == [3]
    handler = actor_for(Role.CONTACT_OFFICER, municipality)
    services.signal_transition(
        actor=handler, signal=signals[0], to_state=SignalState.ASSESSING, reason="bekeken"
    )
    assert list(rows.values_list("count", flat=True)) == [2]
    assert selectors.open_count_for_actor(actor=handler) == 3
    rows.update(count=0)  # a table that drifted: the next decrement stays at zero
    services.signal_transition(
        actor=handler, signal=signals[1], to_state=SignalState.ASSESSING, reason="bekeken"
    )
    assert list(rows.values_list("count", flat=True)) == [0]
