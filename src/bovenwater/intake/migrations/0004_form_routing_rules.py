"""Default routing rules by form of exploitation (see bovenwater.intake.defaults and
docs/routing.md). On a fresh database the forms are not loaded yet; then the rules are
added when the reference data is loaded."""

from django.db import migrations

from bovenwater.intake.defaults import FORM_RULES, ensure_form_rules


def create(apps, schema_editor):
    ensure_form_rules(
        apps.get_model("intake", "RoutingRule"), apps.get_model("reference", "ExploitationForm")
    )


def remove(apps, schema_editor):
    apps.get_model("intake", "RoutingRule").objects.filter(
        name__in=[rule[1] for rule in FORM_RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_idempotency_moved_to_lib"), ("reference", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
