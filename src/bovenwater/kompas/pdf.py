"""Print-ready A4 PDFs with WeasyPrint: tagged (PDF/UA) with language and title."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

# WeasyPrint reports every layout step at INFO; keep the application log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: PLC0415 - weasyprint costs ~1 s to import; only PDF requests need it

    html = render_to_string(template, context, request=request)
    document = HTML(string=html, base_url=None)
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return pdf


def pdf_response(
    template: str, context: dict[str, Any], filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename) or "kompas"}.pdf"'
    return response
