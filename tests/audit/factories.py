"""Helpers shared by the processing-log tests."""

from __future__ import annotations

from django.db import connection

from bovenwater.accounts.actor import Actor
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing

LOG_TABLE = ProcessingLogEntry._meta.db_table


def log_entries(actor: Actor, n: int) -> list[ProcessingLogEntry]:
    """``n`` logged reads by ``actor`` of made-up objects."""
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


def drop_guards() -> None:
    """What an attacker with database-owner rights would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {LOG_TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER processing_log_no_update")
            cursor.execute("DROP TRIGGER processing_log_no_delete")
