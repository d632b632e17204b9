"""A conversation seen by a helper: the page and the helper's actions in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.models import Organisation
from bovenwater.chat import selectors, services
from bovenwater.chat.models import Topic, Transfer
from bovenwater.chat.views.common import (
    no_store,
)
from bovenwater.reference.models import ExploitationForm, Municipality, PoliceUnit


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
