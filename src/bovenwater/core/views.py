from __future__ import annotations

from django.contrib.staticfiles import finders
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from bovenwater.accounts.middleware import public_view


def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


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


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the database may be the thing that failed.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
