"""Training: learning paths with knowledge checks, the final assessment, certificates
(with a public verification page), branching case scenarios and the team overview."""

from __future__ import annotations

import random

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bovenwater.accounts.middleware import public_view, request_actor
from bovenwater.kompas import content, learning, selectors, training, training_services
from bovenwater.kompas.models import TargetKind
from bovenwater.kompas.pdf import pdf_response
from bovenwater.kompas.views.common import PURPOSE, base, note_and_share
from bovenwater.lib.refusals import REFUSALS, field_texts, refusal_text

QUIZ_SALT = "kompas.quiz"
QUIZ_MAX_AGE = 6 * 3600  # a check is answered the same working day


def _path(slug: str) -> learning.Path:
    item = learning.path(slug)
    if item is None:
        raise Http404
    return item


def training_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    attempts = selectors.best_attempts_of_actor(actor=actor)
    return render(
        request,
        "kompas/training.html",
        {
            **base(actor),
            "progress": selectors.progress_of_actor(actor=actor),
            "scenario_rows": [(s, attempts.get(s.slug)) for s in training.scenarios()],
        },
    )


def path_view(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request_actor(request)
    item = _path(slug)
    progress = selectors.path_progress(actor.user.pk, item)
    latest = selectors.last_attempts_of_actor(actor=actor, path_slug=item.slug)
    modules = [(content.chapter(m), progress.modules.get(m), latest.get(m)) for m in item.modules]
    scenarios = [training.scenario(s) for s in item.scenarios]
    return render(
        request,
        "kompas/path.html",
        {
            **base(actor),
            "path": item,
            "progress": progress,
            "modules": modules,
            "final_latest": latest.get(""),
            "scenarios": scenarios,
        },
    )


def _encode(item: learning.Path, module: str | None, drawn: list[learning.Drawn]) -> str:
    return signing.dumps(
        {"p": item.slug, "m": module or "", "q": [[d.question.id, list(d.order)] for d in drawn]},
        salt=QUIZ_SALT,
    )


def _decode(token: str, item: learning.Path, module: str | None) -> list[learning.Drawn] | None:
    try:
        data = signing.loads(token, salt=QUIZ_SALT, max_age=QUIZ_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("p") != item.slug or data.get("m") != (module or ""):
        return None
    drawn = []
    for question_id, order in data["q"]:
        found = learning.question(question_id)
        if found is None or sorted(order) != list(range(len(found.options))):
            return None
        drawn.append(learning.Drawn(question=found, order=tuple(order)))
    return drawn


def _answers(request: HttpRequest, drawn: list[learning.Drawn]) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    for item in drawn:
        raw = request.POST.get(f"q-{item.question.id}", "")
        answers[item.question.id] = int(raw) if raw.isdigit() and int(raw) in item.order else None
    return answers


@require_http_methods(["GET", "POST"])
def quiz_view(request: HttpRequest, slug: str, module: str | None = None) -> HttpResponse:
    actor = request_actor(request)
    item = _path(slug)
    if module is not None and module not in item.modules:
        raise Http404
    chapter = content.chapter(module) if module else None
    progress = selectors.path_progress(actor.user.pk, item)
    if module is None and progress.modules_done < len(item.modules):
        messages.error(request, _("Haal eerst de kennistoets van elke module."))
        return redirect("kompas:path", slug=item.slug)
    errors: dict[str, str] = {}
    answers: dict[str, int | None] = {}
    result = None
    attempt = None
    drawn: list[learning.Drawn] | None = None
    if request.method == "POST":
        drawn = _decode(request.POST.get("toets", ""), item, module)
        if drawn is None:
            messages.error(
                request, _("Deze toets is verlopen of ongeldig. U krijgt nieuwe vragen.")
            )
        else:
            answers = _answers(request, drawn)
            try:
                attempt, result = training_services.quiz_submit(
                    actor=actor, item=item, module=module, drawn=drawn, answers=answers
                )
            except REFUSALS as error:
                per_question = field_texts(error)
                if per_question is not None:
                    errors = per_question
                else:
                    messages.error(request, refusal_text(error))
                    drawn = None
    if drawn is None:
        drawn = learning.draw(
            learning.pool_for(item, module), learning.size_for(item, module), random.SystemRandom()
        )
    return render(
        request,
        "kompas/quiz.html",
        {
            **base(actor),
            "path": item,
            "module": module,
            "chapter": chapter,
            "drawn": drawn,
            "token": _encode(item, module, drawn),
            "answers": answers,
            "errors": errors,
            "result": result,
            "attempt": attempt,
        },
    )


@require_http_methods(["GET", "POST"])
def certificate_view(request: HttpRequest, slug: str) -> HttpResponse:
    actor = request_actor(request)
    item = _path(slug)
    try:
        certificate = training_services.certificate_issue(actor=actor, item=item)
    except REFUSALS as error:
        messages.error(request, refusal_text(error))
        return redirect("kompas:path", slug=item.slug)
    verify = request.build_absolute_uri(reverse("kompas:verify_code", args=[certificate.code]))
    return pdf_response(
        "kompas/pdf/certificate.html",
        {"certificate": certificate, "path": item, "verify_url": verify},
        f"certificaat {item.title}",
        request,
    )


@public_view
def verify_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Public: is this certificate valid? Shows name, path, date and validity only."""
    code = (code or request.GET.get("code", "")).strip().upper()[:20]
    certificate = selectors.certificate_verify(code=code, purpose=PURPOSE) if code else None
    return render(
        request,
        "kompas/verify.html",
        {"code": code, "certificate": certificate, "searched": bool(code)},
        status=404 if code and certificate is None else 200,
    )


def team_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows = selectors.team_progress_for_actor(actor=actor, purpose=PURPOSE)
    return render(
        request,
        "kompas/team.html",
        {**base(actor), "rows": rows, "paths": learning.paths()},
    )


@require_POST
def revoke_view(request: HttpRequest, code: str) -> HttpResponse:
    actor = request_actor(request)
    certificate = selectors.certificate_get_for_manager(actor=actor, code=code, purpose=PURPOSE)
    training_services.certificate_revoke(actor=actor, certificate=certificate)
    messages.success(request, _("Certificaat ingetrokken."))
    return redirect("kompas:team")


@require_http_methods(["GET", "POST"])
def scenario_view(request: HttpRequest, slug: str) -> HttpResponse:
    """One branching case: each choice shows its feedback and consequence, then the
    next situation; the choices so far travel in the form and are replayed."""
    actor = request_actor(request)
    scenario = training.scenario(slug)
    if scenario is None:
        raise Http404
    choices = training.parse_path(request.POST.get("pad", "")) if request.method == "POST" else []
    error = ""
    if request.method == "POST" and request.POST.get("action") == "choose":
        picked = request.POST.get("keuze", "")
        if picked:
            choices.append(picked)
        else:
            error = _("Kies wat u doet.")
    try:
        run = training.replay(scenario, choices)
    except training.InvalidPath:
        run = training.replay(scenario, [])
        error = _("Die keuze past niet bij deze casus. Begin opnieuw.")
    attempt = None
    if run.finished and request.POST.get("action") == "choose" and not error:
        attempt = training_services.scenario_finish(actor=actor, run=run)
    note_form, share_form, done = note_and_share(
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
            **base(actor),
            "scenario": scenario,
            "run": run,
            "error": error,
            "attempt": attempt,
            "chapter_titles": {c.slug: c.title for c in content.chapters()},
            "notes": notes,
            "note_form": note_form,
            "share_form": share_form,
        },
    )
