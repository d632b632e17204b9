"""API of placement requests and placements."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_refusal
from bovenwater.cases import selectors, services
from bovenwater.cases.api.common import (
    IDEMPOTENCY,
    api_actor,
    create_once,
    managed_case,
)
from bovenwater.cases.models import (
    Placement,
    PlacementRequest,
    ShelterCategory,
)
from bovenwater.lib.drf import StrictTypesMixin, refusals_as_conflict
from bovenwater.reference.models import PoliceUnit
from bovenwater.reference.serializer_fields import ReferenceCodeField


class PlacementRequestSerializer(serializers.ModelSerializer[PlacementRequest]):
    case = serializers.CharField(source="case.number")
    region = serializers.CharField(source="region.code")

    class Meta:
        model = PlacementRequest
        fields = ("id", "case", "case_id", "category", "region", "status", "requested_at")


class PlacementRequestCreateSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    case_id = serializers.IntegerField()
    category = serializers.ChoiceField(choices=ShelterCategory.choices)
    region = ReferenceCodeField(PoliceUnit)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class PlacementSerializer(serializers.ModelSerializer[Placement]):
    case = serializers.CharField(source="case.number")
    shelter = serializers.CharField(source="shelter.name")

    class Meta:
        model = Placement
        fields = (
            "id",
            "case",
            "case_id",
            "shelter",
            "category",
            "started_on",
            "departed_on",
            "departure_reason",
        )


class PlacementCreateSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    request_id = serializers.IntegerField()
    shelter = serializers.IntegerField(help_text="Id of the shelter (404 when it does not exist).")
    started_on = serializers.DateField(required=False, allow_null=True, default=None)


class PlacementDepartSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    departed_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)


class PlacementRequestListView(generics.ListAPIView[PlacementRequest]):
    """Placement requests of the caller's own cases."""

    serializer_class = PlacementRequestSerializer

    def get_queryset(self) -> QuerySet[PlacementRequest]:
        actor = api_actor(self.request)
        try:
            return selectors.placement_requests_of_own_cases(actor=actor)
        except PermissionDenied:
            log_refusal(
                actor=actor,
                object_type="cases.placementrequest",
                object_id="list",
                purpose=Purpose.CARE_COORDINATION,
                reason="forbidden",
            )
            return PlacementRequest.objects.none()

    @extend_schema(
        request=PlacementRequestCreateSerializer,
        responses={201: PlacementRequestSerializer, 200: PlacementRequestSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = PlacementRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = managed_case(actor, values["case_id"])

        def create() -> PlacementRequest:
            return services.placement_request_create(
                actor=actor,
                case=case,
                category=values["category"],
                region=values["region"],
                note=values["note"],
            )

        request_id, created = create_once(
            request, actor, scope="cases.placement_request", create=create
        )
        placement_request = selectors.placement_request_created_by_actor(request_id=request_id)
        return Response(
            PlacementRequestSerializer(placement_request).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PlacementListView(generics.ListAPIView[Placement]):
    """Placements of the caller's own cases, or in the caller's own shelters."""

    serializer_class = PlacementSerializer

    def get_queryset(self) -> QuerySet[Placement]:
        actor = api_actor(self.request)
        try:
            return selectors.placements_list_for_actor(actor=actor)
        except PermissionDenied:
            log_refusal(
                actor=actor,
                object_type="cases.placement",
                object_id="list",
                purpose=Purpose.CARE_COORDINATION,
                reason="forbidden",
            )
            return Placement.objects.none()

    @extend_schema(
        request=PlacementCreateSerializer,
        responses={201: PlacementSerializer, 200: PlacementSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = PlacementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        placement_request = selectors.placement_request_get_for_actor(
            actor=actor, request_id=values["request_id"]
        )
        shelter = selectors.shelters_all().filter(pk=values["shelter"]).first()
        if shelter is None:
            raise exceptions.NotFound(_("Deze opvang bestaat niet."))

        def create() -> Placement:
            return services.placement_create(
                actor=actor,
                request=placement_request,
                shelter=shelter,
                started_on=values["started_on"],
            )

        try:
            with refusals_as_conflict():
                placement_id, created = create_once(
                    request, actor, scope="cases.placement", create=create
                )
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        placement = selectors.placement_created_by_actor(placement_id=placement_id)
        return Response(
            PlacementSerializer(placement).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PlacementDetailView(APIView):
    @extend_schema(responses=PlacementSerializer)
    def get(self, request: Request, placement_id: int) -> Response:
        actor = api_actor(request)
        placement = selectors.placement_get_for_actor(actor=actor, placement_id=placement_id)
        return Response(PlacementSerializer(placement).data)


class PlacementDepartView(APIView):
    """Record the departure from a shelter (the placement's end)."""

    @extend_schema(request=PlacementDepartSerializer, responses=PlacementSerializer)
    def post(self, request: Request, placement_id: int) -> Response:
        actor = api_actor(request)
        placement = selectors.placement_get_for_actor(actor=actor, placement_id=placement_id)
        managed_case(actor, placement.case_id)
        data = PlacementDepartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals_as_conflict():
            placement = services.placement_depart(
                actor=actor,
                placement=placement,
                departed_on=data.validated_data["departed_on"],
                reason=data.validated_data["reason"],
            )
        return Response(PlacementSerializer(placement).data)
