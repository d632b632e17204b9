"""API routes of the estimation app, mounted under /api/v1/ by bovenwater.api.urls."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
