"""The municipal self-assessment (Kader Aanpak Mensenhandel): questionnaire, radar,
action plan, PDF report and the region's comparison."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.kompas import assessment, radar, selectors, services
from bovenwater.kompas.forms import ActionForm, ActionStatusForm, AssessmentForm
from bovenwater.kompas.pdf import pdf_response
from bovenwater.kompas.views.common import PURPOSE, base
from bovenwater.lib.refusals import REFUSALS, put_on_form


def _gap_choices(answers: dict[str, int] | None) -> list[tuple[str, str]]:
    if not answers:
        return []
    return [(s.code, s.text) for s in assessment.scores(answers).gaps]


def _radar(scores: assessment.Scores) -> radar.Radar:
    """The radar chart of one assessment (geometry in ``kompas.radar``)."""
    return radar.radar([(t.theme.title, t.basis, t.verdieping) for t in scores.themes])


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
            except REFUSALS as error:
                put_on_form(action_form, error)
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
            **base(actor),
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
            **base(actor),
            "rows": rows,
            "themes": assessment.yardstick().themes,
            "unit": actor.organisation.municipality.police_unit,
        },
    )
