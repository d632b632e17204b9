# The chat's counts moved to the monitor's count table (chat_* statistics, per year with
# the police-unit and form filters). The per-month table is dropped and the conversations
# still stored are counted again by the next retention run.

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def recount(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    conversation = apps.get_model("chat", "Conversation")
    conversation.objects.filter(counted=True).update(counted=False)


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0002_handoff_into_case"),
        ("monitor", "0003_open_data_privacy"),
    ]

    operations = [
        migrations.RunPython(recount, migrations.RunPython.noop),
        migrations.DeleteModel(name="ChatCount"),
    ]
