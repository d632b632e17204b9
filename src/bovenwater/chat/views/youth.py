"""The young person's side (``/chat/``): page, quick exit, JSON endpoints with the
bearer token, the long-polling fallback and the closed-hours pick-up messages."""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import public_view
from bovenwater.chat import notify, pow, selectors, services
from bovenwater.chat.models import AgeBand, Sender
from bovenwater.chat.views.common import (
    POLL_SECONDS,
    address_of,
    json_body,
    json_error,
    no_store,
)
from bovenwater.lib.ratelimit import allow as rate_allow


@public_view
@no_store
def youth(request: HttpRequest) -> HttpResponse:
    team = services.public_team()
    status = selectors.team_status(team) if team is not None else None
    return render(
        request,
        "chat/youth.html",
        {
            "team": team,
            "status": status,
            "age_bands": AgeBand.choices,
            "exit_url": reverse("chat:neutral"),
            "pow_bits": settings.CHAT_POW_DIFFICULTY,
        },
    )


@public_view
@no_store
def neutral(request: HttpRequest) -> HttpResponse:
    return render(request, "chat/neutral.html")


@public_view
@no_store
def challenge(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"challenge": pow.new_challenge(), "bits": settings.CHAT_POW_DIFFICULTY})


@public_view
@csrf_exempt
@require_POST
@no_store
def start(request: HttpRequest) -> JsonResponse:
    data = json_body(request)
    team = services.public_team()
    if team is None or not selectors.team_status(team).is_open:
        return json_error(_("De chat is nu gesloten."), 409)
    if not pow.verify(str(data.get("challenge", "")), str(data.get("nonce", ""))):
        return json_error(_("De controle is verlopen. Probeer het opnieuw."), 400)
    if not rate_allow(request, "chat-start", settings.CHAT_START_RATE_LIMIT):
        return json_error(
            _("Je hebt net al een paar chats gestart. Probeer het later opnieuw."), 429
        )
    try:
        result = services.conversation_start(
            team=team,
            nickname=str(data.get("nickname", "")),
            age_band=str(data.get("age_band", "")),
            address=address_of(request),
        )
    except services.ChatError as error:
        return json_error(str(error), 409)
    return JsonResponse({"token": result.token})


def _youth_conversation(data: dict[str, Any]) -> Any:
    return services.conversation_by_token(str(data.get("token", "")))


@public_view
@csrf_exempt
@require_POST
@no_store
def send(request: HttpRequest) -> JsonResponse:
    data = json_body(request)
    conversation = _youth_conversation(data)
    if conversation is None:
        return json_error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
    try:
        message = services.message_post(
            conversation=conversation,
            body=str(data.get("body", "")),
            sender=Sender.YOUTH,
            author_name=conversation.nickname,
            client_id=str(data.get("id", "")),
        )
    except services.ChatError as error:
        return json_error(str(error))
    return JsonResponse({"type": "ack", "id": message.client_id, "seq": message.seq})


@public_view
@csrf_exempt
@require_POST
@no_store
def end(request: HttpRequest) -> JsonResponse:
    """End the chat (also the quick exit's beacon, sent as text/plain)."""
    data = json_body(request)
    conversation = _youth_conversation(data)
    if conversation is not None:
        services.conversation_end(
            conversation=conversation, by="exit" if data.get("exit") else "youth"
        )
    return JsonResponse({"type": "ended"})


@public_view
@csrf_exempt
@require_POST
@no_store
def consent(request: HttpRequest) -> JsonResponse:
    data = json_body(request)
    conversation = _youth_conversation(data)
    if conversation is None:
        return json_error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
    try:
        services.handoff_decide(
            conversation=conversation,
            handoff_id=int(data.get("handoff") or 0),
            agree=data.get("agree") is True,
        )
    except (services.ChatError, ValueError, TypeError) as error:
        return json_error(str(error))
    return JsonResponse({"type": "ok"})


@public_view
@csrf_exempt
@require_POST
@no_store
def survey(request: HttpRequest) -> JsonResponse:
    data = json_body(request)
    conversation = _youth_conversation(data)
    if conversation is None:
        return json_error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
    helped = data.get("helped")
    would_return = data.get("would_return")
    try:
        services.survey_submit(
            conversation=conversation,
            helped=int(helped) if isinstance(helped, int | str) and str(helped).isdigit() else None,
            would_return=would_return if isinstance(would_return, bool) else None,
            comment=str(data.get("comment", ""))[:500],
        )
    except services.ChatError as error:
        return json_error(str(error))
    return JsonResponse({"type": "ok"})


def _poll_read(
    token: str, after: int
) -> tuple[int, int, list[dict[str, Any]], dict[str, Any]] | None:
    conversation = services.conversation_by_token(token)
    if conversation is None:
        return None
    return (
        conversation.pk,
        conversation.team_id,
        selectors.messages_after(conversation.pk, after),
        selectors.state_for(conversation, for_youth=True),
    )


@public_view
@csrf_exempt
@require_POST
@no_store
async def poll(request: HttpRequest) -> JsonResponse:
    """Long-polling fallback for networks that block WebSockets, with the same resume
    protocol: send ``after`` (the last sequence number shown), get the messages after
    it and the state; when there is nothing new, the answer waits up to 20 seconds for
    a notice of the conversation (or its queue)."""
    data = json_body(request)
    token = str(data.get("token", ""))
    try:
        after = max(0, int(data.get("after") or 0))
        known_state = str(data.get("state_key", ""))
    except (TypeError, ValueError):
        return json_error(_("Ongeldig verzoek."))
    read = await sync_to_async(_poll_read)(token, after)
    if read is None:
        return json_error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
    conversation_id, team_id, batch, state = read
    if not batch and _state_key(state) == known_state:
        layer = get_channel_layer()
        if layer is not None:
            channel = await layer.new_channel()
            groups = [notify.conversation_group(conversation_id), notify.team_group(team_id)]
            for group in groups:
                await layer.group_add(group, channel)
            try:
                await asyncio.wait_for(layer.receive(channel), timeout=POLL_SECONDS)
            except TimeoutError:
                pass
            finally:
                for group in groups:
                    await layer.group_discard(group, channel)
        read = await sync_to_async(_poll_read)(token, after)
        if read is None:
            return json_error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
        conversation_id, team_id, batch, state = read
    state["state_key"] = _state_key(state)
    return JsonResponse({"messages": batch, "state": state})


def _state_key(state: dict[str, Any]) -> str:
    handoff = state.get("handoff") or {}
    return (
        f"{state['state']}|{state['position']}|{state['wait_minutes']}|{state['helper']}"
        f"|{state['read_seq']}|{handoff.get('id', '')}"
    )


@public_view
@csrf_exempt
@no_store
def leave_message(request: HttpRequest) -> HttpResponse:
    """Closed hours: leave a message and get a pick-up code."""
    team = services.public_team()
    if team is None:
        return redirect("chat:youth")
    context: dict[str, Any] = {"team": team, "text": ""}
    if request.method == "POST":
        text = request.POST.get("text", "")
        context["text"] = text
        if not rate_allow(request, "chat-pickup", settings.CHAT_START_RATE_LIMIT):
            context["error"] = _(
                "Je hebt net al een paar berichten achtergelaten. Probeer het later opnieuw."
            )
        else:
            try:
                context["code"] = services.pickup_leave(team=team, text=text)
            except services.ChatError as error:
                context["error"] = str(error)
    return render(request, "chat/leave_message.html", context)


@public_view
@csrf_exempt
@no_store
def pickup(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"code": ""}
    if request.method == "POST":
        code = request.POST.get("code", "")
        context["code"] = code
        if not rate_allow(request, "chat-pickup-read", 30):
            context["error"] = _("Te veel pogingen. Probeer het later opnieuw.")
        else:
            found = selectors.pickup_read(code=code)
            if found is None:
                context["error"] = _("Deze code kennen we niet (of het bericht is al verwijderd).")
            else:
                context["found"] = found
    return render(request, "chat/pickup.html", context)
