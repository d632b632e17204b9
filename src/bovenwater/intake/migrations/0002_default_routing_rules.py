"""The default routing: the municipality's contact officer leads; care coordination
joins when a (possible) victim is involved; youth care when it concerns a minor."""

from django.db import migrations

RULES = [
    (10, "Aandachtsfunctionaris van de gemeente van de plaats delict", "municipal_contact", False, False, True),
    (20, "Regionale zorgcoördinatie bij een (mogelijk) slachtoffer", "care_coordination", True, False, False),
    (30, "Jeugdzorg / Veilig Thuis bij een minderjarige", "youth_care", False, True, False),
]


def create(apps, schema_editor):
    rule = apps.get_model("intake", "RoutingRule")
    for priority, name, target, requires_victim, requires_minor, lead in RULES:
        rule.objects.get_or_create(
            name=name,
            defaults={
                "priority": priority,
                "target": target,
                "requires_victim": requires_victim,
                "requires_minor": requires_minor,
                "makes_lead": lead,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("intake", "RoutingRule").objects.filter(name__in=[r[1] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
