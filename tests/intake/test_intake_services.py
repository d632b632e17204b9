from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Permission as ModelPermission
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Permission, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.cases.models import Case, CaseEvent
from bovenwater.intake import routing, services
from bovenwater.intake.counts import signal_counts_rebuild
from bovenwater.intake.deadlines import add_working_days
from bovenwater.intake.models import (
    PublicAddition,
    PublicReportDetails,
    RoutingRule,
    Signal,
    SignalEvent,
    SignalKind,
    SignalRecipient,
    SignalState,
)
from bovenwater.intake.selectors import signal_get_for_actor
from bovenwater.intake.workflow import TRANSITIONS
from bovenwater.lib.models import IdempotencyRecord
from bovenwater.lib.workflow import TransitionNotAllowed
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db


def _public(**overrides: object) -> services.PublicReportInput:
    fields: dict[str, object] = {
        "description": "In het nagelsalon slapen meisjes achter in de zaak.",
        "municipality": Municipality.objects.get(code="GM0599"),
        "contact_opt_in": False,
        "contact_phone": "0612345678",
    }
    fields.update(overrides)
    return services.PublicReportInput(**fields)  # type: ignore[arg-type]


def test_public_report_gets_a_receipt_code_stored_only_as_a_hash(
    region: dict[str, Organisation],
) -> None:
    signal, code = services.public_report_submit(data=_public())
    assert code is not None and len(code) == 14
    details = PublicReportDetails.objects.get(signal=signal)
    assert code not in details.receipt_digest
    assert details.contact_phone == ""  # no opt-in: contact details are not kept
    assert signal.kind == SignalKind.PUBLIC
    assert signal.reporter is None and signal.reporting_organisation is None
    assert set(signal.recipients.values_list("organisation__name", flat=True)) == {
        "Gemeente Rotterdam (test)",
        "Zorgcoördinatie Rijnmond (test)",
    }
    assert (
        ProcessingLogEntry.objects.filter(object_id=signal.reference, action=Action.CREATE).count()
        == 1
    )


def test_reporter_adds_information_with_the_receipt_code(region: dict[str, Organisation]) -> None:
    signal, code = services.public_report_submit(data=_public())
    assert code is not None
    assert services.public_report_add(
        receipt_code=code.lower().replace("-", " "), text="Er kwam vannacht een busje."
    )
    assert services.public_report_add(receipt_code="AAAA-BBBB-CCCC", text="iets") is False
    assert list(PublicAddition.objects.filter(signal=signal).values_list("text", flat=True)) == [
        "Er kwam vannacht een busje."
    ]


def test_a_repeated_idempotency_key_creates_one_signal(
    region: dict[str, Organisation], actor_for: Callable[..., Actor]
) -> None:
    first, code = services.public_report_submit(data=_public(), idempotency_key="k-1")
    again, second_code = services.public_report_submit(data=_public(), idempotency_key="k-1")
    assert first.pk == again.pk and code is not None and second_code is None
    actor = actor_for(Role.SIGNALLER, region["police"])
    data = services.SignalInput(
        description="x", municipality=Municipality.objects.get(code="GM0599")
    )
    one = services.signal_submit(actor=actor, data=data, idempotency_key="form-7")
    two = services.signal_submit(actor=actor, data=data, idempotency_key="form-7")
    assert one.pk == two.pk
    assert Signal.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 2


def test_routing_sends_minors_to_youth_care_and_victims_to_care_coordination(
    region: dict[str, Organisation], submit_signal: Callable[..., Signal]
) -> None:
    adult = submit_signal()
    minor = submit_signal(minor=True)
    lead = SignalRecipient.objects.get(signal=adult, is_lead=True)
    assert lead.organisation == region["municipality"]
    assert set(adult.recipients.values_list("organisation", flat=True)) == {
        region["municipality"].pk,
        region["care"].pk,
    }
    assert set(minor.recipients.values_list("organisation", flat=True)) == {
        region["municipality"].pk,
        region["care"].pk,
        region["youth"].pk,
    }
    assert minor.involves_minor is True


def test_routing_rules_are_data(
    region: dict[str, Organisation], submit_signal: Callable[..., Signal]
) -> None:
    RoutingRule.objects.filter(target=RoutingRule.Target.CARE_COORDINATION).update(is_active=False)
    RoutingRule.objects.create(
        name="Alles ook naar de politie",
        priority=5,
        target=RoutingRule.Target.POLICE,
        makes_lead=False,
    )
    signal = submit_signal()
    assert set(signal.recipients.values_list("organisation", flat=True)) == {
        region["police"].pk,
        region["municipality"].pk,
    }
    assert (
        SignalRecipient.objects.get(signal=signal, is_lead=True).organisation
        == region["municipality"]
    )


def test_due_date_counts_working_days() -> None:
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)
    assert add_working_days(friday, 5) == date(2026, 11, 27)


ALL_STATES = list(SignalState)


@pytest.mark.parametrize("start", ALL_STATES)
@pytest.mark.parametrize("target", ALL_STATES)
@pytest.mark.parametrize(
    "role", [Role.CONTACT_OFFICER, Role.INVESTIGATOR, Role.SIGNALLER, Role.CHAIN_DIRECTOR]
)
def test_triage_table_edge_by_edge(
    start: SignalState,
    target: SignalState,
    role: Role,
    region: dict[str, Organisation],
    submit_signal: Callable[..., Signal],
    actor_for: Callable[..., Actor],
) -> None:
    signal = submit_signal()
    Signal.objects.filter(pk=signal.pk).update(state=start)
    signal_counts_rebuild()  # the shortcut above went past the count table
    signal.refresh_from_db()
    actor = actor_for(role, region["municipality"])
    events_before = SignalEvent.objects.filter(signal=signal).count()
    permissions = TRANSITIONS[start].get(target)
    kwargs: dict[str, object] = {
        "reason": "beoordeeld",
        "forward_to": region["police"],
        "case_reference": "C-2026-00001",
    }
    if permissions is not None and all(actor.has(Permission(p)) for p in permissions):
        services.signal_transition(actor=actor, signal=signal, to_state=target, **kwargs)  # type: ignore[arg-type]
        signal.refresh_from_db()
        assert signal.state == target
        assert SignalEvent.objects.filter(signal=signal).count() > events_before
    else:
        with pytest.raises((TransitionNotAllowed, PermissionDenied)):
            services.signal_transition(actor=actor, signal=signal, to_state=target, **kwargs)  # type: ignore[arg-type]
        signal.refresh_from_db()
        assert signal.state == start
        assert SignalEvent.objects.filter(signal=signal).count() == events_before
    # Every edge (and every refusal) leaves the count table in step with the signals.
    assert signal_counts_rebuild(check_only=True) == {}


def test_only_recipients_may_triage(
    region: dict[str, Organisation],
    submit_signal: Callable[..., Signal],
    actor_for: Callable[..., Actor],
) -> None:
    signal = submit_signal()
    stranger = actor_for(Role.CONTACT_OFFICER, region["outsider"])
    with pytest.raises(PermissionDenied):
        services.signal_transition(actor=stranger, signal=signal, to_state=SignalState.ASSESSING)
    assert Signal.objects.get(pk=signal.pk).state == SignalState.NEW


def test_closing_without_reason_is_refused_in_dutch(
    region: dict[str, Organisation],
    submit_signal: Callable[..., Signal],
    actor_for: Callable[..., Actor],
) -> None:
    signal = submit_signal()
    actor = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    with pytest.raises(TransitionNotAllowed, match="Geef een toelichting"):
        services.signal_transition(actor=actor, signal=signal, to_state=SignalState.NO_ACTION)


def test_forwarding_gives_the_police_access(
    region: dict[str, Organisation],
    submit_signal: Callable[..., Signal],
    actor_for: Callable[..., Actor],
) -> None:
    signal = submit_signal(actor=actor_for(Role.SIGNALLER, region["outsider"]))
    officer = actor_for(Role.INVESTIGATOR, region["police"])
    with pytest.raises(Http404):
        signal_get_for_actor(actor=officer, reference=signal.reference)
    contact = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    services.signal_transition(
        actor=contact,
        signal=signal,
        to_state=SignalState.FORWARDED,
        reason="strafbare feiten",
        forward_to=region["police"],
    )
    assert signal_get_for_actor(actor=officer, reference=signal.reference).pk == signal.pk
    assert (
        ProcessingLogEntry.objects.filter(action=Action.SHARE, object_id=signal.reference).count()
        == 1
    )


def test_opening_a_case_from_a_signal(
    region: dict[str, Organisation],
    submit_signal: Callable[..., Signal],
    actor_for: Callable[..., Actor],
) -> None:
    signal = submit_signal()
    contact = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    updated = services.signal_open_case(actor=contact, signal=signal, reason="intake nodig")
    assert updated.state == SignalState.CASE_OPENED
    assert updated.case_reference.startswith("C-")

    case = Case.objects.get(number=updated.case_reference)
    assert case.owner == region["care"]
    assert case.origin_signal_reference == signal.reference


def test_an_administrator_edits_routing_rules_in_the_admin(
    client: object, region: dict[str, Organisation], make_member: object, login_as: object
) -> None:
    assert isinstance(client, Client)
    membership = make_member(role=Role.PLATFORM_ADMINISTRATOR, organisation=region["municipality"])  # type: ignore[operator]
    user = membership.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(*ModelPermission.objects.filter(codename__endswith="routingrule"))
    login_as(membership)  # type: ignore[operator]
    rule = RoutingRule.objects.get(target=RoutingRule.Target.YOUTH_CARE, form__isnull=True)
    page = client.get(f"/beheer/intake/routingrule/{rule.pk}/change/")
    assert page.status_code == 200
    assert "Jeugdzorg / Veilig Thuis bij een minderjarige" in page.content.decode()


@pytest.mark.parametrize(
    ("form", "minor", "kind"),
    [
        ("LABOUR", False, OrganisationKind.LABOUR_INSPECTORATE),
        ("CRIMINAL", True, OrganisationKind.YOUTH_CARE),
        ("SEXUAL", False, OrganisationKind.POLICE),
    ],
)
def test_default_rules_route_by_form_of_exploitation(
    form: str, minor: bool, kind: OrganisationKind, make_organisation: Any
) -> None:
    """Issue #13, point 7: the seeded rules by form (reasons in docs/routing.md)."""

    target = make_organisation(name=f"Ontvanger {form}", kind=kind)
    other = make_organisation(name=f"Andere {form}", kind=kind, municipality_code="GM0599")
    decisions = routing.route(
        routing.RoutingInput(
            kind=SignalKind.PROFESSIONAL,
            municipality=Municipality.objects.get(code="GM0363"),
            involves_victim=True,
            involves_minor=minor,
            forms=frozenset({form}),
        )
    )
    recipients = {d.organisation.pk for d in decisions}
    assert target.pk in recipients
    assert other.pk not in recipients
    without = routing.route(
        routing.RoutingInput(
            kind=SignalKind.PROFESSIONAL,
            municipality=Municipality.objects.get(code="GM0363"),
            involves_victim=True,
            involves_minor=False,
            forms=frozenset({"OTHER"}),
        )
    )
    assert target.pk not in {d.organisation.pk for d in without}


def test_the_signal_to_case_hand_off_is_one_transaction(
    region: dict[str, Organisation],
    submit_signal: Callable[..., Signal],
    actor_for: Callable[..., Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``signal_open_case`` owns the transaction: when the signal's step fails after the
    case was opened, no case, no case event and no log entry of it remain."""

    signal = submit_signal()
    contact = actor_for(Role.CONTACT_OFFICER, region["municipality"])
    before = (Case.objects.count(), CaseEvent.objects.count(), ProcessingLogEntry.objects.count())

    def fail(**_kwargs: object) -> Signal:
        assert Case.objects.count() == before[0] + 1  # the case was opened first
        raise TransitionNotAllowed("step refused")

    monkeypatch.setattr(services, "signal_transition", fail)
    with pytest.raises(TransitionNotAllowed):
        services.signal_open_case(actor=contact, signal=signal, reason="intake nodig")
    after = (Case.objects.count(), CaseEvent.objects.count(), ProcessingLogEntry.objects.count())
    assert after == before
    signal.refresh_from_db()
    assert signal.state == SignalState.NEW and signal.case_reference == ""
