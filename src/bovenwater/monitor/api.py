"""Monitor API: the same suppressed tables as the dashboard, as JSON."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bovenwater.lib.drf import request_actor
from bovenwater.monitor.counts import STATS_BY_NAME
from bovenwater.monitor.models import ALL
from bovenwater.monitor.selectors import Cell, monitor_table, monitor_trend, monitor_years


class CellSerializer(serializers.Serializer[Cell]):
    value = serializers.CharField()
    name = serializers.CharField(source="label")
    count = serializers.IntegerField(
        allow_null=True, help_text="null when the cell is suppressed (small number)"
    )
    display = serializers.CharField(help_text='the number, or "<10" when suppressed')


class TableSerializer(serializers.Serializer[Any]):
    stat = serializers.CharField()
    year = serializers.IntegerField()
    police_unit = serializers.CharField()
    form = serializers.CharField()
    total = CellSerializer()
    cells = CellSerializer(many=True)


class TrendPointSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    cell = CellSerializer()
    change = serializers.IntegerField(allow_null=True)


FILTERS = [
    OpenApiParameter("police_unit", str, description="police unit code (PE-...); * or empty = all"),
    OpenApiParameter("form", str, description="exploitation form code; * or empty = all"),
]


def _filter(request: Request, name: str) -> str:
    value = str(request.query_params.get(name, "")).strip()
    return value or ALL


class MonitorTableView(APIView):
    """One breakdown of the monitor for a year and filters; small numbers suppressed."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True), *FILTERS],
        responses=TableSerializer,
    )
    def get(self, request: Request, stat: str) -> Response:
        actor = request_actor(request)
        if stat not in STATS_BY_NAME:
            raise Http404
        raw_year = str(request.query_params.get("year", ""))
        years = monitor_years()
        if not raw_year.isdigit() or int(raw_year) not in years:
            raise Http404
        table = monitor_table(
            actor=actor,
            stat=stat,
            year=int(raw_year),
            police_unit=_filter(request, "police_unit"),
            form=_filter(request, "form"),
        )
        data = {
            "stat": stat,
            "year": table.year,
            "police_unit": table.police_unit,
            "form": table.form,
            "total": table.total,
            "cells": table.cells,
        }
        return Response(TableSerializer(data).data)


class MonitorTrendView(APIView):
    """Registrations per year for the filters, with the year-on-year change."""

    @extend_schema(parameters=FILTERS, responses=TrendPointSerializer(many=True))
    def get(self, request: Request) -> Response:
        actor = request_actor(request)
        points = monitor_trend(
            actor=actor,
            police_unit=_filter(request, "police_unit"),
            form=_filter(request, "form"),
        )
        return Response(TrendPointSerializer(points, many=True).data)
