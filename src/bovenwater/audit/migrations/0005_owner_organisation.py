"""Entries name the organisation whose data was read or asked for, when it is not the
actor's own, so that organisation's privacy officer sees reads through a share and
refused attempts on its objects. The seal trigger learns the new column."""

from django.db import migrations, models

from bovenwater.audit.guards import CONTENT_COLUMNS_0004, install_guards, remove_guards


def drop_guards(apps, schema_editor):
    remove_guards(schema_editor.connection)


def add_guards(apps, schema_editor):
    install_guards(schema_editor.connection)


def add_old_guards(apps, schema_editor):
    install_guards(schema_editor.connection, CONTENT_COLUMNS_0004)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_chain_sealed_in_background"),
    ]

    operations = [
        migrations.RunPython(drop_guards, add_old_guards),
        migrations.AddField(
            model_name="processinglogentry",
            name="owner_organisation_id",
            field=models.BigIntegerField(
                blank=True, db_index=True, null=True, verbose_name="organisatie van de gegevens"
            ),
        ),
        migrations.RunPython(add_guards, drop_guards),
    ]
