"""Cases API: cases, referrals, placement requests and placements, scoped like the pages.

Errors are problem details; an object outside the caller's scope is 404; an illegal
transition is 409 with the reason; create endpoints honour ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Permission
from bovenwater.api.permissions import request_actor
from bovenwater.cases import selectors, services
from bovenwater.cases.models import (
    Case,
    CaseState,
    Gender,
    Placement,
    PlacementRequest,
    Referral,
    ReferralKind,
    SharedPart,
    Shelter,
    ShelterCategory,
)
from bovenwater.cases.types import VictimDetails
from bovenwater.cases.workflow import TransitionNotAllowed
from bovenwater.reference.models import ExploitationForm, Municipality, Nationality, PoliceUnit

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat a create with the same key and get the first result back; "
    "nothing is created twice.",
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _actor(request: Request) -> Actor:
    actor: Actor | None = request_actor(request)
    if actor is None:
        raise exceptions.NotAuthenticated
    return actor


def _validation(error: ValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {
                field: [str(m) for e in errors for m in e.messages]
                for field, errors in error.error_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": error.messages})


# Serializers.


class CaseVictimSerializer(serializers.Serializer[Any]):
    estimated_age = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True, default=None
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    is_minor = serializers.BooleanField(required=False, default=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default="unknown")
    nationality = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Nationality.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    language = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    first_name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class CaseCreateSerializer(serializers.Serializer[Any]):
    victim = CaseVictimSerializer()
    forms = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ExploitationForm.objects.all(),
        many=True,
        required=False,
        default=list,
    )
    crime_municipality = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    origin_signal_reference = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class CaseListSerializer(serializers.ModelSerializer[Case]):
    owner = serializers.CharField(source="owner.name")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Case
        fields = (
            "id",
            "number",
            "state",
            "state_label",
            "owner",
            "opened_at",
            "closed_at",
            "reflection_deadline",
        )


class CaseDetailSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    trafficking_status = serializers.CharField()
    owner = serializers.CharField()
    access = serializers.CharField(help_text="owner, referral or emergency")
    parts = serializers.ListField(child=serializers.CharField())
    forms = serializers.ListField(child=serializers.CharField())
    crime_municipality = serializers.CharField(allow_null=True)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    b8 = serializers.DictField(allow_null=True)
    victim = serializers.DictField(allow_null=True)


def _case_detail(actor: Actor, access: selectors.CaseAccess) -> dict[str, Any]:
    case = access.case
    victim = selectors.victim_for_access(actor=actor, access=access)
    b8 = None
    if access.shows(SharedPart.B8):
        b8 = {
            "applicable": case.b8_applicable,
            "dublin_claimant": case.dublin_claimant,
            "reflection_started_on": case.reflection_started_on,
            "reflection_deadline": case.reflection_deadline,
            "cooperation_decision": case.cooperation_decision,
            "permit_status": case.permit_status,
        }
    return {
        "id": case.pk,
        "number": case.number,
        "state": case.state,
        "trafficking_status": case.trafficking_status,
        "owner": case.owner.name,
        "access": access.via,
        "parts": sorted(access.parts),
        "forms": [f.code for f in case.forms.all()],
        "crime_municipality": case.crime_municipality.code if case.crime_municipality else None,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "b8": b8,
        "victim": None
        if victim is None
        else {
            "estimated_age": victim.estimated_age,
            "date_of_birth": victim.date_of_birth,
            "is_minor": victim.is_minor,
            "gender": victim.gender,
            "nationality": victim.nationality.code if victim.nationality else None,
            "language": victim.language,
            "first_name": victim.first_name,
            "last_name": victim.last_name,
        },
    }


class CaseTransitionSerializer(serializers.Serializer[Any]):
    to_state = serializers.ChoiceField(choices=CaseState.choices)
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    case = serializers.CharField(source="case.number")
    case_id = serializers.IntegerField()
    from_organisation = serializers.CharField(source="from_organisation.name")
    to_organisation = serializers.CharField(source="to_organisation.name")
    consent_withdrawn = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = (
            "id",
            "case",
            "case_id",
            "kind",
            "from_organisation",
            "to_organisation",
            "status",
            "shared_parts",
            "legal_basis",
            "consent_withdrawn",
            "requested_at",
            "responded_at",
        )

    def get_consent_withdrawn(self, obj: Referral) -> bool | None:
        return None if obj.consent is None else obj.consent.withdrawn_at is not None


class ReferralCreateSerializer(serializers.Serializer[Any]):
    case_id = serializers.IntegerField()
    to_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True)
    )
    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    shared_parts = serializers.ListField(child=serializers.ChoiceField(choices=SharedPart.choices))
    consent_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    legal_basis = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True
    )
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ReferralRespondSerializer(serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class PlacementRequestSerializer(serializers.ModelSerializer[PlacementRequest]):
    case = serializers.CharField(source="case.number")
    region = serializers.CharField(source="region.code")

    class Meta:
        model = PlacementRequest
        fields = ("id", "case", "case_id", "category", "region", "status", "requested_at")


class PlacementRequestCreateSerializer(serializers.Serializer[Any]):
    case_id = serializers.IntegerField()
    category = serializers.ChoiceField(choices=ShelterCategory.choices)
    region = serializers.SlugRelatedField(slug_field="code", queryset=PoliceUnit.objects.all())
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


class PlacementCreateSerializer(serializers.Serializer[Any]):
    request_id = serializers.IntegerField()
    shelter = serializers.PrimaryKeyRelatedField(queryset=Shelter.objects.all())
    started_on = serializers.DateField(required=False, allow_null=True, default=None)


class PlacementDepartSerializer(serializers.Serializer[Any]):
    departed_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)


# Views.


def _managed_case(actor: Actor, case_id: int) -> Case:
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    if not access.can_manage:
        raise Http404
    return access.case


def _key(request: Request) -> str:
    return str(request.headers.get("Idempotency-Key", ""))


class CaseListView(generics.ListAPIView[Case]):
    """Cases the caller's organisation owns or received by an accepted referral."""

    serializer_class = CaseListSerializer

    def get_queryset(self) -> QuerySet[Case]:
        actor = _actor(self.request)
        state = str(self.request.query_params.get("state", ""))
        try:
            return selectors.case_list_for_actor(
                actor=actor,
                filters=selectors.CaseListFilter(state=state, open_only=False),
            )
        except PermissionDenied:
            return Case.objects.none()

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer, 200: CaseDetailSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        if not actor.has(Permission.MANAGE_CASES):
            raise exceptions.PermissionDenied
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data

        def create() -> Case:
            return services.case_open(
                actor=actor,
                owner=actor.organisation,
                coordinator=actor.user if actor.role == "care_coordinator" else None,
                victim=VictimDetails(**values["victim"]),
                forms=values["forms"],
                crime_municipality=values["crime_municipality"],
                origin_signal_reference=values["origin_signal_reference"],
                reason=values["reason"],
            )

        try:
            case_id, created = services.idempotent_create(
                actor=actor, key=_key(request), scope="case", create=create
            )
        except ValidationError as error:
            raise _validation(error) from error
        access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
        return Response(
            _case_detail(actor, access),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CaseDetailView(APIView):
    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        actor = _actor(request)
        access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
        return Response(_case_detail(actor, access))


class CaseTransitionView(APIView):
    """Move a case to another state; 409 with the reason when the table forbids it."""

    @extend_schema(request=CaseTransitionSerializer, responses=CaseDetailSerializer)
    def post(self, request: Request, case_id: int) -> Response:
        actor = _actor(request)
        access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
        if access.via != "owner":
            raise Http404
        data = CaseTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.case_transition(
                actor=actor,
                case=access.case,
                to_state=data.validated_data["to_state"],
                reason=data.validated_data["reason"],
            )
        except TransitionNotAllowed as error:
            raise Conflict(error.message) from error
        access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
        return Response(_case_detail(actor, access))


class ReferralListView(generics.ListAPIView[Referral]):
    """Referrals the caller's organisation sent or received."""

    serializer_class = ReferralSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        actor = _actor(self.request)
        try:
            return selectors.referrals_list_for_actor(actor=actor).select_related("consent")
        except PermissionDenied:
            return Referral.objects.none()

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={201: ReferralSerializer, 200: ReferralSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        data = ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = _managed_case(actor, values["case_id"])
        consent = None
        if values["consent_id"] is not None:
            consent = selectors.consent_of_case(case=case, consent_id=values["consent_id"])
            if consent is None:
                raise exceptions.ValidationError({"consent_id": "Onbekende toestemming."})

        def create() -> Referral:
            return services.referral_send(
                actor=actor,
                case=case,
                to_organisation=values["to_organisation"],
                kind=values["kind"],
                shared_parts=values["shared_parts"],
                consent=consent,
                legal_basis=values["legal_basis"],
                note=values["note"],
            )

        try:
            referral_id, created = services.idempotent_create(
                actor=actor, key=_key(request), scope="referral", create=create
            )
        except ValidationError as error:
            raise _validation(error) from error
        referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
        return Response(
            ReferralSerializer(referral).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReferralDetailView(APIView):
    @extend_schema(responses=ReferralSerializer)
    def get(self, request: Request, referral_id: int) -> Response:
        actor = _actor(request)
        referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
        return Response(ReferralSerializer(referral).data)


class ReferralRespondView(APIView):
    """The receiving organisation accepts or declines (a reason is required to decline)."""

    @extend_schema(request=ReferralRespondSerializer, responses=ReferralSerializer)
    def post(self, request: Request, referral_id: int) -> Response:
        actor = _actor(request)
        referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
        if referral.to_organisation_id != actor.organisation_id:
            raise Http404
        data = ReferralRespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            referral = services.referral_respond(
                actor=actor,
                referral=referral,
                accept=data.validated_data["accept"],
                reason=data.validated_data["reason"],
            )
        except ValidationError as error:
            raise Conflict(" ".join(error.messages)) from error
        return Response(ReferralSerializer(referral).data)


class PlacementRequestListView(generics.ListAPIView[PlacementRequest]):
    """Placement requests of the caller's own cases."""

    serializer_class = PlacementRequestSerializer

    def get_queryset(self) -> QuerySet[PlacementRequest]:
        actor = _actor(self.request)
        if not actor.has(Permission.VIEW_CASES):
            return PlacementRequest.objects.none()
        return (
            PlacementRequest.objects.filter(case__owner_id=actor.organisation_id)
            .select_related("case", "region")
            .order_by("-requested_at", "-pk")
        )

    @extend_schema(
        request=PlacementRequestCreateSerializer,
        responses={201: PlacementRequestSerializer, 200: PlacementRequestSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        data = PlacementRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = _managed_case(actor, values["case_id"])

        def create() -> PlacementRequest:
            return services.placement_request_create(
                actor=actor,
                case=case,
                category=values["category"],
                region=values["region"],
                note=values["note"],
            )

        try:
            request_id, created = services.idempotent_create(
                actor=actor, key=_key(request), scope="placement_request", create=create
            )
        except ValidationError as error:
            raise _validation(error) from error
        placement_request = PlacementRequest.objects.select_related("case", "region").get(
            pk=request_id
        )
        return Response(
            PlacementRequestSerializer(placement_request).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PlacementListView(generics.ListAPIView[Placement]):
    """Placements of the caller's own cases, or in the caller's own shelters."""

    serializer_class = PlacementSerializer

    def get_queryset(self) -> QuerySet[Placement]:
        actor = _actor(self.request)
        try:
            return selectors.placements_list_for_actor(actor=actor)
        except PermissionDenied:
            return Placement.objects.none()

    @extend_schema(
        request=PlacementCreateSerializer,
        responses={201: PlacementSerializer, 200: PlacementSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        data = PlacementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        placement_request = selectors.placement_request_get_for_actor(
            actor=actor, request_id=values["request_id"]
        )

        def create() -> Placement:
            return services.placement_create(
                actor=actor,
                request=placement_request,
                shelter=values["shelter"],
                started_on=values["started_on"],
            )

        try:
            placement_id, created = services.idempotent_create(
                actor=actor, key=_key(request), scope="placement", create=create
            )
        except ValidationError as error:
            raise Conflict(" ".join(error.messages)) from error
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
        actor = _actor(request)
        placement = selectors.placement_get_for_actor(actor=actor, placement_id=placement_id)
        return Response(PlacementSerializer(placement).data)


class PlacementDepartView(APIView):
    """Record the departure from a shelter (the placement's end)."""

    @extend_schema(request=PlacementDepartSerializer, responses=PlacementSerializer)
    def post(self, request: Request, placement_id: int) -> Response:
        actor = _actor(request)
        placement = selectors.placement_get_for_actor(actor=actor, placement_id=placement_id)
        _managed_case(actor, placement.case_id)
        data = PlacementDepartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            placement = services.placement_depart(
                actor=actor,
                placement=placement,
                departed_on=data.validated_data["departed_on"],
                reason=data.validated_data["reason"],
            )
        except ValidationError as error:
            raise Conflict(" ".join(error.messages)) from error
        return Response(PlacementSerializer(placement).data)
