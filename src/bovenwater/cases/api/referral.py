"""API of referrals: list, send, detail and respond."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bovenwater.accounts.models import Organisation
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
    Referral,
    ReferralKind,
    SharedPart,
)
from bovenwater.lib.drf import StrictTypesMixin, refusals_as_conflict


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


class ReferralCreateSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    case_id = serializers.IntegerField()
    to_organisation = serializers.IntegerField(
        help_text="Id of the receiving organisation (404 when it does not exist)."
    )
    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    shared_parts = serializers.ListField(child=serializers.ChoiceField(choices=SharedPart.choices))
    consent_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    legal_basis = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True
    )
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ReferralRespondSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ReferralListView(generics.ListAPIView[Referral]):
    """Referrals the caller's organisation sent or received."""

    serializer_class = ReferralSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        actor = api_actor(self.request)
        try:
            return selectors.referrals_list_for_actor(actor=actor).select_related("consent")
        except PermissionDenied:
            log_refusal(
                actor=actor,
                object_type="cases.referral",
                object_id="list",
                purpose=Purpose.CARE_COORDINATION,
                reason="forbidden",
            )
            return Referral.objects.none()

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={201: ReferralSerializer, 200: ReferralSerializer},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = managed_case(actor, values["case_id"])
        to_organisation = Organisation.objects.filter(
            is_active=True, pk=values["to_organisation"]
        ).first()
        if to_organisation is None:
            raise exceptions.NotFound(_("Deze organisatie bestaat niet."))
        consent = None
        if values["consent_id"] is not None:
            consent = selectors.consent_of_case(case=case, consent_id=values["consent_id"])
            if consent is None:
                raise exceptions.NotFound(_("Deze toestemming hoort niet bij de casus."))

        def create() -> Referral:
            return services.referral_send(
                actor=actor,
                case=case,
                to_organisation=to_organisation,
                kind=values["kind"],
                shared_parts=values["shared_parts"],
                consent=consent,
                legal_basis=values["legal_basis"],
                note=values["note"],
            )

        referral_id, created = create_once(request, actor, scope="cases.referral", create=create)
        referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
        return Response(
            ReferralSerializer(referral).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReferralDetailView(APIView):
    @extend_schema(responses=ReferralSerializer)
    def get(self, request: Request, referral_id: int) -> Response:
        actor = api_actor(request)
        referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
        return Response(ReferralSerializer(referral).data)


class ReferralRespondView(APIView):
    """The receiving organisation accepts or declines (a reason is required to decline)."""

    @extend_schema(request=ReferralRespondSerializer, responses=ReferralSerializer)
    def post(self, request: Request, referral_id: int) -> Response:
        actor = api_actor(request)
        referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
        if referral.to_organisation_id != actor.organisation_id:
            raise Http404
        data = ReferralRespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals_as_conflict():
            referral = services.referral_respond(
                actor=actor,
                referral=referral,
                accept=data.validated_data["accept"],
                reason=data.validated_data["reason"],
            )
        return Response(ReferralSerializer(referral).data)
