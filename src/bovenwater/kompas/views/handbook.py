"""The handbook: overview, chapters with notes on paragraphs, PDFs and search."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.kompas import anchoring, content, search, selectors, targets
from bovenwater.kompas.models import Note, TargetKind
from bovenwater.kompas.pdf import pdf_response
from bovenwater.kompas.views.common import PURPOSE, base, note_and_share
from bovenwater.monitor.selectors import monitor_trend

# The chapter on numbers shows the monitor's live counts to those who may see the monitor.
LIVE_FIGURES_CHAPTER = "aard-en-omvang"


def home_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
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
        {**base(actor), "parts": parts, "total": len(content.chapters())},
    )


def _placed_notes(
    chapter: content.Chapter, notes: list[Note]
) -> tuple[dict[tuple[str, str], list[tuple[Note, anchoring.Placement]]], list[Note]]:
    """Notes by (section anchor, paragraph key); notes whose section is gone separately."""
    placed: dict[tuple[str, str], list[tuple[Note, anchoring.Placement]]] = {}
    homeless: list[Note] = []
    for note in notes:
        where = anchoring.place(note, chapter.sections)
        if not where.section:
            homeless.append(note)
            continue
        placed.setdefault((where.section, where.paragraph), []).append((note, where))
    return placed, homeless


@require_http_methods(["GET", "POST"])
def chapter_view(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request_actor(request)
    chapter = content.chapter(slug)
    if chapter is None:
        raise Http404
    choices = [(f"{slug}#{s.anchor}", s.title) for s in chapter.sections]
    note_form, share_form, done = note_and_share(request, actor, TargetKind.SECTION, choices)
    if done is not None:
        return done
    wanted = request.GET.get("alinea", "")
    for section in chapter.sections:
        if section.paragraph(wanted):
            note_form.fields["target"].initial = f"{slug}#{section.anchor}"
    notes = [
        n
        for n in selectors.notes_for_actor(actor=actor, purpose=PURPOSE, kind=TargetKind.SECTION)
        if n.target.startswith(f"{slug}#")
    ]
    placed, homeless = _placed_notes(chapter, notes)
    sections = [
        (
            s,
            [(p, placed.get((s.anchor, p.key), [])) for p in s.paragraphs],
            placed.get((s.anchor, ""), []),
        )
        for s in chapter.sections
    ]
    ordered = content.chapters()
    index = ordered.index(chapter)
    live = None
    if slug == LIVE_FIGURES_CHAPTER and actor.has(Permission.VIEW_MONITOR):
        live = monitor_trend(actor=actor) or None
    links = [t for link in chapter.links if (t := targets.resolve_link(link)) is not None]
    return render(
        request,
        "kompas/chapter.html",
        {
            **base(actor),
            "chapter": chapter,
            "sections": sections,
            "homeless": homeless,
            "links": links,
            "note_form": note_form,
            "share_form": share_form,
            "wanted_paragraph": wanted,
            "previous": ordered[index - 1] if index > 0 else None,
            "next": ordered[index + 1] if index + 1 < len(ordered) else None,
            "live": live,
        },
    )


def chapter_pdf_view(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = content.chapter(slug)
    if chapter is None:
        raise Http404
    return pdf_response("kompas/pdf/chapter.html", {"chapter": chapter}, chapter.title, request)


def search_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    query = request.GET.get("q", "").strip()[: search.MAX_QUERY]
    results: Any = None
    if query:
        notes = selectors.notes_for_actor(actor=actor, purpose=PURPOSE)
        results = search.search(query, notes=notes)
    return render(
        request, "kompas/search.html", {**base(actor), "query": query, "results": results}
    )
