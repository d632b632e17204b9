"""The hash chain is sealed after the insert (``chain_pending``), not while appending.

Adds the chain position ``seq``; ``prev_hash`` and ``entry_hash`` stay empty until an
entry is sealed. Existing entries were chained in id order, so their position is their
id. The append-only triggers are replaced by ones that also allow the one-time seal.
"""

from django.core.management.color import no_style
from django.db import migrations, models

from bovenwater.audit.guards import CONTENT_COLUMNS_0004, install_guards, remove_guards


def drop_guards(apps, schema_editor):
    remove_guards(schema_editor.connection)


def position_existing_entries(apps, schema_editor):
    connection = schema_editor.connection
    entry = apps.get_model("audit", "ProcessingLogEntry")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_processinglogentry SET seq = id WHERE seq IS NULL")
        # Ids used to be set explicitly from the head; from now on the database assigns
        # them, so its id sequence must continue after the highest one (PostgreSQL).
        for statement in connection.ops.sequence_reset_sql(no_style(), [entry]):
            cursor.execute(statement)


def add_guards(apps, schema_editor):
    install_guards(schema_editor.connection, CONTENT_COLUMNS_0004)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_purpose_without_choices"),
    ]

    operations = [
        migrations.RunPython(drop_guards, add_guards),
        migrations.AddField(
            model_name="processinglogentry",
            name="seq",
            field=models.BigIntegerField(
                blank=True, null=True, unique=True, verbose_name="plaats in de keten"
            ),
        ),
        migrations.AlterField(
            model_name="processinglogentry",
            name="entry_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="processinglogentry",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(position_existing_entries, migrations.RunPython.noop),
        migrations.RunPython(add_guards, drop_guards),
    ]
