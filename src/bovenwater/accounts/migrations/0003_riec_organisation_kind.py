"""RIEC becomes its own organisation kind: existing RIECs (kind "other" with a name that
starts with "RIEC") move to it. Reversible."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Organisation.objects.filter(kind="other", name__istartswith="RIEC").update(kind="riec")


def backwards(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Organisation.objects.filter(kind="riec").update(kind="other")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_platform_administrator_role")]

    operations = [
        migrations.AlterField(
            model_name='organisation',
            name='kind',
            field=models.CharField(choices=[('municipality', 'Gemeente'), ('police', 'Politie'), ('kmar', 'Koninklijke Marechaussee'), ('labour_inspectorate', 'Nederlandse Arbeidsinspectie'), ('prosecution', 'Openbaar Ministerie'), ('care_coordination', 'Zorgcoördinatie'), ('shelter', 'Opvang'), ('national_registrar', 'CoMensha (landelijke registratie)'), ('youth_care', 'Jeugdzorg / Veilig Thuis'), ('social_care', 'Hulpverlening'), ('education', 'Onderwijs'), ('ngo', 'Maatschappelijke organisatie (ngo)'), ('immigration', 'IND'), ('national_rapporteur', 'Nationaal Rapporteur'), ('riec', 'RIEC (Regionaal Informatie- en Expertisecentrum)'), ('other', 'Overig')], max_length=40, verbose_name='soort'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
