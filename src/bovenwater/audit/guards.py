"""Database triggers that make the processing log append-only, per database vendor.

Installed by migration ``audit.0002`` and replaced by ``audit.0004``. Every client of
the database, not only the ORM, is refused DELETE (and on PostgreSQL TRUNCATE) on the
log table, and every UPDATE except the one-time seal by ``chain_pending``: a row without
a chain position may get ``seq``, ``prev_hash`` and ``entry_hash`` once, with all its
other columns unchanged. A database owner can remove the triggers; the hash chain then
still reveals any change to a sealed row.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_processinglogentry"

_POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION bovenwater_processing_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.entry_hash IS NULL
        AND NEW.seq IS NOT NULL AND NEW.entry_hash IS NOT NULL
        AND (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'entry_hash')
            = (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'entry_hash') THEN
        RETURN NEW;  -- the one-time seal of a new entry
    END IF;
    RAISE EXCEPTION 'The processing log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS processing_log_no_update ON {TABLE};
DROP TRIGGER IF EXISTS processing_log_no_delete ON {TABLE};
DROP TRIGGER IF EXISTS processing_log_no_truncate ON {TABLE};
CREATE TRIGGER processing_log_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION bovenwater_processing_log_append_only();
CREATE TRIGGER processing_log_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION bovenwater_processing_log_append_only();
CREATE TRIGGER processing_log_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION bovenwater_processing_log_append_only();
"""
_POSTGRES_REMOVE = f"""
DROP TRIGGER IF EXISTS processing_log_no_update ON {TABLE};
DROP TRIGGER IF EXISTS processing_log_no_delete ON {TABLE};
DROP TRIGGER IF EXISTS processing_log_no_truncate ON {TABLE};
"""
# Columns an entry's seal must leave unchanged (every column but the three chain columns),
# as migration 0004 knew them; 0005 added ``owner_organisation_id``.
CONTENT_COLUMNS_0004 = (
    "id",
    "occurred_at",
    "actor_user_id",
    "actor_username",
    "organisation_id",
    "organisation_name",
    "role",
    "action",
    "object_type",
    "object_id",
    "data_subject",
    "purpose",
    "legal_basis",
    "trace_id",
    "span_id",
    "details",
)
CONTENT_COLUMNS = (*CONTENT_COLUMNS_0004, "owner_organisation_id")


def _sqlite_install(columns: tuple[str, ...]) -> list[str]:
    seal = " AND ".join(
        [
            "OLD.seq IS NULL AND OLD.entry_hash IS NULL",
            "NEW.seq IS NOT NULL AND NEW.entry_hash IS NOT NULL",
            *(f"NEW.{column} IS OLD.{column}" for column in columns),
        ]
    )
    return [
        "DROP TRIGGER IF EXISTS processing_log_no_update",
        "DROP TRIGGER IF EXISTS processing_log_no_delete",
        f"CREATE TRIGGER processing_log_no_update BEFORE UPDATE ON {TABLE} "
        f"WHEN NOT ({seal}) "
        "BEGIN SELECT RAISE(ABORT, 'The processing log is append-only'); END",
        f"CREATE TRIGGER processing_log_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'The processing log is append-only'); END",
    ]


_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS processing_log_no_update",
    "DROP TRIGGER IF EXISTS processing_log_no_delete",
]


def _statements(
    vendor: str, install: bool, columns: tuple[str, ...] = CONTENT_COLUMNS
) -> list[str]:
    if vendor == "postgresql":
        return [_POSTGRES_INSTALL if install else _POSTGRES_REMOVE]
    if vendor == "sqlite":
        return _sqlite_install(columns) if install else _SQLITE_REMOVE
    return []


def install_guards(connection: Any, columns: tuple[str, ...] = CONTENT_COLUMNS) -> None:
    """Install the triggers; ``columns`` are the content columns the table has (SQLite
    names them; migrations pass the columns of their time)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True, columns=columns):
            cursor.execute(statement)


def remove_guards(connection: Any) -> None:
    """Only for migrations backwards and for emptying a test database."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
