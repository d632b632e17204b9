"""Carry the keys of the two former idempotency tables (cases, intake) over to the one
table of ``lib.idempotency``, with their scopes prefixed by the app."""

from django.db import migrations


def carry_over(apps, schema_editor):
    Record = apps.get_model("lib", "IdempotencyRecord")
    CasesRecord = apps.get_model("cases", "IdempotencyRecord")
    IntakeRecord = apps.get_model("intake", "IdempotencyRecord")
    rows = [
        Record(
            scope=f"cases.{r.scope}",
            key=r.key,
            user_id=r.user_id,
            organisation_id=r.organisation_id,
            object_id=r.object_id,
            created_at=r.created_at,
        )
        for r in CasesRecord.objects.order_by("pk").iterator()
    ] + [
        Record(
            scope=f"intake.{r.scope}",
            key=r.key,
            user_id=r.user_id,
            organisation_id=0,
            object_id=r.signal_id,
            created_at=r.created_at,
        )
        for r in IntakeRecord.objects.order_by("pk").iterator()
    ]
    Record.objects.bulk_create(rows, batch_size=1000)
    # auto_now_add set "now" on insert: keep when the keys were first used.
    for row in rows:
        Record.objects.filter(
            scope=row.scope, key=row.key, user_id=row.user_id, organisation_id=row.organisation_id
        ).update(created_at=row.created_at)


def carry_back(apps, schema_editor):
    Record = apps.get_model("lib", "IdempotencyRecord")
    CasesRecord = apps.get_model("cases", "IdempotencyRecord")
    IntakeRecord = apps.get_model("intake", "IdempotencyRecord")
    for r in Record.objects.filter(scope__startswith="cases.").iterator():
        CasesRecord.objects.create(
            scope=r.scope.removeprefix("cases."),
            key=r.key,
            user_id=r.user_id,
            organisation_id=r.organisation_id,
            object_id=r.object_id,
        )
    for r in Record.objects.filter(scope__startswith="intake.").iterator():
        IntakeRecord.objects.create(
            scope=r.scope.removeprefix("intake."),
            key=r.key,
            user_id=r.user_id,
            signal_id=r.object_id,
        )
    Record.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lib", "0001_idempotency_record"),
        ("cases", "0002_case_count"),
        ("intake", "0002_default_routing_rules"),
    ]

    operations = [migrations.RunPython(carry_over, carry_back)]
