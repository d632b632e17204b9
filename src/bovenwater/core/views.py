from __future__ import annotations

import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from bovenwater.accounts.middleware import public_view, request_actor
from bovenwater.core.home import blocks_for


def home_view(request: HttpRequest) -> HttpResponse:
    """Where the day starts: the blocks of work for the acting role (``core.home``)."""
    actor = request_actor(request)
    return render(request, "core/home.html", {"blocks": blocks_for(actor)})


@public_view
def accessibility_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@public_view
def favicon_view(request: HttpRequest) -> FileResponse:
    """Browsers ask for /favicon.ico on their own; the icon lives with the static files."""
    path = finders.find("bovenwater/favicon.ico")
    if not isinstance(path, str):
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/vnd.microsoft.icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public_view
def health_view(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _api_problem(
    request: HttpRequest, status: int, code: str, title: str, detail: str
) -> HttpResponse:
    body = {
        "type": "https://bovenwater.nl/problemen/" + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Bad requests (a body over the limit, too many fields): a Dutch page or problem."""
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    if _is_api(request):
        if too_big:
            return _api_problem(
                request,
                413,
                "request_too_large",
                _("Verzoek te groot"),
                _("Het verzoek is te groot. Stuur minder of kortere gegevens."),
            )
        return _api_problem(
            request,
            400,
            "bad_request",
            _("Ongeldige invoer"),
            _("Het verzoek kon niet worden gelezen."),
        )
    limit_kb = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // 1024
    return render(request, "400.html", {"too_big": too_big, "limit_kb": limit_kb}, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_problem(request, 403, "permission_denied", _("Geen toegang"), "")
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_problem(request, 404, "not_found", _("Niet gevonden"), "")
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the database may be the thing that failed.
    if _is_api(request):
        return _api_problem(request, 500, "error", _("Fout"), "")
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
