"""The API's human-readable documentation: Swagger UI over the committed OpenAPI file."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from bovenwater.accounts.middleware import public_view

SCHEMA_FILE = Path(__file__).resolve().parent / "openapi.yaml"


@public_view
def docs_view(request: HttpRequest) -> HttpResponse:
    """Under the same strict Content-Security-Policy as every page: Swagger UI's start-up
    code is a static file and its styles come from its own stylesheet."""
    return render(request, "api/docs.html")


@public_view
def schema_file_view(request: HttpRequest) -> FileResponse:
    """The committed contract itself (``make openapi`` writes it; a test checks it)."""
    response = FileResponse(SCHEMA_FILE.open("rb"), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bovenwater-openapi.yaml"'
    return response
