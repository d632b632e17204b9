"""What every Kompas page shares: the navigation context and the note and share forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.purposes import Purpose
from bovenwater.kompas import selectors, services
from bovenwater.kompas.forms import NoteForm, ShareForm
from bovenwater.lib.refusals import REFUSALS, put_on_form

PURPOSE = Purpose.KOMPAS


def base(actor: Actor) -> dict[str, Any]:
    return {
        "unread_shares": selectors.unread_share_count(actor=actor),
        "can_assess": actor.has(Permission.MANAGE_SELF_ASSESSMENT)
        and actor.organisation.kind == OrganisationKind.MUNICIPALITY,
        "can_follow_team": actor.has(Permission.VIEW_TRAINING_PROGRESS),
        "can_manage_map": actor.has(Permission.MANAGE_SOCIAL_MAP),
    }


def note_and_share(
    request: HttpRequest, actor: Actor, kind: str, choices: list[tuple[str, str]]
) -> tuple[NoteForm, ShareForm, HttpResponse | None]:
    """Handle a posted note or share on a page; a redirect when it worked."""
    recipients = selectors.share_recipients_for_actor(actor=actor, purpose=PURPOSE)
    note_form = NoteForm(targets=choices, initial={"paragraph": request.GET.get("alinea", "")})
    share_form = ShareForm(targets=choices, recipients=recipients)
    if request.method == "POST" and request.POST.get("action") == "note":
        note_form = NoteForm(request.POST, targets=choices)
        if note_form.is_valid():
            try:
                services.note_create(
                    actor=actor,
                    kind=kind,
                    target=note_form.cleaned_data["target"],
                    body=note_form.cleaned_data["body"],
                    paragraph=note_form.cleaned_data["paragraph"],
                )
            except REFUSALS as error:
                put_on_form(note_form, error)
            else:
                messages.success(request, _("Uw notitie is opgeslagen."))
                return note_form, share_form, redirect(request.path)
    if request.method == "POST" and request.POST.get("action") == "share":
        share_form = ShareForm(request.POST, targets=choices, recipients=recipients)
        if share_form.is_valid():
            try:
                services.share_create(
                    actor=actor,
                    kind=kind,
                    target=share_form.cleaned_data["target"],
                    recipient=share_form.cleaned_data["recipient"].user,
                    message=share_form.cleaned_data["message"],
                )
            except REFUSALS as error:
                put_on_form(share_form, error)
            else:
                messages.success(
                    request,
                    _("Gedeeld met %(name)s.")
                    % {"name": share_form.cleaned_data["recipient"].user.display_name},
                )
                return note_form, share_form, redirect(request.get_full_path())
    return note_form, share_form, None
