"""Database triggers that make the processing log append-only, per database vendor.

Installed by migration ``audit.0002``. Every client of the database, not only the
ORM, is refused UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the log table. A
database owner can remove them; the hash chain then still reveals any change.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_processinglogentry"

_POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION bovenwater_processing_log_append_only() RETURNS trigger AS $$
BEGIN
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
_SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS processing_log_no_update",
    "DROP TRIGGER IF EXISTS processing_log_no_delete",
    f"CREATE TRIGGER processing_log_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The processing log is append-only'); END",
    f"CREATE TRIGGER processing_log_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The processing log is append-only'); END",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS processing_log_no_update",
    "DROP TRIGGER IF EXISTS processing_log_no_delete",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "postgresql":
        return [_POSTGRES_INSTALL if install else _POSTGRES_REMOVE]
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    return []


def install_guards(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def remove_guards(connection: Any) -> None:
    """Only for migrations backwards and for emptying a test database."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
