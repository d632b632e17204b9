"""Estimation API: stored runs and their results (counts and estimates only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bovenwater.estimation.models import EstimateRun
from bovenwater.estimation.selectors import run_get, runs_for
from bovenwater.lib.drf import request_actor


class EstimateRunSerializer(serializers.ModelSerializer[EstimateRun]):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    result = serializers.JSONField(
        read_only=True,
        help_text=(
            "per year (key 'years'): observed, estimate, ci_low, ci_high, ci_method, model, "
            "top_models and warnings (codes); empty until the run is done"
        ),
    )

    class Meta:
        model = EstimateRun
        fields = [
            "id",
            "organisation",
            "national",
            "form",
            "method",
            "max_order",
            "p_threshold",
            "bootstrap",
            "seed",
            "ci_method",
            "engine_version",
            "status",
            "progress",
            "created_at",
            "started_at",
            "finished_at",
            "result",
        ]
        read_only_fields = fields


class EstimateRunListView(generics.ListAPIView[EstimateRun]):
    """Estimate runs the caller may see: its own organisation's and the national ones."""

    serializer_class = EstimateRunSerializer

    def get_queryset(self) -> QuerySet[EstimateRun]:
        return runs_for(request_actor(self.request))


class EstimateRunDetailView(generics.GenericAPIView[EstimateRun]):
    """One estimate run with its result per year (404 outside the caller's scope)."""

    serializer_class = EstimateRunSerializer

    def get(self, request: Request, pk: int, *args: Any, **kwargs: Any) -> Response:
        run = run_get(actor=request_actor(request), pk=pk)
        return Response(EstimateRunSerializer(run).data)
