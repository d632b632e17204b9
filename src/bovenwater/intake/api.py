"""Intake API: the public report endpoint (no login) and scoped signal endpoints."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bovenwater.accounts.roles import Permission
from bovenwater.intake import selectors, services
from bovenwater.intake.models import Signal, SignalState, Urgency
from bovenwater.lib.drf import Conflict, StrictTypesMixin, request_actor
from bovenwater.lib.ratelimit import AddressRateThrottle
from bovenwater.reference.models import ExploitationForm, Indicator, Municipality
from bovenwater.reference.serializer_fields import ReferenceCodeField

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat a request with the same key and get the first result back; nothing is created twice.",
)


class PublicReportThrottle(AddressRateThrottle):
    """Per-address limit of the public endpoints, shared by all processes (lib.ratelimit)."""

    scope = "public_report"


MAX_SIGNS = 100


class PublicReportSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    description = serializers.CharField(max_length=5000)
    municipality = ReferenceCodeField(Municipality)
    place_description = serializers.CharField(max_length=300, required=False, default="")
    observed_on = serializers.DateField(required=False, allow_null=True, default=None)
    observed_when = serializers.CharField(max_length=200, required=False, default="")
    persons_description = serializers.CharField(max_length=3000, required=False, default="")
    involves_minor = serializers.BooleanField(required=False, default=False)
    signs = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        max_length=MAX_SIGNS,
        help_text="Codes of the citizen questions answered with yes (the indicators that have one).",
    )

    def validate_signs(self, value: list[str]) -> list[str]:
        known = set(
            Indicator.objects.current()
            .exclude(citizen_question_nl="")
            .filter(code__in=value)
            .values_list("code", flat=True)
        )
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(
                _("Onbekende vraag: %(codes)s.") % {"codes": ", ".join(unknown[:5])}
            )
        return list(dict.fromkeys(value))


class PublicAdditionSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    receipt_code = serializers.CharField(max_length=20)
    text = serializers.CharField(max_length=5000)


class SignalSerializer(serializers.ModelSerializer[Signal]):
    municipality = serializers.CharField(source="crime_municipality.code")
    forms: serializers.SlugRelatedField[ExploitationForm] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    recipients = serializers.SerializerMethodField()

    class Meta:
        model = Signal
        fields = (
            "reference",
            "kind",
            "state",
            "urgency",
            "created_at",
            "due_date",
            "description",
            "municipality",
            "address",
            "forms",
            "involves_victim",
            "involves_minor",
            "case_reference",
            "recipients",
        )

    def get_recipients(self, signal: Signal) -> list[str]:
        return selectors.signal_recipient_names(signal=signal)


class SignalCreateSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    description = serializers.CharField(max_length=10000)
    municipality = ReferenceCodeField(Municipality)
    forms = ReferenceCodeField(ExploitationForm, many=True, required=False)
    indicators = ReferenceCodeField(Indicator, many=True, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    address = serializers.CharField(max_length=300, required=False, default="")
    victim_estimated_age = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True, default=None
    )
    victim_is_minor = serializers.BooleanField(required=False, default=False)


class TransitionSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    to_state = serializers.ChoiceField(choices=SignalState.choices)
    reason = serializers.CharField(max_length=2000, required=False, default="")
    case_reference = serializers.CharField(max_length=30, required=False, default="")


class PublicReportView(APIView):
    """Anonymous report by a member of the public. No login; no address is stored."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicReportThrottle]

    @extend_schema(
        request=PublicReportSerializer,
        parameters=[IDEMPOTENCY],
        responses={
            201: inline_serializer(
                "PublicReceipt", {"receipt_code": serializers.CharField(allow_null=True)}
            )
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PublicReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _signal, code = services.public_report_submit(
            data=services.PublicReportInput(
                description=data["description"],
                municipality=data["municipality"],
                place_description=data["place_description"],
                observed_on=data["observed_on"],
                observed_when=data["observed_when"],
                persons_description=data["persons_description"],
                involves_minor=data["involves_minor"],
                answers=dict.fromkeys(data["signs"], "yes"),
            ),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
        )
        return Response(
            {"receipt_code": code}, status=status.HTTP_201_CREATED if code else status.HTTP_200_OK
        )


class PublicAdditionView(APIView):
    """Add information to an anonymous report with its receipt code."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicReportThrottle]

    @extend_schema(request=PublicAdditionSerializer, responses={202: None})
    def post(self, request: Request) -> Response:
        serializer = PublicAdditionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not services.public_report_add(**serializer.validated_data):
            raise exceptions.NotFound("Onbekende ontvangstcode.")
        return Response(status=status.HTTP_202_ACCEPTED)


class SignalListView(generics.ListCreateAPIView[Signal]):
    """Signals routed or forwarded to the caller's organisation (or reported by the caller)."""

    serializer_class = SignalSerializer

    def get_queryset(self) -> QuerySet[Signal]:
        return selectors.signals_for_actor(
            actor=request_actor(self.request),
            filters=selectors.SignalFilter(state=self.request.query_params.get("state", "")),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        references = [row["reference"] for row in response.data["results"]]
        selectors.signals_shown(actor=request_actor(request), references=references)
        return response

    @extend_schema(
        request=SignalCreateSerializer, parameters=[IDEMPOTENCY], responses={201: SignalSerializer}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.create(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = request_actor(request)
        if not actor.has(Permission.SUBMIT_SIGNAL):
            raise exceptions.PermissionDenied
        serializer = SignalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        signal = services.signal_submit(
            actor=actor,
            data=services.SignalInput(
                description=data["description"],
                municipality=data["municipality"],
                forms=data.get("forms", []),
                indicators=[(indicator, "") for indicator in data.get("indicators", [])],
                urgency=Urgency(data["urgency"]),
                address=data["address"],
                victim=services.PersonInput(
                    estimated_age=data["victim_estimated_age"], is_minor=data["victim_is_minor"]
                ),
            ),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
        )
        return Response(SignalSerializer(signal).data, status=status.HTTP_201_CREATED)


class SignalDetailView(APIView):
    @extend_schema(responses=SignalSerializer)
    def get(self, request: Request, reference: str) -> Response:
        signal = selectors.signal_get_for_actor(actor=request_actor(request), reference=reference)
        return Response(SignalSerializer(signal).data)


class SignalTransitionView(APIView):
    """Triage step; an illegal step answers 409 with the reason."""

    @extend_schema(request=TransitionSerializer, responses=SignalSerializer)
    def post(self, request: Request, reference: str) -> Response:
        actor = request_actor(request)
        signal = selectors.signal_get_for_actor(actor=actor, reference=reference)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        to_state = SignalState(data["to_state"])
        if to_state == SignalState.CASE_OPENED:
            signal = services.signal_open_case(actor=actor, signal=signal, reason=data["reason"])
        elif to_state == SignalState.LINKED:
            signal = services.signal_link_case(
                actor=actor,
                signal=signal,
                case_number=data["case_reference"],
                reason=data["reason"],
            )
        elif to_state == SignalState.FORWARDED:
            raise Conflict(
                "Doorzetten kan via de webpagina van het signaal, met een gekozen organisatie."
            )
        else:
            signal = services.signal_transition(
                actor=actor, signal=signal, to_state=to_state, reason=data["reason"]
            )
        return Response(SignalSerializer(signal).data)
