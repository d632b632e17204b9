"""The helpers' console, its live panel (SSE), presence, "pak volgende", the supervisor
board and the answers to pick-up messages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.chat import notify, selectors, services
from bovenwater.chat.models import Presence
from bovenwater.chat.views.common import (
    LIVE_SECONDS,
    no_store,
)


@no_store
def console(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    data = selectors.console(actor)
    return render(request, "chat/console.html", {**data, "presences": Presence.choices})


@no_store
def console_panel(request: HttpRequest) -> HttpResponse:
    """The console's live panel (queue, my conversations, transfers) as an HTML fragment."""
    data = selectors.console(request_actor(request))
    return render(request, "chat/_panel.html", data)


def _panel_html(request: HttpRequest) -> str:
    data = selectors.console(request_actor(request))
    return render_to_string("chat/_panel.html", data, request=request)


@no_store
async def live(request: HttpRequest) -> HttpResponseBase:
    """Server-sent events for the console (htmx's sse extension): the panel is sent
    again whenever the team's queue or the helper's conversations change. The stream
    ends after 55 seconds; the browser's EventSource reconnects on its own."""
    try:
        helper = await sync_to_async(_live_helper)(request)
    except PermissionDenied:
        return HttpResponse(status=403)
    layer = get_channel_layer()

    async def events() -> AsyncIterator[str]:
        channel = await layer.new_channel() if layer is not None else ""
        groups = [notify.team_group(helper[1]), notify.helper_group(helper[0])]
        if layer is not None:
            for group in groups:
                await layer.group_add(group, channel)
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + LIVE_SECONDS
            while True:
                html = await sync_to_async(_panel_html)(request)
                yield "event: panel\ndata: " + html.replace("\n", "\ndata: ") + "\n\n"
                remaining = deadline - loop.time()
                if remaining <= 0 or layer is None:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(layer.receive(channel), timeout=min(remaining, 15))
        finally:
            if layer is not None:
                for group in groups:
                    await layer.group_discard(group, channel)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["X-Accel-Buffering"] = "no"
    return response


def _live_helper(request: HttpRequest) -> tuple[int, int]:
    helper = selectors.helper_for_actor(request_actor(request))
    return helper.pk, helper.team_id


@require_POST
def presence(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    try:
        capacity = int(request.POST.get("capacity", "") or 0) or None
    except ValueError:
        capacity = None
    try:
        services.presence_set(
            actor=actor, presence=request.POST.get("presence", ""), capacity=capacity
        )
    except services.ChatError as error:
        messages.error(request, str(error))
    return redirect("chat:console")


@require_POST
def pull(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    try:
        conversation = services.conversation_pull(actor=actor)
    except services.ChatError as error:
        messages.error(request, str(error))
        return redirect("chat:console")
    if conversation is None:
        messages.info(request, _("Er wacht nu niemand."))
        return redirect("chat:console")
    return redirect("chat:conversation", conversation.pk)


@no_store
def board(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    data = selectors.board(actor)
    year = timezone.localdate().year
    return render(
        request,
        "chat/board.html",
        {**data, "counts": selectors.counts(actor, year), "counts_year": year},
    )


@no_store
def pickup_answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.pickup_for_helper(actor=actor, pickup_id=pk)
    if request.method == "POST":
        try:
            services.pickup_answer(actor=actor, pickup=found, answer=request.POST.get("answer", ""))
        except services.ChatError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Antwoord opgeslagen."))
            return redirect("chat:console")
    return render(request, "chat/pickup_answer.html", {"pickup": found})
