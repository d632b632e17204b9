"""Pages and JSON endpoints of the chat.

The young person's side (``/chat/``) sets no cookie: the page has no form with a CSRF
token and no session; the conversation is carried by a bearer token the browser keeps
in ``sessionStorage`` and sends in the request body (so CSRF, which guards cookie
credentials, does not apply: these endpoints are exempt). Every response of the chat
carries ``Cache-Control: no-store``. The helpers' side (``/chat/hulp/``) is behind the
normal login and goes through the services and selectors.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import public_view, request_actor
from bovenwater.accounts.models import Organisation
from bovenwater.chat import notify, pow, selectors, services
from bovenwater.chat.models import AgeBand, Presence, Sender, Topic, Transfer
from bovenwater.lib.clientaddress import client_address
from bovenwater.lib.ratelimit import allow as rate_allow
from bovenwater.reference.models import ExploitationForm, Municipality, PoliceUnit

POLL_SECONDS = 20
LIVE_SECONDS = 55


def no_store(view: Callable[..., Any]) -> Callable[..., Any]:
    """Responses of the chat are never stored by the browser or a proxy."""
    if asyncio.iscoroutinefunction(view):

        async def async_wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = await view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        async_wrapped.__name__ = view.__name__
        return async_wrapped

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    wrapped.__name__ = view.__name__
    return wrapped


def _address(request: HttpRequest) -> str:
    """The client address (behind TRUSTED_PROXIES), used in memory only: for the keyed,
    daily-rotated hash of a block; never stored or logged."""
    return client_address(request)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"type": "error", "message": message}, status=status)


# --- the young person ---------------------------------------------------------------------


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
    data = _json_body(request)
    team = services.public_team()
    if team is None or not selectors.team_status(team).is_open:
        return _error(_("De chat is nu gesloten."), 409)
    if not pow.verify(str(data.get("challenge", "")), str(data.get("nonce", ""))):
        return _error(_("De controle is verlopen. Probeer het opnieuw."), 400)
    if not rate_allow(request, "chat-start", settings.CHAT_START_RATE_LIMIT):
        return _error(_("Je hebt net al een paar chats gestart. Probeer het later opnieuw."), 429)
    try:
        result = services.conversation_start(
            team=team,
            nickname=str(data.get("nickname", "")),
            age_band=str(data.get("age_band", "")),
            address=_address(request),
        )
    except services.ChatError as error:
        return _error(str(error), 409)
    return JsonResponse({"token": result.token})


def _youth_conversation(data: dict[str, Any]) -> Any:
    return services.conversation_by_token(str(data.get("token", "")))


@public_view
@csrf_exempt
@require_POST
@no_store
def send(request: HttpRequest) -> JsonResponse:
    data = _json_body(request)
    conversation = _youth_conversation(data)
    if conversation is None:
        return _error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
    try:
        message = services.message_post(
            conversation=conversation,
            body=str(data.get("body", "")),
            sender=Sender.YOUTH,
            author_name=conversation.nickname,
            client_id=str(data.get("id", "")),
        )
    except services.ChatError as error:
        return _error(str(error))
    return JsonResponse({"type": "ack", "id": message.client_id, "seq": message.seq})


@public_view
@csrf_exempt
@require_POST
@no_store
def end(request: HttpRequest) -> JsonResponse:
    """End the chat (also the quick exit's beacon, sent as text/plain)."""
    data = _json_body(request)
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
    data = _json_body(request)
    conversation = _youth_conversation(data)
    if conversation is None:
        return _error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
    try:
        services.handoff_decide(
            conversation=conversation,
            handoff_id=int(data.get("handoff") or 0),
            agree=data.get("agree") is True,
        )
    except (services.ChatError, ValueError, TypeError) as error:
        return _error(str(error))
    return JsonResponse({"type": "ok"})


@public_view
@csrf_exempt
@require_POST
@no_store
def survey(request: HttpRequest) -> JsonResponse:
    data = _json_body(request)
    conversation = _youth_conversation(data)
    if conversation is None:
        return _error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
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
        return _error(str(error))
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
    data = _json_body(request)
    token = str(data.get("token", ""))
    try:
        after = max(0, int(data.get("after") or 0))
        known_state = str(data.get("state_key", ""))
    except (TypeError, ValueError):
        return _error(_("Ongeldig verzoek."))
    read = await sync_to_async(_poll_read)(token, after)
    if read is None:
        return _error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
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
            return _error(_("Dit gesprek is niet (meer) beschikbaar."), 404)
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


# --- helpers ------------------------------------------------------------------------------


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
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    return _conversation_page(request, pk)


def _conversation_page(
    request: HttpRequest, pk: int, typed: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The conversation page; ``typed`` re-fills a form that was refused (input kept)."""
    actor = request_actor(request)
    found, role = selectors.conversation_for_actor(actor=actor, conversation_id=pk)
    context: dict[str, Any] = {"conversation": found, "role": role, "typed": typed or {}}
    if role == "helper":
        data = selectors.console(actor)
        context.update(
            colleagues=data["colleagues"],
            canned=data["canned"],
            notes=selectors.notes_for(found),
            topics=Topic.choices,
            forms=ExploitationForm.objects.order_by("code"),
            police_units=PoliceUnit.objects.order_by("name"),
            organisations=Organisation.objects.filter(is_active=True).order_by("name"),
            municipalities=Municipality.objects.order_by("name"),
            transfer_kinds=Transfer.Kind.choices,
        )
    elif role in ("transfer", "observer"):
        context["notes"] = selectors.notes_for(found)
        context["transfer"] = next(
            (t for t in selectors.console(actor)["transfers"] if t.conversation_id == found.pk),
            None,
        )
    return render(request, "chat/conversation.html", context, status=status)


def _helper_conversation(request: HttpRequest, pk: int) -> Any:
    found, role = selectors.conversation_for_actor(
        actor=request_actor(request), conversation_id=pk, log=False
    )
    if role != "helper":
        raise PermissionDenied
    return found


def _action(
    request: HttpRequest, pk: int, run: Callable[[Any], Any], done: str = ""
) -> HttpResponse:
    found = _helper_conversation(request, pk)
    try:
        run(found)
    except services.ChatError as error:
        messages.error(request, str(error))
    else:
        if done:
            messages.success(request, done)
    return redirect("chat:conversation", pk)


@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    return _action(
        request,
        pk,
        lambda c: services.note_add(actor=actor, conversation=c, text=request.POST.get("text", "")),
        _("Notitie opgeslagen."),
    )


@require_POST
def classify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    return _action(
        request,
        pk,
        lambda c: services.classify(
            actor=actor,
            conversation=c,
            topic=request.POST.get("topic", ""),
            form_code=request.POST.get("form", ""),
            police_unit_code=request.POST.get("police_unit", ""),
        ),
        _("Indeling opgeslagen."),
    )


@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = _helper_conversation(request, pk)
    try:
        colleague = selectors.colleague_for_helper(
            actor=actor, helper_id=int(request.POST.get("to", "0") or 0)
        )
        services.transfer_start(
            actor=actor,
            conversation=found,
            to_helper=colleague,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        )
    except (services.ChatError, ValueError) as error:
        messages.error(request, str(error))
        return redirect("chat:conversation", pk)
    except PermissionDenied:
        messages.error(request, _("Kies een collega uit je team."))
        return redirect("chat:conversation", pk)
    messages.success(request, _("Overdracht gestart."))
    return redirect("chat:console")


@require_POST
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.transfer_for_helper(actor=actor, transfer_id=pk)
    try:
        conversation = services.transfer_accept(actor=actor, transfer=found)
    except services.ChatError as error:
        messages.error(request, str(error))
        return redirect("chat:console")
    return redirect("chat:conversation", conversation.pk)


@require_POST
def observe(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    helper = selectors.helper_for_actor(actor)
    if not helper.is_supervisor:
        raise PermissionDenied
    found = selectors.supervised_conversation(actor=actor, conversation_id=pk)
    try:
        services.observer_join(
            actor=actor, conversation=found, reason=request.POST.get("reason", "")
        )
    except services.ChatError as error:
        messages.error(request, str(error))
        return redirect("chat:board")
    return redirect("chat:conversation", pk)


@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    return _action(
        request,
        pk,
        lambda c: services.flag(actor=actor, conversation=c, reason=request.POST.get("reason", "")),
        _("Gesprek gemarkeerd."),
    )


@require_POST
def end_by_helper(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = _helper_conversation(request, pk)
    services.conversation_end(conversation=found, by="helper", actor=actor)
    messages.success(request, _("Gesprek beëindigd."))
    return redirect("chat:console")


@require_POST
def block(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = _helper_conversation(request, pk)
    try:
        hours = int(request.POST.get("hours", "4") or 4)
    except ValueError:
        hours = 4
    try:
        services.block(
            actor=actor, conversation=found, hours=hours, reason=request.POST.get("reason", "")
        )
    except services.ChatError as error:
        messages.error(request, str(error))
        return redirect("chat:conversation", pk)
    messages.success(request, _("Gesprek beëindigd en tijdelijk geblokkeerd."))
    return redirect("chat:console")


def _handoff_args(request: HttpRequest) -> tuple[Organisation, Municipality] | None:
    organisation = Organisation.objects.filter(
        pk=request.POST.get("organisation") or 0, is_active=True
    ).first()
    municipality = Municipality.objects.filter(code=request.POST.get("municipality", "")).first()
    if organisation is None or municipality is None:
        return None
    return organisation, municipality


@require_POST
def handoff(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    found = _helper_conversation(request, pk)
    typed = {
        "organisation": request.POST.get("organisation", ""),
        "municipality": request.POST.get("municipality", ""),
        "target": request.POST.get("target", "signal"),
        "summary": request.POST.get("summary", ""),
        "legal_ground": request.POST.get("legal_ground", ""),
        "acute": request.POST.get("acute") == "1",
    }
    args = _handoff_args(request)
    if args is None:
        messages.error(request, _("Kies de organisatie en de gemeente."))
        return _conversation_page(request, pk, typed, status=400)
    seqs = [int(s) for s in request.POST.getlist("share") if s.isdigit()]
    try:
        if request.POST.get("acute") == "1":
            services.handoff_acute(
                actor=actor,
                conversation=found,
                receiving_organisation=args[0],
                municipality=args[1],
                summary=request.POST.get("summary", ""),
                legal_ground=request.POST.get("legal_ground", ""),
            )
            messages.success(request, _("Acute melding gedaan en vastgelegd."))
        else:
            services.handoff_propose(
                actor=actor,
                conversation=found,
                receiving_organisation=args[0],
                municipality=args[1],
                summary=request.POST.get("summary", ""),
                shared_seqs=seqs,
                target=request.POST.get("target", "signal"),
            )
            messages.success(request, _("Voorstel staat nu bij de jongere in de chat."))
    except services.ChatError as error:
        messages.error(request, str(error))
        return _conversation_page(request, pk, typed, status=400)
    return redirect("chat:conversation", pk)


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
