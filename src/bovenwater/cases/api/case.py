"""API of cases: list, open, detail and transition.

**Versions.** A case's detail carries its ``version`` and an ``ETag`` header (the version
in quotes). A transition may name the version it was decided on, as ``If-Match: "7"``
or as ``"version": 7`` in the body; when the case has changed since, nothing is written
and the answer is a problem with the case's ``current_version`` and the ``changes`` since
(as far as the caller may see them): 412 for ``If-Match``, 409 for the body field.
Without either the transition is not checked against a version (as before).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_refusal
from bovenwater.cases import selectors, services
from bovenwater.cases.api.common import (
    IDEMPOTENCY,
    api_actor,
    create_once,
)
from bovenwater.cases.models import (
    Case,
    CaseState,
    Gender,
    SharedPart,
)
from bovenwater.cases.selectors.access import AccessPath
from bovenwater.cases.services.coordination import ClosureBlocked, StaleCase
from bovenwater.cases.types import VictimDetails
from bovenwater.lib.drf import Conflict, PreconditionFailed, StrictTypesMixin
from bovenwater.reference.models import ExploitationForm, Municipality, Nationality
from bovenwater.reference.serializer_fields import ReferenceCodeField


class CaseVictimSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    estimated_age = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True, default=None
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    is_minor = serializers.BooleanField(required=False, default=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default="unknown")
    nationality = ReferenceCodeField(
        Nationality,
        required=False,
        allow_null=True,
        default=None,
    )
    language = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    first_name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class CaseCreateSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    victim = CaseVictimSerializer()
    forms = ReferenceCodeField(
        ExploitationForm,
        many=True,
        required=False,
        default=list,
    )
    crime_municipality = ReferenceCodeField(
        Municipality,
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
    version = serializers.IntegerField(
        help_text="Goes up with every change of the case's data, state, owner or "
        "coordinator; send it back (If-Match or `version`) with a transition."
    )


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The case version the change was decided on, as the detail\'s ETag ("7"). '
    "A case changed since answers 412 and nothing is written.",
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=True,
    description='The case version in quotes ("7"), for If-Match.',
)


def _versioned(response: Response, version: int) -> Response:
    response["ETag"] = f'"{version}"'
    return response


def _if_match(request: Request) -> int | None:
    """The version named by ``If-Match`` (``None`` without one or with ``*``); a value
    that is no version of ours matches nothing (0)."""
    header = str(request.headers.get("If-Match", "")).strip()
    if not header or header == "*":
        return None
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else 0


def _stale_problem(error: StaleCase) -> dict[str, Any]:
    return {
        "current_version": error.current_version,
        "changes": [
            {"field": c.label, "old": c.old, "new": c.new, "by": c.by, "at": c.at.isoformat()}
            for c in error.changes
        ],
    }


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
        "version": case.version,
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


class CaseTransitionSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    to_state = serializers.ChoiceField(choices=CaseState.choices)
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The case version the step was decided on; a case changed since "
        "answers 409 and nothing is written.",
    )


class CaseListView(generics.ListAPIView[Case]):
    """Cases the caller's organisation owns or received by an accepted referral."""

    serializer_class = CaseListSerializer

    def get_queryset(self) -> QuerySet[Case]:
        actor = api_actor(self.request)
        state = str(self.request.query_params.get("state", ""))
        try:
            return selectors.case_list_for_actor(
                actor=actor,
                filters=selectors.CaseListFilter(state=state, open_only=False),
            )
        except PermissionDenied:
            log_refusal(
                actor=actor,
                object_type="cases.case",
                object_id="list",
                purpose=Purpose.CARE_COORDINATION,
                reason="forbidden",
            )
            return Case.objects.none()

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer, 200: CaseDetailSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        if not actor.has(Permission.MANAGE_CASES):
            raise exceptions.PermissionDenied
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data

        def create() -> Case:
            return services.case_open(
                actor=actor,
                owner=actor.organisation,
                coordinator=services.default_coordinator(actor),
                victim=VictimDetails(**values["victim"]),
                forms=values["forms"],
                crime_municipality=values["crime_municipality"],
                origin_signal_reference=values["origin_signal_reference"],
                reason=values["reason"],
            )

        case_id, created = create_once(request, actor, scope="cases.case", create=create)
        access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
        return Response(
            _case_detail(actor, access),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CaseDetailView(APIView):
    @extend_schema(responses=CaseDetailSerializer, parameters=[ETAG])
    def get(self, request: Request, case_id: int) -> Response:
        actor = api_actor(request)
        access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
        return _versioned(Response(_case_detail(actor, access)), access.case.version)


class CaseTransitionView(APIView):
    """Move a case to another state; 409 with the reason when the table forbids it, and
    412 (``If-Match``) or 409 (``version``) when the case changed since that version."""

    @extend_schema(
        request=CaseTransitionSerializer,
        responses=CaseDetailSerializer,
        parameters=[IF_MATCH, ETAG],
    )
    def post(self, request: Request, case_id: int) -> Response:
        actor = api_actor(request)
        access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
        if access.via != AccessPath.OWNER:
            raise Http404
        data = CaseTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        header_version = _if_match(request)
        expected = header_version if header_version is not None else data.validated_data["version"]
        try:
            services.case_transition(
                actor=actor,
                case=access.case,
                to_state=data.validated_data["to_state"],
                reason=data.validated_data["reason"],
                expected_version=expected,
            )
        except StaleCase as error:  # changed since the version the caller named
            problem = PreconditionFailed if header_version is not None else Conflict
            raise problem(error.messages[0], extensions=_stale_problem(error)) from error
        except ClosureBlocked as error:  # open tasks, placements or referrals
            raise Conflict(" ".join([error.messages[0], *error.open_items])) from error
        access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
        return _versioned(Response(_case_detail(actor, access)), access.case.version)
