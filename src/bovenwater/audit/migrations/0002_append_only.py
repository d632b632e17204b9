"""Make the processing log append-only in the database itself, and create the chain head."""

from django.db import migrations

from bovenwater.audit.guards import install_guards, remove_guards


def install(apps, schema_editor):
    install_guards(schema_editor.connection)
    apps.get_model("audit", "ProcessingLogHead").objects.get_or_create(pk=1)


def uninstall(apps, schema_editor):
    remove_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
