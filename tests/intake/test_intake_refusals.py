"""The refusals of the intake write path (issue #20): each raises and writes nothing
(no signal, no recipient, no state change, no case)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Role
from bovenwater.cases.models import Case
from bovenwater.intake import services
from bovenwater.intake.models import Signal, SignalRecipient, SignalState
from bovenwater.lib.workflow import TransitionNotAllowed
from bovenwater.reference.models import ExploitationForm, Municipality

pytestmark = pytest.mark.django_db


def test_a_role_without_the_right_cannot_submit_a_signal(
    region: dict[str, Organisation], actor_for: Callable[..., Actor]
) -> None:
    officer = actor_for(Role.PRIVACY_OFFICER, region["police"])
    data = services.SignalInput(
        description="Iets gezien",
        municipality=Municipality.objects.get(code="GM0599"),
        forms=[ExploitationForm.objects.get(code="LABOUR")],
        victim=services.PersonInput(estimated_age=30),
    )
    with pytest.raises(PermissionDenied):
        services.signal_submit(actor=officer, data=data)
    assert not Signal.objects.exists()


def test_forwarding_only_to_police_kmar_or_inspectorate_and_linking_only_with_a_case(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    recipients = set(SignalRecipient.objects.values_list("organisation_id", flat=True))
    for forward_to in (None, region["youth"]):
        with pytest.raises(TransitionNotAllowed, match="Kies een organisatie van politie"):
            services.signal_transition(
                actor=handler,
                signal=signal,
                to_state=SignalState.FORWARDED,
                reason="strafbare feiten",
                forward_to=forward_to,
            )
    with pytest.raises(TransitionNotAllowed, match="geen casus gekoppeld"):
        services.signal_transition(
            actor=handler, signal=signal, to_state=SignalState.LINKED, reason="bekend"
        )
    assert Signal.objects.get(pk=signal.pk).state == SignalState.NEW
    assert set(SignalRecipient.objects.values_list("organisation_id", flat=True)) == recipients


def test_a_case_is_opened_only_with_the_right_from_an_open_state_and_where_care_exists(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    submit_signal: Callable[..., Signal],
) -> None:
    signal = submit_signal()
    handler = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    with pytest.raises(PermissionDenied):
        services.signal_open_case(
            actor=actor_for(Role.SIGNALLER, region["municipality"]), signal=signal
        )
    services.signal_transition(
        actor=handler, signal=signal, to_state=SignalState.ASSESSING, reason="bekeken"
    )
    services.signal_transition(
        actor=handler, signal=signal, to_state=SignalState.NO_ACTION, reason="geen aanwijzingen"
    )
    with pytest.raises(TransitionNotAllowed, match="Vanuit deze status"):
        services.signal_open_case(actor=handler, signal=Signal.objects.get(pk=signal.pk))
    # Maastricht (GM0935) has no care coordination in this world
    elsewhere = submit_signal()
    Signal.objects.filter(pk=elsewhere.pk).update(
        crime_municipality=Municipality.objects.get(code="GM0935")
    )
    with pytest.raises(TransitionNotAllowed, match="Er is geen zorgcoördinatie"):
        services.signal_open_case(actor=handler, signal=Signal.objects.get(pk=elsewhere.pk))
    assert not Case.objects.exists()
    assert Signal.objects.get(pk=elsewhere.pk).state == SignalState.NEW


class _BrokenUpload(SimpleUploadedFile):
    """An upload whose reading fails half way (a dropped connection, a full disk)."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield b"begin van het bestand"
        raise OSError("schijf vol")


def test_a_failed_attachment_leaves_no_signal_and_no_file(
    region: dict[str, Organisation],
    actor_for: Callable[..., Actor],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    reporter = actor_for(Role.SIGNALLER, region["police"])
    data = services.SignalInput(
        description="Met bijlagen",
        municipality=Municipality.objects.get(code="GM0599"),
        forms=[ExploitationForm.objects.get(code="LABOUR")],
        victim=services.PersonInput(estimated_age=30),
    )
    uploads = [
        SimpleUploadedFile("eerste.pdf", b"%PDF-1.4 eerste", content_type="application/pdf"),
        _BrokenUpload("tweede.pdf", b"", content_type="application/pdf"),
    ]
    with pytest.raises(OSError, match="schijf vol"):
        services.signal_submit(actor=reporter, data=data, attachments=uploads)
    assert not Signal.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # the first file is gone too
