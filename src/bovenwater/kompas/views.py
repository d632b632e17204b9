"""Kompas pages: handbook, search, cards, sociale kaart, training, notes, sharing and the
municipal self-assessment. Validation and rendering only; writes go through services."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.core import csvsafe
from bovenwater.kompas import assessment, cards, content, geo, search, selectors, services, training
from bovenwater.kompas import targets as target_lookup
from bovenwater.kompas.forms import (
    ActionForm,
    ActionStatusForm,
    AssessmentForm,
    NoteEditForm,
    NoteForm,
    ShareForm,
)
from bovenwater.kompas.models import TargetKind
from bovenwater.kompas.pdf import pdf_response
from bovenwater.reference.models import Municipality

PURPOSE = Purpose.KOMPAS
# The chapter on numbers shows the monitor's live counts to those who may see the monitor.
LIVE_FIGURES_CHAPTER = "aard-en-omvang"


def _base(actor: Actor) -> dict[str, Any]:
    return {
        "unread_shares": selectors.unread_share_count(actor=actor),
        "can_assess": actor.has(Permission.MANAGE_SELF_ASSESSMENT)
        and actor.organisation.kind == OrganisationKind.MUNICIPALITY,
    }


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _note_and_share(
    request: HttpRequest, actor: Actor, kind: str, choices: list[tuple[str, str]]
) -> tuple[NoteForm, ShareForm, HttpResponse | None]:
    """Handle a posted note or share on a page; a redirect when it worked."""
    recipients = selectors.share_recipients_for_actor(actor=actor, purpose=PURPOSE)
    note_form = NoteForm(targets=choices)
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
                )
            except ValidationError as error:
                _apply_errors(note_form, error)
            else:
                messages.success(request, _("Uw notitie is opgeslagen."))
                return note_form, share_form, redirect(request.get_full_path())
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
            except ValidationError as error:
                _apply_errors(share_form, error)
            else:
                messages.success(
                    request,
                    _("Gedeeld met %(name)s.")
                    % {"name": share_form.cleaned_data["recipient"].user.display_name},
                )
                return note_form, share_form, redirect(request.get_full_path())
    return note_form, share_form, None


# -- handbook --------------------------------------------------------------------------


def home_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    done = selectors.completed_modules_of_actor(actor=actor)
    parts = [
        (
            code,
            label,
            content.PART_DESCRIPTIONS[code],
            [c for c in content.chapters() if c.part == code],
        )
        for code, label in content.PARTS.items()
    ]
    return render(
        request,
        "kompas/home.html",
        {**_base(actor), "parts": parts, "done": done, "total": len(content.chapters())},
    )


@require_http_methods(["GET", "POST"])
def chapter_view(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request_actor(request)
    chapter = content.chapter(slug)
    if chapter is None:
        raise Http404
    choices = [(f"{slug}#{s.anchor}", s.title) for s in chapter.sections]
    if request.method == "POST" and request.POST.get("action") == "complete":
        services.module_complete(actor=actor, chapter_slug=slug)
        messages.success(request, _("Module afgerond."))
        following = _next_module(actor)
        if following is None:
            return redirect("kompas:training")
        return redirect("kompas:chapter", slug=following.slug)
    note_form, share_form, done = _note_and_share(request, actor, TargetKind.SECTION, choices)
    if done is not None:
        return done
    notes = [
        n
        for n in selectors.notes_for_actor(actor=actor, purpose=PURPOSE, kind=TargetKind.SECTION)
        if n.target.startswith(f"{slug}#")
    ]
    notes_by_anchor: dict[str, list[Any]] = {}
    for note in notes:
        notes_by_anchor.setdefault(note.target.partition("#")[2], []).append(note)
    sections = [(s, notes_by_anchor.get(s.anchor, [])) for s in chapter.sections]
    ordered = content.chapters()
    index = ordered.index(chapter)
    live = None
    if slug == LIVE_FIGURES_CHAPTER and actor.has(Permission.VIEW_MONITOR):
        from bovenwater.monitor.selectors import monitor_trend

        live = monitor_trend(actor=actor) or None
    return render(
        request,
        "kompas/chapter.html",
        {
            **_base(actor),
            "chapter": chapter,
            "sections": sections,
            "note_form": note_form,
            "share_form": share_form,
            "completed": slug in selectors.completed_modules_of_actor(actor=actor),
            "previous": ordered[index - 1] if index > 0 else None,
            "next": ordered[index + 1] if index + 1 < len(ordered) else None,
            "live": live,
        },
    )


def _next_module(actor: Actor) -> content.Chapter | None:
    """The first chapter, in handbook order, that the actor has not completed."""
    done = selectors.completed_modules_of_actor(actor=actor)
    return next((c for c in content.chapters() if c.slug not in done), None)


def chapter_pdf_view(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = content.chapter(slug)
    if chapter is None:
        raise Http404
    return pdf_response("kompas/pdf/chapter.html", {"chapter": chapter}, chapter.title, request)


def search_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    query = request.GET.get("q", "").strip()[: search.MAX_QUERY]
    hits = search.search(query) if query else []
    return render(request, "kompas/search.html", {**_base(actor), "query": query, "hits": hits})


# -- cards and sociale kaart -----------------------------------------------------------


def cards_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    all_cards = cards.signal_cards()
    return render(
        request,
        "kompas/cards.html",
        {
            **_base(actor),
            "form_cards": [c for c in all_cards if c.kind == "form"],
            "domain_cards": [c for c in all_cards if c.kind == "domain"],
            "chain_key": f"{cards.CHAIN_PREFIX}{actor.organisation.municipality.police_unit.code}",
        },
    )


@require_http_methods(["GET", "POST"])
def card_view(request: HttpRequest, key: str) -> HttpResponse:
    actor = request_actor(request)
    card = cards.signal_card(key)
    if card is None:
        raise Http404
    note_form, share_form, done = _note_and_share(
        request, actor, TargetKind.CARD, [(card.key, card.title)]
    )
    if done is not None:
        return done
    notes = selectors.notes_for_actor(
        actor=actor, purpose=PURPOSE, kind=TargetKind.CARD, target=card.key
    )
    return render(
        request,
        "kompas/card.html",
        {
            **_base(actor),
            "card": card,
            "notes": notes,
            "note_form": note_form,
            "share_form": share_form,
        },
    )


def card_pdf_view(request: HttpRequest, key: str) -> HttpResponse:
    card = cards.signal_card(key)
    if card is None:
        raise Http404
    return pdf_response("kompas/pdf/card.html", {"card": card}, card.title, request)


def _social_map(actor: Actor) -> dict[str, Any]:
    organisations = selectors.region_organisations(actor=actor)
    unit = actor.organisation.municipality.police_unit
    codes = list(
        Municipality.objects.current().filter(police_unit=unit).values_list("code", flat=True)
    )
    with_orgs = {o.municipality.code for o in organisations}
    areas, width, height = geo.region_map(codes, with_orgs)
    return {
        "organisations": organisations,
        "unit": unit,
        "areas": areas,
        "map_width": width,
        "map_height": height,
        "chain_key": f"{cards.CHAIN_PREFIX}{unit.code}",
    }


@require_http_methods(["GET", "POST"])
def social_map_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = _social_map(actor)
    note_form, share_form, done = _note_and_share(
        request, actor, TargetKind.CARD, [(context["chain_key"], _("Ketenpartners in de regio"))]
    )
    if done is not None:
        return done
    notes = selectors.notes_for_actor(
        actor=actor, purpose=PURPOSE, kind=TargetKind.CARD, target=context["chain_key"]
    )
    return render(
        request,
        "kompas/social_map.html",
        {
            **_base(actor),
            **context,
            "notes": notes,
            "note_form": note_form,
            "share_form": share_form,
        },
    )


def social_map_pdf_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = _social_map(actor)
    return pdf_response(
        "kompas/pdf/chain_card.html", context, f"ketenpartners {context['unit'].name}", request
    )


# -- training --------------------------------------------------------------------------


def _progress(actor: Actor) -> dict[str, Any]:
    done = selectors.completed_modules_of_actor(actor=actor)
    attempts = selectors.best_attempts_of_actor(actor=actor)
    chapters = content.chapters()
    scenarios = training.scenarios()
    complete = all(c.slug in done for c in chapters) and all(s.slug in attempts for s in scenarios)
    points = sum(a.points for a in attempts.values())
    maximum = sum(s.max_points for s in scenarios)
    return {
        "modules": [(c, done.get(c.slug)) for c in chapters],
        "scenario_rows": [(s, attempts.get(s.slug)) for s in scenarios],
        "modules_done": sum(1 for c in chapters if c.slug in done),
        "scenarios_done": sum(1 for s in scenarios if s.slug in attempts),
        "complete": complete,
        "next_module": _next_module(actor),
        "points": points,
        "max_points": maximum,
    }


def training_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(request, "kompas/training.html", {**_base(actor), **_progress(actor)})


@require_http_methods(["GET", "POST"])
def scenario_view(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request_actor(request)
    scenario = training.scenario(slug)
    if scenario is None:
        raise Http404
    result = None
    errors: dict[str, str] = {}
    chosen: dict[str, list[str]] = {}
    if request.method == "POST" and request.POST.get("action") == "answer":
        chosen = {q.key: request.POST.getlist(q.key) for q in scenario.questions}
        try:
            _attempt, result = services.scenario_submit(
                actor=actor, scenario=scenario, answers=chosen
            )
        except ValidationError as error:
            errors = {
                key: " ".join(str(m) for e in errs for m in e.messages)
                for key, errs in error.error_dict.items()
            }
    note_form, share_form, done = _note_and_share(
        request, actor, TargetKind.SCENARIO, [(scenario.slug, scenario.title)]
    )
    if done is not None:
        return done
    notes = selectors.notes_for_actor(
        actor=actor, purpose=PURPOSE, kind=TargetKind.SCENARIO, target=scenario.slug
    )
    return render(
        request,
        "kompas/scenario.html",
        {
            **_base(actor),
            "scenario": scenario,
            "chapter": content.chapter(scenario.chapter),
            "result": result,
            "errors": errors,
            "chosen": chosen,
            "notes": notes,
            "note_form": note_form,
            "share_form": share_form,
        },
    )


def certificate_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    progress = _progress(actor)
    if not progress["complete"]:
        messages.error(request, _("Rond eerst alle modules en casussen af."))
        return redirect("kompas:training")
    log_processing(
        actor=actor,
        action=Action.EXPORT,
        object_type="kompas.certificate",
        object_id=actor.user.pk,
        data_subject=f"user:{actor.user.pk}",
        purpose=PURPOSE,
    )
    return pdf_response(
        "kompas/pdf/certificate.html",
        {**progress, "name": actor.user.display_name, "date": timezone.localdate()},
        "certificaat kompas",
        request,
    )


# -- notes and sharing -----------------------------------------------------------------


def _labelled(items: list[Any]) -> list[tuple[Any, target_lookup.Target | None]]:
    return [(item, target_lookup.resolve(item.kind, item.target)) for item in items]


def notes_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    notes = selectors.notes_for_actor(actor=actor, purpose=PURPOSE)
    return render(request, "kompas/notes.html", {**_base(actor), "notes": _labelled(notes)})


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
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Uw notitie is opgeslagen."))
                return redirect("kompas:notes")
    return render(
        request,
        "kompas/note_edit.html",
        {**_base(actor), "note": note, "target": target, "form": form},
    )


def shared_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    shares = selectors.shares_received_for_actor(actor=actor, purpose=PURPOSE)
    return render(request, "kompas/shared.html", {**_base(actor), "shares": _labelled(shares)})


@require_POST
def share_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    share = selectors.share_get_for_actor(actor=actor, share_id=pk, purpose=PURPOSE)
    services.share_mark_read(actor=actor, share=share)
    target = target_lookup.resolve(share.kind, share.target)
    if target is None:
        raise Http404
    return HttpResponseRedirect(target.url)


# -- self-assessment -------------------------------------------------------------------


def _gap_choices(answers: dict[str, int] | None) -> list[tuple[str, str]]:
    if not answers:
        return []
    return [(s.code, s.text) for s in assessment.scores(answers).gaps]


def _radar(scores: assessment.Scores, size: int = 320) -> dict[str, Any]:
    """Points of a radar chart (basis and verdieping) as SVG coordinates."""
    import math

    centre = size / 2
    radius = size / 2 - 60
    count = len(scores.themes)
    axes = []
    basis = []
    deep = []
    for index, row in enumerate(scores.themes):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        cos, sin = math.cos(angle), math.sin(angle)
        axes.append(
            {
                "x": f"{centre + radius * cos:.1f}",
                "y": f"{centre + radius * sin:.1f}",
                "lx": f"{centre + (radius + 14) * cos:.1f}",
                "ly": f"{centre + (radius + 14) * sin:.1f}",
                "anchor": "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end"),
                "label": row.theme.title,
            }
        )
        basis.append(
            f"{centre + radius * row.basis / 100 * cos:.1f},{centre + radius * row.basis / 100 * sin:.1f}"
        )
        deep.append(
            f"{centre + radius * row.verdieping / 100 * cos:.1f},{centre + radius * row.verdieping / 100 * sin:.1f}"
        )
    rings = [
        " ".join(
            f"{centre + radius * f * math.cos(-math.pi / 2 + 2 * math.pi * i / count):.1f},"
            f"{centre + radius * f * math.sin(-math.pi / 2 + 2 * math.pi * i / count):.1f}"
            for i in range(count)
        )
        for f in (0.25, 0.5, 0.75, 1.0)
    ]
    return {
        "size": size,
        "centre": centre,
        "axes": axes,
        "basis": " ".join(basis),
        "deep": " ".join(deep),
        "rings": rings,
    }


@require_http_methods(["GET", "POST"])
def assessment_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    organisation = selectors.assessment_scope(actor)
    history = selectors.assessments_for_actor(actor=actor, purpose=PURPOSE)
    latest = history[0] if history else None
    form = AssessmentForm(
        initial={k: str(v) for k, v in (latest.answers if latest else {}).items()}
    )
    action_form = ActionForm(gaps=_gap_choices(latest.answers if latest else None))
    if request.method == "POST" and request.POST.get("action") == "assess":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            services.assessment_submit(actor=actor, answers=form.cleaned_data)
            messages.success(request, _("Zelfevaluatie opgeslagen."))
            return redirect("kompas:assessment")
    if request.method == "POST" and request.POST.get("action") == "add_action":
        action_form = ActionForm(
            request.POST, gaps=_gap_choices(latest.answers if latest else None)
        )
        if action_form.is_valid():
            try:
                services.action_create(actor=actor, **action_form.cleaned_data)
            except ValidationError as error:
                _apply_errors(action_form, error)
            else:
                messages.success(request, _("Actiepunt toegevoegd."))
                return redirect(reverse("kompas:assessment") + "#actieplan")
    if request.method == "POST" and request.POST.get("action") == "consent":
        services.consent_set(actor=actor, share_with_region=request.POST.get("share") == "1")
        messages.success(request, _("Instelling voor delen met de ketenregisseur opgeslagen."))
        return redirect("kompas:assessment")
    scores = assessment.scores(latest.answers) if latest else None
    stick = assessment.yardstick()
    sections = [
        (theme.title, [form[s.code] for s in theme.statements]) for theme in stick.themes
    ] + [(_("Basisniveau bestuurlijke aanpak"), [form[s.code] for s in stick.basisniveau])]
    actions = selectors.actions_for_actor(actor=actor, purpose=PURPOSE)
    return render(
        request,
        "kompas/assessment.html",
        {
            **_base(actor),
            "organisation": organisation,
            "latest": latest,
            "scores": scores,
            "radar": _radar(scores) if scores else None,
            "history": [(h, assessment.scores(h.answers)) for h in history],
            "form": form,
            "sections": sections,
            "action_form": action_form,
            "actions": [
                (a, ActionStatusForm(initial={"status": a.status}, prefix=f"a{a.pk}"))
                for a in actions
            ],
            "consent": selectors.consent_of(organisation),
        },
    )


@require_POST
def action_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    item = selectors.action_get_for_actor(actor=actor, action_id=pk)
    form = ActionStatusForm(request.POST, prefix=f"a{pk}")
    if form.is_valid():
        services.action_set_status(actor=actor, item=item, status=form.cleaned_data["status"])
        messages.success(request, _("Status bijgewerkt."))
    return redirect(reverse("kompas:assessment") + "#actieplan")


def assessment_pdf_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    organisation = selectors.assessment_scope(actor)
    history = selectors.assessments_for_actor(actor=actor, purpose=PURPOSE)
    if not history:
        raise Http404
    scores = assessment.scores(history[0].answers)
    return pdf_response(
        "kompas/pdf/assessment.html",
        {
            "organisation": organisation,
            "latest": history[0],
            "scores": scores,
            "radar": _radar(scores),
            "actions": selectors.actions_for_actor(actor=actor, purpose=PURPOSE),
            "date": timezone.localdate(),
        },
        f"zelfevaluatie {organisation.name}",
        request,
    )


def region_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows = selectors.region_assessments_for_actor(actor=actor, purpose=PURPOSE)
    return render(
        request,
        "kompas/region.html",
        {
            **_base(actor),
            "rows": rows,
            "themes": assessment.yardstick().themes,
            "unit": actor.organisation.municipality.police_unit,
        },
    )
