from __future__ import annotations

from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import include, path
from django.utils.http import url_has_allowed_host_and_scheme

LOGIN_PAGE = """<!doctype html><html lang="en"><head><title>Test identity provider</title></head>
<body><h1>Test identity provider</h1>{% if error %}<p role="alert">{{ error }}</p>{% endif %}
<form method="post">{% csrf_token %}
<label for="u">IdP user name</label><input id="u" name="username">
<label for="p">IdP password</label><input id="p" name="password" type="password">
<button type="submit">Sign in at the provider</button></form></body></html>"""


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username"), password=request.POST.get("password")
        )
        if user is not None:
            login(request, user)
            target = request.GET.get("next", "/")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = "/"
            return HttpResponseRedirect(target)
        error = "Wrong user name or password."
    template = engines["django"].from_string(LOGIN_PAGE)
    return HttpResponse(template.render({"error": error}, request))


urlpatterns = [
    path("login/", login_view),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
