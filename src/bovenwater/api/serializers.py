from __future__ import annotations

from rest_framework import serializers

from bovenwater.accounts.models import Organisation
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.reference.models import ExploitationForm, Indicator, Municipality


class ActorSerializer(serializers.Serializer[object]):
    username = serializers.CharField()
    organisation = serializers.CharField()
    organisation_id = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField()


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    municipality_code = serializers.CharField(source="municipality.code")
    police_unit = serializers.CharField(source="municipality.police_unit.name")
    safety_region = serializers.CharField(source="municipality.safety_region.name")

    class Meta:
        model = Organisation
        fields = (
            "id",
            "name",
            "kind",
            "municipality_code",
            "police_unit",
            "safety_region",
            "email",
            "phone",
        )


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    safety_region = serializers.CharField(source="safety_region.code")
    police_unit = serializers.CharField(source="police_unit.code")
    province = serializers.CharField(source="province.code")

    class Meta:
        model = Municipality
        fields = (
            "code",
            "name",
            "safety_region",
            "police_unit",
            "province",
            "valid_from",
            "valid_to",
        )


class ExploitationFormSerializer(serializers.ModelSerializer[ExploitationForm]):
    class Meta:
        model = ExploitationForm
        fields = ("code", "name_nl", "name_en", "htcds_values", "valid_from", "valid_to")


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    forms: serializers.SlugRelatedField[ExploitationForm] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Indicator
        fields = (
            "code",
            "catalogue",
            "group_nl",
            "group_en",
            "name_nl",
            "name_en",
            "forms",
            "domains",
            "source",
            "valid_from",
            "valid_to",
        )


class ProcessingLogEntrySerializer(serializers.ModelSerializer[ProcessingLogEntry]):
    class Meta:
        model = ProcessingLogEntry
        fields = (
            "id",
            "occurred_at",
            "actor_username",
            "organisation_name",
            "role",
            "action",
            "object_type",
            "object_id",
            "data_subject",
            "purpose",
            "legal_basis",
            "trace_id",
            "prev_hash",
            "entry_hash",
        )
