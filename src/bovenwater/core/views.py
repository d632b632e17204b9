from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from bovenwater.accounts.middleware import public_view


def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@public_view
def accessibility_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@public_view
def health_view(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Bad requests (a body over the limit, too many fields): a Dutch page or problem."""
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    if request.path.startswith("/api/"):
        body = {
            "type": "https://bovenwater.nl/problemen/"
            + ("request_too_large" if too_big else "bad_request"),
            "title": _("Verzoek te groot") if too_big else _("Ongeldige invoer"),
            "status": status,
            "detail": _("Het verzoek is te groot. Stuur minder of kortere gegevens.")
            if too_big
            else _("Het verzoek kon niet worden gelezen."),
            "instance": request.path,
        }
        return HttpResponse(
            json.dumps(body), status=status, content_type="application/problem+json"
        )
    limit_kb = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // 1024
    return render(request, "400.html", {"too_big": too_big, "limit_kb": limit_kb}, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the database may be the thing that failed.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
