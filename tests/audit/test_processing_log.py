from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.audit.models import Action, AppendOnlyError, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.audit.verify import verify_chain
from bovenwater.core.tracing import new_span, reset_current, set_current

pytestmark = pytest.mark.django_db
TABLE = ProcessingLogEntry._meta.db_table


def _entries(actor: Actor, n: int) -> list[ProcessingLogEntry]:
    return [
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="test.thing",
            object_id=i,
            purpose=Purpose.SIGNAL_HANDLING,
            data_subject=f"person:{i}",
        )
        for i in range(n)
    ]


def _drop_guards() -> None:
    """What an attacker with database-owner rights would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER processing_log_no_update")
            cursor.execute("DROP TRIGGER processing_log_no_delete")


def test_entries_form_a_hash_chain_with_purpose_basis_and_trace(
    make_member: Callable[..., Membership],
) -> None:
    membership = make_member(role=Role.CARE_COORDINATOR)
    actor = Actor(user=membership.user, membership=membership)
    token = set_current(new_span("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
    try:
        first, second = _entries(actor, 2)
    finally:
        reset_current(token)
    assert second.prev_hash == first.entry_hash
    assert second.pk == first.pk + 1
    assert first.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert first.organisation_id == membership.organisation_id
    assert first.role == Role.CARE_COORDINATOR
    assert "AVG" in first.legal_basis
    assert verify_chain().intact is True


def test_orm_refuses_update_and_delete(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    entry = _entries(Actor(user=membership.user, membership=membership), 1)[0]
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
    entry = _entries(Actor(user=membership.user, membership=membership), 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_username = 'mallory' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert ProcessingLogEntry.objects.get(pk=entry.pk).actor_username == membership.user.username


def test_verify_reports_the_first_tampered_row(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    entries = _entries(Actor(user=membership.user, membership=membership), 6)
    call_command("verify_processing_log", stdout=io.StringIO())
    target = entries[3]
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET object_id = 'andere-persoon' WHERE id = %s", [target.pk]
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
    entries = _entries(Actor(user=membership.user, membership=membership), 5)
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entries[-1].pk])
    result = verify_chain()
    assert (result.intact, result.broken_id) == (False, entries[-1].pk)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entries[1].pk])
    result = verify_chain()
    assert (result.intact, result.broken_id) == (False, entries[1].pk)


def test_verify_command_reports_intact(make_member: Callable[..., Membership]) -> None:
    membership = make_member()
    _entries(Actor(user=membership.user, membership=membership), 3)
    out = io.StringIO()
    call_command("verify_processing_log", stdout=out)
    assert "intact" in out.getvalue()


def test_privacy_officer_filters_and_exports_and_the_export_is_logged(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    officer = make_member(role=Role.PRIVACY_OFFICER)
    colleague = make_member(role=Role.CARE_COORDINATOR, organisation=officer.organisation)
    _entries(Actor(user=colleague.user, membership=colleague), 3)
    login_as(officer)
    page = client.get(reverse("audit:log"), {"data_subject": "person:1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "person:1" in body
    assert "person:2" not in body
    export = client.get(reverse("audit:export"), {"actor": colleague.user.username})
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert {row["data_subject"] for row in rows} >= {"person:0", "person:1", "person:2"}
    assert all(row["actor_username"] == colleague.user.username for row in rows)
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
        reverse("audit:log"), {"date_from": "2026-05-01", "date_to": "2026-04-01", "actor": "jan"}
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
