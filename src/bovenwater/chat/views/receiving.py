"""The receiving organisation's side of a warm hand-off: list, into a case, join."""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.chat import selectors, services
from bovenwater.chat.views.common import (
    no_store,
)


@no_store
def handoffs(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request, "chat/handoffs.html", {"handoffs": selectors.handoffs_for_professional(actor)}
    )


@no_store
@require_POST
def handoff_case(request: HttpRequest, pk: int) -> HttpResponse:
    """A case worker of the receiving organisation adds an agreed hand-off to a case."""
    actor = request_actor(request)
    found = selectors.handoff_for_professional(actor=actor, handoff_id=pk)
    number = request.POST.get("case_number", "")
    try:
        added = services.handoff_add_to_case(actor=actor, handoff=found, case_number=number)
    except services.ChatError as error:
        messages.error(request, str(error))
        return render(
            request,
            "chat/handoffs.html",
            {
                "handoffs": selectors.handoffs_for_professional(actor),
                "form_handoff": pk,
                "form_case_number": number,
            },
            status=400,
        )
    messages.success(
        request, _("De overdracht staat nu bij casus %(number)s.") % {"number": added.case_number}
    )
    return redirect("chat:handoffs")


@require_POST
def handoff_join(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.handoff_for_professional(actor=actor, handoff_id=pk)
    try:
        services.professional_join(actor=actor, handoff=found)
    except services.ChatError as error:
        messages.error(request, str(error))
        return redirect("chat:handoffs")
    return redirect("chat:conversation", found.conversation_id)
