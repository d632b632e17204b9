from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bovenwater.accounts.selectors import organisations_directory
from bovenwater.api.serializers import (
    ActorSerializer,
    ExploitationFormSerializer,
    IndicatorSerializer,
    MunicipalitySerializer,
    OrganisationSerializer,
    ProcessingLogEntrySerializer,
)
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.selectors import LogFilter, processing_log_for_actor, processing_log_viewed
from bovenwater.lib.drf import request_actor
from bovenwater.reference.models import ExploitationForm, Indicator, Municipality


class MeView(APIView):
    """Who is calling: the acting user, organisation and role."""

    @extend_schema(responses=ActorSerializer)
    def get(self, request: Request) -> Response:
        actor = request_actor(request)
        data = {
            "username": actor.user.username,
            "organisation": actor.organisation.name,
            "organisation_id": actor.organisation_id,
            "role": actor.role.value,
            "role_label": str(actor.role.label),
        }
        return Response(ActorSerializer(data).data)


class OrganisationListView(generics.ListAPIView[Any]):
    """Directory of chain partners (organisation contact details, no personal data)."""

    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return organisations_directory().order_by("name")


class MunicipalityListView(generics.ListAPIView[Municipality]):
    serializer_class = MunicipalitySerializer
    queryset = Municipality.objects.select_related(
        "safety_region", "police_unit", "province"
    ).order_by("code")


class ExploitationFormListView(generics.ListAPIView[ExploitationForm]):
    serializer_class = ExploitationFormSerializer
    queryset = ExploitationForm.objects.order_by("position", "code")


class IndicatorListView(generics.ListAPIView[Indicator]):
    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.prefetch_related("forms").order_by("catalogue", "position", "code")


class ProcessingLogListView(generics.ListAPIView[ProcessingLogEntry]):
    """The processing log of the caller's organisation (privacy officer only)."""

    serializer_class = ProcessingLogEntrySerializer

    @extend_schema(
        parameters=[OpenApiParameter("data_subject", str), OpenApiParameter("object_type", str)]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ProcessingLogEntry]:
        actor = request_actor(self.request)
        filters = LogFilter(
            data_subject=self.request.query_params.get("data_subject", ""),
            object_type=self.request.query_params.get("object_type", ""),
        )
        entries = processing_log_for_actor(actor=actor, filters=filters)
        processing_log_viewed(actor=actor, filters=filters)
        chain_pending()  # the answer carries the chain hash of every entry, this read's too
        return entries
