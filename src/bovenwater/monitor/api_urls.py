"""API routes of the monitor app, mounted under /api/v1/ by bovenwater.api.urls."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
