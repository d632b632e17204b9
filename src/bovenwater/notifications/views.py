"""The notification centre (/meldingen/): the user's own notices, read marks, e-mail
preference, and in demo mode the mailbox of the e-mails written to files."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.notifications import selectors, services
from bovenwater.notifications.forms import PreferenceForm

PER_PAGE = 50
MAILBOX_SHOWN = 50


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    page = Paginator(selectors.notices_for_actor(actor=actor), PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    form = PreferenceForm(initial={"email": selectors.preference_of(actor.user)})
    return render(
        request,
        "notifications/list.html",
        {"page": page, "form": form, "demo_mode": settings.DEMO_MODE},
    )


@require_POST
def mark_read_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() else None
    services.mark_read(actor=actor, ids=ids)
    target = request.POST.get("naar", "")
    if ids is not None and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def preference_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        page = Paginator(selectors.notices_for_actor(actor=actor), PER_PAGE).get_page(1)
        return render(
            request,
            "notifications/list.html",
            {"page": page, "form": form, "demo_mode": settings.DEMO_MODE},
            status=400,
        )
    services.preference_set(actor=actor, email=form.cleaned_data["email"])
    messages.success(request, _("Uw voorkeur is opgeslagen."))
    return redirect("notifications:list")


def _mails_for(address: str) -> list[dict[str, Any]]:
    folder = Path(settings.EMAIL_FILE_PATH)
    found: list[dict[str, Any]] = []
    if not address or not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.log"), reverse=True):
        for raw in path.read_text(encoding="utf-8", errors="replace").split("-" * 79):
            raw = raw.strip()
            if not raw:
                continue
            message = email.message_from_string(raw, policy=policy.default)
            if address.lower() not in str(message.get("To", "")).lower():
                continue
            body = message.get_body(preferencelist=("plain",))
            found.append(
                {
                    "subject": str(message.get("Subject", "")),
                    "date": str(message.get("Date", "")),
                    "body": body.get_content() if body is not None else "",
                }
            )
            if len(found) >= MAILBOX_SHOWN:
                return found
    return found


@require_GET
def demo_mailbox_view(request: HttpRequest) -> HttpResponse:
    """Demo mode only: the e-mails sent to the acting user, as written to files."""
    if not settings.DEMO_MODE or settings.EMAIL_HOST:
        raise Http404
    actor = request_actor(request)
    return render(
        request,
        "notifications/demo_mailbox.html",
        {"mails": _mails_for(actor.user.email), "address": actor.user.email},
    )
