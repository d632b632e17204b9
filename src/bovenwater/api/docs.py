"""The API's human-readable documentation: Swagger UI over the committed OpenAPI file."""

from __future__ import annotations

from pathlib import Path

from csp.decorators import csp_update
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from bovenwater.accounts.middleware import public_view

SCHEMA_FILE = Path(__file__).resolve().parent / "openapi.yaml"


@public_view
@csp_update({"style-src": ["'unsafe-inline'"]})
def docs_view(request: HttpRequest) -> HttpResponse:
    """Swagger UI sets style attributes on its elements; this page alone allows inline
    styles (never inline scripts: its start-up code is a static file)."""
    return render(request, "api/docs.html")


@public_view
def schema_file_view(request: HttpRequest) -> FileResponse:
    """The committed contract itself (``make openapi`` writes it; a test checks it)."""
    response = FileResponse(SCHEMA_FILE.open("rb"), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bovenwater-openapi.yaml"'
    return response
