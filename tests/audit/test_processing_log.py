from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.audit.factories import LOG_TABLE, drop_guards, log_entries

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.audit import services
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.models import (
    GENESIS_HASH,
    Action,
    AppendOnlyError,
    PrivacyJobRun,
    ProcessingLogEntry,
    ProcessingLogHead,
)
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.audit.verify import VerifyResult, verify_chain
from bovenwater.lib.tracing import new_span, reset_current, set_current

pytestmark = pytest.mark.django_db


def test_entries_form_a_hash_chain_with_purpose_basis_and_trace(
    make_member: Callable[..., Membership],
) -> None:
    membership = make_member(role=Role.CARE_COORDINATOR)
    chain_pending()  # the set-up's own entries (organisation, user, membership)
    actor = Actor(user=membership.user, membership=membership)
    token = set_current(new_span("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
    try:
        first, second = log_entries(actor, 2)
    finally:
        reset_current(token)
    # Inserted unsealed; the chaining step seals them in order.
    assert (first.seq, first.entry_hash, second.seq, second.entry_hash) == (None, None, None, None)
    assert chain_pending() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.prev_hash == first.entry_hash
    assert first.seq is not None and second.seq == first.seq + 1
    assert second.pk > first.pk
    assert first.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert first.organisation_id == membership.organisation_id
    assert first.role == Role.CARE_COORDINATOR
    assert "AVG" in first.legal_basis
    assert verify_chain().intact is True


def test_orm_refuses_update_and_delete(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    entry = log_entries(Actor(user=membership.user, membership=membership), 1)[0]
    with pytest.raises(AppendOnlyError):
        ProcessingLogEntry.objects.filter(pk=entry.pk).update(actor_username="x")
    with pytest.raises(AppendOnlyError):
        ProcessingLogEntry.objects.filter(pk=entry.pk).delete()
    entry.actor_username = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert ProcessingLogEntry.objects.get(pk=entry.pk).actor_username == membership.user.username


def test_database_refuses_raw_update_and_delete(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    entry = log_entries(Actor(user=membership.user, membership=membership), 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LOG_TABLE} SET actor_username = 'mallory' WHERE id = %s", [entry.pk]
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOG_TABLE} WHERE id = %s", [entry.pk])
    # The one UPDATE allowed is the seal of an unsealed row, and only with its content kept.
    seal = f"UPDATE {LOG_TABLE} SET seq = 1, prev_hash = %s, entry_hash = %s"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{seal}, object_id = 'ander' WHERE id = %s", [GENESIS_HASH, "f" * 64, entry.pk]
        )
    assert chain_pending() >= 1
    sealed = ProcessingLogEntry.objects.get(pk=entry.pk)
    assert sealed.seq is not None and sealed.entry_hash == sealed.compute_hash()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"{seal} WHERE id = %s", [GENESIS_HASH, "f" * 64, entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LOG_TABLE} SET seq = NULL, entry_hash = NULL WHERE id = %s", [entry.pk]
        )
    after = ProcessingLogEntry.objects.get(pk=entry.pk)
    assert (after.seq, after.entry_hash, after.object_id) == (
        sealed.seq,
        sealed.entry_hash,
        entry.object_id,
    )
    assert after.actor_username == membership.user.username


def test_verify_reports_the_first_tampered_row(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    entries = log_entries(Actor(user=membership.user, membership=membership), 6)
    call_command("verify_processing_log", stdout=io.StringIO())
    target = entries[3]
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LOG_TABLE} SET object_id = 'andere-persoon' WHERE id = %s", [target.pk]
        )
    result = verify_chain()
    assert result.intact is False
    assert result.broken_id == target.pk
    assert result.reason == "content does not match its hash"
    with pytest.raises(CommandError, match=f"BROKEN at record {target.pk}"):
        call_command("verify_processing_log")


def test_verify_finds_a_removed_row_and_a_removed_tail(
    make_member: Callable[..., Membership],
) -> None:
    membership = make_member()
    entries = log_entries(Actor(user=membership.user, membership=membership), 5)
    chain_pending()
    for entry in entries:
        entry.refresh_from_db()
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOG_TABLE} WHERE id = %s", [entries[-1].pk])
    result = verify_chain()
    assert (result.intact, result.broken_seq) == (False, entries[-1].seq)
    assert result.reason == "entries after the last intact one were removed"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOG_TABLE} WHERE id = %s", [entries[1].pk])
    result = verify_chain()
    assert (result.intact, result.broken_seq) == (False, entries[1].seq)
    assert result.reason == f"entry {entries[1].seq} is missing"
    with pytest.raises(CommandError, match=f"BROKEN at chain position {entries[1].seq}"):
        call_command("verify_processing_log")


def test_unsealing_a_row_is_found(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    entries = log_entries(Actor(user=membership.user, membership=membership), 3)
    chain_pending()
    entries[1].refresh_from_db()
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LOG_TABLE} SET seq = NULL, prev_hash = '', entry_hash = NULL WHERE id = %s",
            [entries[1].pk],
        )
    result = verify_chain()
    assert (result.intact, result.broken_seq, result.pending) == (False, entries[1].seq, 1)


def test_new_entries_are_pending_until_sealed_and_then_verified(
    make_member: Callable[..., Membership],
) -> None:
    membership = make_member()
    actor = Actor(user=membership.user, membership=membership)
    base = chain_pending()  # the set-up's own entries
    assert base > 0
    log_entries(actor, 3)
    assert verify_chain() == VerifyResult(True, base, pending=3)
    out = io.StringIO()
    call_command("verify_processing_log", "--no-chain", stdout=out)
    assert out.getvalue().strip() == (
        f"Processing log intact: {base} records verified "
        "(0 newly sealed; 3 not sealed yet; no anchors yet)."
    )
    assert chain_pending() == 3
    assert chain_pending() == 0
    assert verify_chain() == VerifyResult(True, base + 3)
    # A later run continues the same chain.
    later = log_entries(actor, 2)
    assert verify_chain() == VerifyResult(True, base + 3, pending=2)
    out = io.StringIO()
    call_command("verify_processing_log", stdout=out)
    assert out.getvalue().strip() == (
        f"Processing log intact: {base + 5} records verified (2 newly sealed; no anchors yet)."
    )
    sealed = list(ProcessingLogEntry.objects.order_by("seq"))
    assert [entry.seq for entry in sealed] == list(range(1, base + 6))
    assert sealed[0].prev_hash == GENESIS_HASH
    assert [entry.pk for entry in sealed[-2:]] == [entry.pk for entry in later]
    assert sealed[-2].prev_hash == sealed[-3].entry_hash
    head = ProcessingLogHead.objects.get(pk=1)
    assert (head.last_entry_id, head.last_hash, head.entry_count) == (
        later[-1].pk,
        sealed[-1].entry_hash,
        base + 5,
    )


def test_chain_pending_respects_a_limit(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    base = chain_pending()
    log_entries(Actor(user=membership.user, membership=membership), 4)
    assert chain_pending(limit=3) == 3
    assert verify_chain() == VerifyResult(True, base + 3, pending=1)


def test_logging_takes_no_lock_and_writes_one_row(
    make_member: Callable[..., Membership],
) -> None:
    """The append itself is one INSERT: no head row, no lock, no chain work."""
    membership = make_member()
    actor = Actor(user=membership.user, membership=membership)
    with CaptureQueriesContext(connection) as queries:
        log_entries(actor, 1)
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 1
    assert statements[0].startswith(f'INSERT INTO "{LOG_TABLE}"')


def test_verify_command_reports_intact(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    log_entries(Actor(user=membership.user, membership=membership), 3)
    out = io.StringIO()
    call_command("verify_processing_log", stdout=out)
    assert "intact" in out.getvalue()


def test_privacy_officer_filters_and_exports_and_the_export_is_logged(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    officer = make_member(role=Role.PRIVACY_OFFICER)
    colleague = make_member(role=Role.CARE_COORDINATOR, organisation=officer.organisation)
    log_entries(Actor(user=colleague.user, membership=colleague), 3)
    login_as(officer)
    page = client.get(reverse("audit:log"), {"data_subject": "person:1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "person:1" in body
    assert "person:2" not in body
    export = client.get(reverse("audit:export"), {"actor": colleague.user.username})
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert {row["Betrokkene (code)"] for row in rows} >= {"person:0", "person:1", "person:2"}
    assert all(row["Gebruikersnaam"] == colleague.user.username for row in rows)
    # Names, not ids: the colleague's name and the role's label, ids in their own columns.
    assert all(row["Medewerker"] == colleague.user.get_full_name() for row in rows)
    assert all(row["Rol"] == "Zorgcoördinator" for row in rows)
    assert all(row["Rolcode"] == Role.CARE_COORDINATOR.value for row in rows)
    # Sealed before the export: every exported row carries its chain hash.
    assert all(len(row["Hash"]) == 64 for row in rows)
    logged = ProcessingLogEntry.objects.filter(
        action=Action.EXPORT, actor_user_id=officer.user_id
    ).get()
    assert logged.purpose == Purpose.PRIVACY_SUPERVISION
    assert logged.details["rows"] == len(rows)


def test_invalid_filter_dates_get_a_dutch_message_and_keep_input(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    login_as(make_member(role=Role.PRIVACY_OFFICER))
    page = client.get(
        reverse("audit:log"),
        {"date_from": "2026-05-01", "date_to": "2026-04-01", "data_subject": "jan"},
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert "De einddatum ligt vóór de begindatum." in body
    assert 'value="jan"' in body


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PRIVACY_OFFICER])
def test_other_roles_cannot_read_the_log(
    role: Role,
    client: Client,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    login_as(make_member(role=role))
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_a_commit_that_logged_queues_the_chaining_at_most_once_a_second(
    make_member: Callable[..., Membership],
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    membership = make_member()
    actor = Actor(user=membership.user, membership=membership)
    monkeypatch.setattr(services, "_last_queued", 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        first = log_entries(actor, 1)[0]
    first.refresh_from_db()
    assert first.seq is not None and first.entry_hash == first.compute_hash()
    # Within the interval no second run is queued; the queued (deferred) run covers it.
    with django_capture_on_commit_callbacks(execute=True):
        second = log_entries(actor, 1)[0]
    second.refresh_from_db()
    assert (second.seq, second.entry_hash) == (None, None)
    monkeypatch.setattr(services, "_last_queued", 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        third = log_entries(actor, 1)[0]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.seq is not None and third.seq == second.seq + 1


def test_the_log_shows_names_and_labels_not_ids_or_codes(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    officer = make_member(role=Role.PRIVACY_OFFICER)
    colleague = make_member(role=Role.CARE_COORDINATOR, organisation=officer.organisation)
    log_processing(
        actor=Actor(user=colleague.user, membership=colleague),
        action=Action.VIEW,
        object_type="cases.case",
        object_id=f"organisation:{officer.organisation_id}",
        purpose=Purpose.SIGNAL_HANDLING,
        data_subject=f"user:{colleague.user_id}",
    )
    login_as(officer)
    body = client.get(reverse("audit:log")).content.decode()
    assert f"organisatie {officer.organisation.name}" in body
    assert f"persoon {colleague.user.get_full_name()}" in body
    assert "Zorgcoördinator" in body
    assert "casus" in body
    table = body[body.index('data-testid="log-table"') :]
    for code in ("cases.case", "care_coordinator", f"organisation:{officer.organisation_id}"):
        assert code not in table
    # The filters offer people and kinds of records by name.
    assert (
        f'<option value="{colleague.user.username}">{colleague.user.get_full_name()}</option>'
        in body
    )
    assert '<option value="cases.case">casus</option>' in body


def test_the_privacy_officer_checks_the_chain_from_the_log_page(
    client: Client,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    officer = make_member(role=Role.PRIVACY_OFFICER)
    log_entries(Actor(user=officer.user, membership=officer), 4)
    login_as(officer)
    page = client.get(reverse("audit:log")).content.decode()
    assert "De keten is vanaf deze pagina nog niet gecontroleerd." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:chain_check"))
    assert response.status_code == 302
    status = client.get(reverse("audit:chain_check_status")).content.decode()
    assert 'data-testid="chain-intact"' in status
    assert "De keten is intact." in status
    run = PrivacyJobRun.objects.get(job="chain_check")
    assert run.ok and run.finished_at is not None and run.counts["checked"] >= 4
    # The check itself is in the log, under the privacy officer's supervision purpose.
    assert ProcessingLogEntry.objects.filter(
        object_id="chain", purpose=Purpose.PRIVACY_SUPERVISION, actor_user_id=officer.user_id
    ).exists()


def test_a_tampered_chain_is_reported_in_dutch(
    client: Client,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    officer = make_member(role=Role.PRIVACY_OFFICER)
    entries = log_entries(Actor(user=officer.user, membership=officer), 3)
    chain_pending()
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LOG_TABLE} SET object_id = 'andere-persoon' WHERE id = %s", [entries[1].pk]
        )
    login_as(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:chain_check"))
    status = client.get(reverse("audit:chain_check_status")).content.decode()
    assert 'data-testid="chain-broken"' in status
    assert "de inhoud van een regel is gewijzigd" in status


def test_other_roles_cannot_start_a_chain_check(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    login_as(make_member(role=Role.CARE_COORDINATOR))
    assert client.post(reverse("audit:chain_check")).status_code == 403
    assert not PrivacyJobRun.objects.filter(job="chain_check").exists()
