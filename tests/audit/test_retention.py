"""Retention of closed cases and decided signals (issue 17, privacy jobs).

Records past their term go, whole, with one processing-log entry each that holds counts
and no content; records within their term, still open or held for a stated reason stay;
a dry run changes nothing; a failed removal leaves the record whole; both sweeps are
scheduled privacy jobs; the privacy officer sees the table and the dry run.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.privacy_jobs import retention_preview, run_job
from bovenwater.audit.retention import RETENTION_TABLE, subtract_years
from bovenwater.audit.scheduling import registered_jobs
from bovenwater.cases import services as case_services
from bovenwater.cases.models import (
    AdministrativeMeasure,
    Case,
    CaseCount,
    CaseEvent,
    CaseState,
    VictimProfile,
)
from bovenwater.intake import services as intake_services
from bovenwater.intake.counts import signal_counts_rebuild
from bovenwater.intake.models import (
    PublicReportDetails,
    Signal,
    SignalAttachment,
    SignalEvent,
    SignalRecipient,
    SignalState,
)
from bovenwater.intake.retention import sweep_signals
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


# ---- cases --------------------------------------------------------------------------


@pytest.fixture
def coordinator() -> Actor:
    return factories.actor(Role.CARE_COORDINATOR, factories.organisation())


def _closed_case(by: Actor, closed_at: datetime.datetime, **names: Any) -> Case:
    case = factories.open_case(by, **names)
    case_services.case_transition(actor=by, case=case, to_state=CaseState.CLOSED, reason="klaar")
    Case.objects.filter(pk=case.pk).update(closed_at=closed_at)
    return case


def test_a_case_closed_longer_ago_than_the_term_goes_whole_and_the_log_holds_counts_only(
    coordinator: Actor, settings: Any
) -> None:
    settings.CASE_RETENTION_YEARS = 5
    old = _closed_case(coordinator, subtract_years(NOW, 5) - datetime.timedelta(days=1))
    recent = _closed_case(
        coordinator, subtract_years(NOW, 5) + datetime.timedelta(days=1), last_name="Binnentermijn"
    )
    still_open = factories.open_case(coordinator, last_name="Nogopen")
    Case.objects.filter(pk=still_open.pk).update(opened_at=_days_ago(4000))
    closed_count = CaseCount.objects.get(owner=coordinator.organisation, state=CaseState.CLOSED)
    assert closed_count.count == 2

    report = case_services.sweep_closed_cases(now=NOW)

    assert (report.deleted, report.held, report.failed) == (1, 0, 0)
    assert not Case.objects.filter(pk=old.pk).exists()
    assert not VictimProfile.objects.filter(case_id=old.pk).exists()
    assert not CaseEvent.objects.filter(case_id=old.pk).exists()
    assert set(Case.objects.values_list("pk", flat=True)) >= {recent.pk, still_open.pk}
    assert VictimProfile.objects.filter(case_id=recent.pk, last_name="Binnentermijn").exists()
    closed_count.refresh_from_db()
    assert closed_count.count == 1  # the monitor's count table follows the deletion
    entry = ProcessingLogEntry.objects.get(
        object_type="cases.case", object_id=str(old.pk), action="delete"
    )
    assert entry.action == "delete" and entry.organisation_id == coordinator.organisation.pk
    assert entry.details["reason"] == "retention" and entry.details["term_years"] == 5
    assert entry.details["removed"]["victimprofile"] == 1
    assert entry.details["removed"]["caseevent"] >= 2
    assert report.rows == sum(entry.details["removed"].values())
    assert "Geheimvoet" not in str(entry.details) and old.number not in str(entry.details)


def test_a_shorter_term_setting_takes_the_recent_case_too(
    coordinator: Actor, settings: Any
) -> None:
    case = _closed_case(coordinator, subtract_years(NOW, 2))
    settings.CASE_RETENTION_YEARS = 5
    assert case_services.sweep_closed_cases(now=NOW).deleted == 0
    settings.CASE_RETENTION_YEARS = 1
    assert case_services.sweep_closed_cases(now=NOW).deleted == 1
    assert not Case.objects.filter(pk=case.pk).exists()


def test_a_running_measure_holds_the_case_and_an_ended_one_is_unlinked(
    coordinator: Actor,
) -> None:
    case = _closed_case(coordinator, _days_ago(4000))
    measure = AdministrativeMeasure.objects.create(
        owner=coordinator.organisation,
        region_id=coordinator.organisation.municipality.police_unit_id,
        kind="closure",
        target="Pand Dorpsstraat",
        legal_ground="Gemeentewet art. 174a",
        started_on=datetime.date(2015, 1, 1),
        case=case,
        created_by=coordinator.user,
    )
    report = case_services.sweep_closed_cases(now=NOW)
    assert (report.deleted, report.held) == (0, 1)
    assert Case.objects.filter(pk=case.pk).exists()

    AdministrativeMeasure.objects.filter(pk=measure.pk).update(ended_on=datetime.date(2016, 1, 1))
    assert case_services.sweep_closed_cases(now=NOW).deleted == 1
    measure.refresh_from_db()
    assert measure.case_id is None and measure.target == "Pand Dorpsstraat"


def test_dry_run_counts_what_would_go_and_changes_nothing(coordinator: Actor) -> None:
    case = _closed_case(coordinator, _days_ago(4000))
    other = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    _closed_case(other, _days_ago(4000))
    entries = ProcessingLogEntry.objects.count()

    everyone = case_services.sweep_closed_cases(now=NOW, dry_run=True)
    mine = case_services.sweep_closed_cases(
        now=NOW, dry_run=True, organisation_id=coordinator.organisation.pk
    )

    assert everyone.deleted == 2 and mine.deleted == 1
    assert mine.by_organisation == {coordinator.organisation.pk: 1}
    assert Case.objects.filter(pk=case.pk).exists()
    assert ProcessingLogEntry.objects.count() == entries


def test_a_failed_removal_leaves_the_case_whole_and_is_counted(coordinator: Actor) -> None:
    case = _closed_case(coordinator, _days_ago(4000))
    events = CaseEvent.objects.filter(case=case).count()
    with mock.patch(
        "bovenwater.cases.services.retention.log_processing", side_effect=RuntimeError("log down")
    ):
        report = case_services.sweep_closed_cases(now=NOW)
    assert (report.deleted, report.failed) == (0, 1)
    assert Case.objects.filter(pk=case.pk).exists()
    assert VictimProfile.objects.filter(case_id=case.pk).exists()
    assert CaseEvent.objects.filter(case=case).count() == events
    assert case_services.sweep_closed_cases(now=NOW).deleted == 1  # the next run takes it


# ---- signals ------------------------------------------------------------------------


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    (tmp_path / "signals").mkdir()
    return tmp_path / "signals"


def _decided_signal(
    state: SignalState, decided_at: datetime.datetime, *, case_reference: str = ""
) -> Signal:
    signal, _code = intake_services.public_report_submit(
        data=intake_services.PublicReportInput(
            description="In het nagelsalon slapen meisjes achter in de zaak.",
            municipality=Municipality.objects.get(code="GM0599"),
            contact_opt_in=True,
            contact_phone="0612345678",
        )
    )
    Signal.objects.filter(pk=signal.pk).update(
        state=state, case_reference=case_reference, created_at=decided_at
    )
    signal_counts_rebuild()  # the shortcut above went past the count table
    event = SignalEvent.objects.create(
        signal=signal, kind=SignalEvent.Kind.TRANSITION, from_state="new", to_state=state
    )
    SignalEvent.objects.filter(pk=event.pk).update(created_at=decided_at)
    signal.refresh_from_db()
    return signal


def _no_cases(numbers: object) -> set[str]:
    return set()


def test_a_signal_decided_longer_ago_than_the_term_goes_with_its_attachment_file(
    media: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SIGNAL_RETENTION_DAYS = 365
    old = _decided_signal(SignalState.NO_ACTION, _days_ago(366))
    recent = _decided_signal(SignalState.FORWARDED, _days_ago(364))
    still_open = _decided_signal(SignalState.ASSESSING, _days_ago(2000))
    (media / "abc123").write_bytes(b"foto")
    SignalAttachment.objects.create(
        signal=old,
        storage_name="abc123",
        original_name="foto.jpg",
        content_type="image/jpeg",
        size=4,
        sha256="0" * 64,
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep_signals(case_exists=_no_cases, now=NOW)

    assert (report.deleted, report.held, report.failed, report.files) == (1, 0, 0, 1)
    assert not Signal.objects.filter(pk=old.pk).exists()
    assert not PublicReportDetails.objects.filter(signal_id=old.pk).exists()
    assert not (media / "abc123").exists()
    assert set(Signal.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert signal_counts_rebuild(check_only=True) == {}  # the deletion left the count
    entry = ProcessingLogEntry.objects.get(
        object_type="intake.signal", object_id=str(old.pk), action="delete"
    )
    assert entry.action == "delete" and entry.details["rule"] == "signal_without_case"
    assert entry.details["removed"]["signalattachment"] == 1
    assert "0612345678" not in str(entry.details) and old.reference not in str(entry.details)


def test_the_term_runs_from_the_last_decision_not_from_receipt(settings: Any) -> None:
    settings.SIGNAL_RETENTION_DAYS = 365
    signal = _decided_signal(SignalState.NO_ACTION, _days_ago(800))
    SignalEvent.objects.create(  # re-opened and closed again last month
        signal=signal,
        kind=SignalEvent.Kind.TRANSITION,
        from_state="assessing",
        to_state="no_action",
    )
    assert sweep_signals(case_exists=_no_cases, now=NOW).deleted == 0
    assert Signal.objects.filter(pk=signal.pk).exists()


def test_a_signal_of_an_existing_case_is_held_until_the_case_is_gone(coordinator: Actor) -> None:
    case = factories.open_case(coordinator)
    signal = _decided_signal(SignalState.CASE_OPENED, _days_ago(4000), case_reference=case.number)
    report = sweep_signals(case_exists=case_services.existing_case_numbers, now=NOW)
    assert (report.deleted, report.held) == (0, 1)
    Case.objects.filter(pk=case.pk).delete()
    report = sweep_signals(case_exists=case_services.existing_case_numbers, now=NOW)
    assert report.deleted == 1
    assert not Signal.objects.filter(pk=signal.pk).exists()


def test_signal_dry_run_and_failure_leave_the_signal_whole() -> None:
    signal = _decided_signal(SignalState.NO_ACTION, _days_ago(4000))
    assert sweep_signals(case_exists=_no_cases, now=NOW, dry_run=True).deleted == 1
    with mock.patch(
        "bovenwater.intake.retention.log_processing", side_effect=RuntimeError("log down")
    ):
        report = sweep_signals(case_exists=_no_cases, now=NOW)
    assert (report.deleted, report.failed) == (0, 1)
    assert PublicReportDetails.objects.filter(signal_id=signal.pk).exists()
    assert SignalEvent.objects.filter(signal_id=signal.pk).count() >= 1


# ---- the jobs and the privacy officer -----------------------------------------------


def test_both_sweeps_are_scheduled_privacy_jobs_and_every_rule_has_a_job(
    coordinator: Actor,
) -> None:
    assert {rule.job for rule in RETENTION_TABLE} <= {job.name for job in registered_jobs()}
    _closed_case(coordinator, _days_ago(4000))
    _decided_signal(SignalState.FORWARDED, _days_ago(4000))
    cases = run_job("case_retention")
    signals = run_job("signal_retention")
    assert cases.ok and cases.counts["cases_deleted"] == 1 and cases.counts["rows_deleted"] > 1
    assert signals.ok and signals.counts["signals_deleted"] == 1
    assert [r.deleted for r in retention_preview(now=NOW)] == [0, 0]


def test_the_privacy_officer_sees_the_table_and_the_dry_run_of_the_own_organisation(
    client: Client,
    coordinator: Actor,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    organisation: Organisation = coordinator.organisation
    _closed_case(coordinator, _days_ago(4000))
    _closed_case(coordinator, _days_ago(4000))
    signal = _decided_signal(SignalState.NO_ACTION, _days_ago(4000))
    SignalRecipient.objects.create(signal=signal, organisation=organisation, reason="routed")
    _closed_case(factories.actor(Role.CARE_COORDINATOR, factories.organisation()), _days_ago(4000))
    officer = make_member(role=Role.PRIVACY_OFFICER, organisation=organisation)
    response = login_as(officer).get("/verwerkingslogboek/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="retention-table"' in text
    assert "5 jaar" in text and "365 dagen" in text
    preview = text.split('data-testid="retention-preview"')[1].split("</p>")[0]
    assert "2 casussen" in preview and "1 signaal" in preview
    assert Case.objects.filter(owner=organisation).count() == 2  # only shown, nothing removed
