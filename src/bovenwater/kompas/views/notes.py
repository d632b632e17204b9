"""Personal notes (list, export, edit) and what colleagues shared."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.audit.models import Action
from bovenwater.audit.services import log_processing
from bovenwater.kompas import selectors, services
from bovenwater.kompas import targets as target_lookup
from bovenwater.kompas.forms import NoteEditForm
from bovenwater.kompas.views.common import PURPOSE, base
from bovenwater.lib import csvsafe
from bovenwater.lib.refusals import REFUSALS, put_on_form


def _labelled(items: list[Any]) -> list[tuple[Any, target_lookup.Target | None]]:
    return [(item, target_lookup.resolve(item.kind, item.target)) for item in items]


def notes_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    notes = selectors.notes_for_actor(actor=actor, purpose=PURPOSE)
    return render(request, "kompas/notes.html", {**base(actor), "notes": _labelled(notes)})


def notes_export_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    fmt = request.GET.get("formaat", "md")
    notes = _labelled(selectors.notes_for_actor(actor=actor, purpose=PURPOSE))
    log_processing(
        actor=actor,
        action=Action.EXPORT,
        object_type="kompas.note",
        object_id=f"owner:{actor.user.pk}",
        data_subject=f"user:{actor.user.pk}",
        purpose=PURPOSE,
        details={"format": fmt, "count": len(notes)},
    )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csvsafe.writer(buffer)
        writer.writerow([_("Onderdeel"), _("Soort"), _("Gewijzigd op"), _("Notitie")])
        for note, target in notes:
            writer.writerow(
                [
                    target.title if target else note.target,
                    note.get_kind_display(),
                    timezone.localtime(note.updated_at).strftime("%Y-%m-%d %H:%M"),
                    note.body,
                ]
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="mijn-notities.csv"'
        return response
    lines = [f"# {_('Mijn notities in Kompas')}", ""]
    for note, target in notes:
        lines += [
            f"## {target.title if target else note.target}",
            "",
            f"*{note.get_kind_display()} — {timezone.localtime(note.updated_at):%Y-%m-%d %H:%M}*",
            "",
            note.body,
            "",
        ]
    response = HttpResponse("\n".join(lines), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mijn-notities.md"'
    return response


@require_http_methods(["GET", "POST"])
def note_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    note = selectors.note_get_for_actor(actor=actor, note_id=pk, purpose=PURPOSE)
    target = target_lookup.resolve(note.kind, note.target)
    form = NoteEditForm(initial={"body": note.body})
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.note_delete(actor=actor, note=note)
            messages.success(request, _("Notitie verwijderd."))
            return redirect("kompas:notes")
        form = NoteEditForm(request.POST)
        if form.is_valid():
            try:
                services.note_update(actor=actor, note=note, body=form.cleaned_data["body"])
            except REFUSALS as error:
                put_on_form(form, error)
            else:
                messages.success(request, _("Uw notitie is opgeslagen."))
                return redirect("kompas:notes")
    return render(
        request,
        "kompas/note_edit.html",
        {**base(actor), "note": note, "target": target, "form": form},
    )


def shared_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    shares = selectors.shares_received_for_actor(actor=actor, purpose=PURPOSE)
    return render(request, "kompas/shared.html", {**base(actor), "shares": _labelled(shares)})


@require_POST
def share_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    share = selectors.share_get_for_actor(actor=actor, share_id=pk, purpose=PURPOSE)
    services.share_mark_read(actor=actor, share=share)
    target = target_lookup.resolve(share.kind, share.target)
    if target is None:
        raise Http404
    return HttpResponseRedirect(target.url)
