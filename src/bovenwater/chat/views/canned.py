"""The chat supervisors' page for their organisation's canned responses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.chat import selectors, services
from bovenwater.chat.views.common import no_store


def _typed(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in ("title", "body", "link")}


@no_store
def canned_list(request: HttpRequest) -> HttpResponse:
    """List the organisation's canned responses and add one (input kept when refused)."""
    actor = request_actor(request)
    context: dict[str, Any] = {"typed": {"title": "", "body": "", "link": ""}}
    status = 200
    if request.method == "POST":
        typed = _typed(request)
        try:
            services.canned_response_create(actor=actor, **typed)
        except services.ChatError as error:
            context.update(typed=typed, error=str(error))
            status = 400
        else:
            messages.success(request, _("Standaardantwoord toegevoegd."))
            return redirect("chat:canned")
    context["canned"] = selectors.canned_for_supervisor(actor)
    return render(request, "chat/canned.html", context, status=status)


@no_store
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.canned_response_for_supervisor(actor=actor, canned_id=pk)
    context: dict[str, Any] = {
        "canned": found,
        "typed": {"title": found.title, "body": found.body, "link": found.link},
    }
    status = 200
    if request.method == "POST":
        typed = _typed(request)
        try:
            services.canned_response_update(actor=actor, canned_id=found.pk, **typed)
        except services.ChatError as error:
            context.update(typed=typed, error=str(error))
            status = 400
        else:
            messages.success(request, _("Standaardantwoord opgeslagen."))
            return redirect("chat:canned")
    return render(request, "chat/canned_edit.html", context, status=status)


@require_POST
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.canned_response_for_supervisor(actor=actor, canned_id=pk)
    services.canned_response_delete(actor=actor, canned_id=found.pk)
    messages.success(request, _("Standaardantwoord verwijderd."))
    return redirect("chat:canned")
