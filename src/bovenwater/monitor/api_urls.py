"""API routes of the monitor app, mounted under /api/v1/ by bovenwater.api.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.monitor import api

urlpatterns: list[URLPattern] = [
    path("monitor/trend/", api.MonitorTrendView.as_view(), name="monitor-trend"),
    path("monitor/tables/<slug:stat>/", api.MonitorTableView.as_view(), name="monitor-table"),
]
