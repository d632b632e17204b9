"""Make the processing log append-only in the database itself, and create the chain head.

Triggers reject UPDATE and DELETE on the log table for every client, not only the ORM.
A database owner can still disable them (as the tamper test does); the hash chain is
what then reveals the change.
"""

from django.db import migrations

TABLE = "audit_processinglogentry"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION bovenwater_processing_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The processing log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER processing_log_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION bovenwater_processing_log_append_only();
CREATE TRIGGER processing_log_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION bovenwater_processing_log_append_only();
CREATE TRIGGER processing_log_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION bovenwater_processing_log_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS processing_log_no_update ON {TABLE};
DROP TRIGGER IF EXISTS processing_log_no_delete ON {TABLE};
DROP TRIGGER IF EXISTS processing_log_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS bovenwater_processing_log_append_only();
"""
SQLITE_UP = [
    f"CREATE TRIGGER processing_log_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The processing log is append-only'); END;",
    f"CREATE TRIGGER processing_log_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The processing log is append-only'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS processing_log_no_update;",
    "DROP TRIGGER IF EXISTS processing_log_no_delete;",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    head = apps.get_model("audit", "ProcessingLogHead")
    head.objects.get_or_create(pk=1)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
