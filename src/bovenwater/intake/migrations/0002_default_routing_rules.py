"""Install the default routing rules (see bovenwater.intake.defaults)."""

from django.db import migrations

from bovenwater.intake.defaults import DEFAULT_RULES, ensure_default_rules


def create(apps, schema_editor):
    ensure_default_rules(apps.get_model("intake", "RoutingRule"))


def remove(apps, schema_editor):
    apps.get_model("intake", "RoutingRule").objects.filter(name__in=[rule[1] for rule in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
