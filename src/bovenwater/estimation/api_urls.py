"""API routes of the estimation app, mounted under /api/v1/ by bovenwater.api.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.estimation import api

urlpatterns: list[URLPattern] = [
    path("estimates/", api.EstimateRunListView.as_view(), name="estimates"),
    path("estimates/<int:pk>/", api.EstimateRunDetailView.as_view(), name="estimate"),
]
