"""Pages of linkage (/koppeling/): projects, lists, runs, hit/no-hit. No scores, ever."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.types import ReferralKind, SharedPart
from bovenwater.lib.refusals import (
    REFUSALS,
    attempt,
    put_on_form,
    refusal_messages,
    refusal_text,
)
from bovenwater.linkage import selectors, services, units
from bovenwater.linkage.forms import (
    EncodedUploadForm,
    HitQueryForm,
    PeopleUploadForm,
    ProjectForm,
)
from bovenwater.linkage.hit_referral import hit_refer
from bovenwater.linkage.keys import project_secret
from bovenwater.linkage.models import (
    LinkageProject,
    LinkageRun,
    ProjectPurpose,
    ReplyStatus,
    RunStatus,
)
from bovenwater.linkage.registry_counts import linked_registry_counts


def _kind_label(value: str) -> str:
    try:
        return str(OrganisationKind(value).label)
    except ValueError:
        return value


def _source_labels(project: LinkageProject) -> dict[str, str]:
    return {
        source.name: services.source_label(source) for source in selectors.project_sources(project)
    }


def _run_context(run: LinkageRun, labels: dict[str, str], unit: bool) -> dict[str, Any]:
    lists, counts = services.overlap_counts(run)
    rows = []
    if unit:
        for mask, count in enumerate(counts, start=1):
            if count:
                rows.append(
                    {
                        "lists": [
                            labels.get(name, name) for i, name in enumerate(lists) if mask >> i & 1
                        ],
                        "count": count,
                    }
                )
    return {
        "run": run,
        "run_lists": [labels.get(name, name) for name in lists],
        "pattern_rows": rows,
    }


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    projects = selectors.project_list(actor)
    context = {
        "projects": projects,
        "can_create": units.is_unit(actor),
        "form": ProjectForm() if units.is_unit(actor) else None,
        "open_requests": list(selectors.open_requests_for(actor)),
    }
    return render(request, "linkage/index.html", context)


@require_POST
def create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not units.is_unit(actor):
        raise PermissionDenied
    form = ProjectForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                actor=actor,
                name=data["name"],
                year=data["year"],
                purpose=data["purpose"],
                legal_basis=data["legal_basis"],
                participants=list(data["participants"]),
            )
        except REFUSALS as error:
            put_on_form(form, error)
        else:
            return redirect("linkage:project", pk=project.pk)
    context = {
        "projects": selectors.project_list(actor),
        "can_create": True,
        "form": form,
        "open_requests": list(selectors.open_requests_for(actor)),
    }
    return render(request, "linkage/index.html", context, status=400)


def _project_context(
    request: HttpRequest,
    project: LinkageProject,
    people_form: PeopleUploadForm | None = None,
    encoded_form: EncodedUploadForm | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    actor = request_actor(request)
    unit = units.is_unit(actor) and project.unit_id == actor.organisation_id
    participant = (
        actor.has(Permission.CONTRIBUTE_LINKAGE)
        and project.participants.filter(pk=actor.organisation_id).exists()
    )
    labels = _source_labels(project)
    runs = selectors.project_runs(project)
    latest = next((r for r in runs if r.status == RunStatus.DONE), None)
    sources = [
        {
            "label": labels[s.name],
            "kind": s.get_kind_display(),
            "records": s.records,
            "uploaded_at": s.uploaded_at,
            "own": s.organisation_id == actor.organisation_id,
        }
        for s in selectors.project_sources(project)
    ]
    context: dict[str, Any] = {
        "project": project,
        "unit": unit,
        "participant": participant,
        "sources": sources,
        "runs": runs,
        "people_form": people_form or (PeopleUploadForm() if participant else None),
        "encoded_form": encoded_form or (EncodedUploadForm() if unit else None),
        "upload_errors": errors or [],
        "can_estimate": unit and actor.has(Permission.RUN_ESTIMATES),
        "participant_names": [o.name for o in project.participants.order_by("name")],
    }
    if latest is not None:
        context["latest"] = _run_context(latest, labels, unit)
    return context


@require_GET
def project_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    return render(request, "linkage/project.html", _project_context(request, project))


@require_POST
def upload_people_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    form = PeopleUploadForm(request.POST, request.FILES)
    if form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors = [_utf8_message()]
        else:
            try:
                services.source_upload_people(
                    actor=actor,
                    project=project,
                    text=text,
                    contact_route=form.cleaned_data["contact_route"],
                )
            except REFUSALS as error:
                errors = refusal_messages(error)
            else:
                return redirect("linkage:project", pk=project.pk)
        context = _project_context(request, project, people_form=form, errors=errors)
        return render(request, "linkage/project.html", context, status=400)
    context = _project_context(request, project, people_form=form)
    return render(request, "linkage/project.html", context, status=400)


def _utf8_message() -> str:
    return _("Het bestand is geen UTF-8-tekst. Sla het op als CSV UTF-8 en probeer opnieuw.")


@require_POST
def upload_encoded_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    form = EncodedUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.source_upload_encoded(
                actor=actor,
                project=project,
                data=form.cleaned_data["file"].read(),
                organisation_kind=form.cleaned_data["organisation_kind"],
                contact_route=form.cleaned_data["contact_route"],
            )
        except REFUSALS as error:
            context = _project_context(
                request, project, encoded_form=form, errors=refusal_messages(error)
            )
            return render(request, "linkage/project.html", context, status=400)
        return redirect("linkage:project", pk=project.pk)
    context = _project_context(request, project, encoded_form=form)
    return render(request, "linkage/project.html", context, status=400)


@require_GET
def key_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The project key, for an organisation outside the platform (unit only, logged)."""
    actor = request_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    if not (units.is_unit(actor) and project.unit_id == actor.organisation_id):
        raise PermissionDenied
    log_processing(
        actor=actor,
        action=Action.EXPORT,
        object_type="linkage.project.key",
        object_id=project.pk,
        purpose=Purpose.LINKAGE,
    )
    response = HttpResponse(project_secret(project.pk) + b"\n", content_type="text/plain")
    response["Content-Disposition"] = f'attachment; filename="koppelsleutel-{project.pk}.key"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def run_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    try:
        run = services.run_request(actor=actor, project=project)
    except REFUSALS as error:
        context = _project_context(request, project, errors=refusal_messages(error))
        return render(request, "linkage/project.html", context, status=400)
    return redirect("linkage:run", pk=run.pk)


@require_GET
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = selectors.run_get(actor=actor, pk=pk)
    project = selectors.project_get(actor=actor, pk=run.project_id)
    unit = units.is_unit(actor) and project.unit_id == actor.organisation_id
    context = {
        "project": project,
        "unit": unit,
        "can_estimate": unit
        and actor.has(Permission.RUN_ESTIMATES)
        and project.purpose == ProjectPurpose.ESTIMATE,
        "registry_counts": (
            linked_registry_counts(actor=actor, run=run)
            if unit
            and project.purpose == ProjectPurpose.DEDUPLICATION
            and actor.has(Permission.EXCHANGE_HTCDS)
            else []
        ),
        **_run_context(run, _source_labels(project), unit),
    }
    return render(request, "linkage/run.html", context)


@require_GET
def run_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = selectors.run_get(actor=actor, pk=pk)
    response = render(request, "linkage/_progress.html", {"run": run})
    if not run.is_active:
        response["HX-Refresh"] = "true"
    return response


@require_GET
def run_groups_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The groups as the CLI writes them: one JSON line per group, record ids only."""
    actor = request_actor(request)
    run = selectors.run_groups_for_export(actor=actor, pk=pk)
    lines = []
    for number, members in enumerate(run.groups, start=1):
        lines.append(
            json.dumps(
                {
                    "group": f"g{number:06d}",
                    "members": [
                        {"source": run.sources[index], "record_id": record_id}
                        for index, record_id in members
                    ],
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    response = HttpResponse(
        "".join(line + "\n" for line in lines), content_type="application/jsonl"
    )
    response["Content-Disposition"] = f'attachment; filename="groepen-{run.pk}.jsonl"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def run_estimate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = selectors.run_get(actor=actor, pk=pk)
    try:
        estimate_id = services.estimate_from_run(actor=actor, run=run)
    except REFUSALS as error:
        messages.error(request, refusal_text(error))
        return redirect("linkage:run", pk=run.pk)
    return redirect("estimation:run", pk=estimate_id)


@require_http_methods(["GET", "POST"])
def ask_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    projects = selectors.hit_projects_for(actor)
    form = HitQueryForm(request.POST or None, projects=projects)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                query = services.hit_query(
                    actor=actor,
                    project=data["project"],
                    basis=data["basis"],
                    reference=data["reference"],
                    person=services.PersonQuery(
                        first_names=data["first_names"],
                        surname=data["surname"],
                        date_of_birth=data["date_of_birth"],
                        sex=data["sex"],
                    ),
                )
            except REFUSALS as error:
                put_on_form(form, error)
            else:
                return redirect("linkage:query", pk=query.pk)
    context = {"form": form, "has_projects": projects.exists()}
    return render(request, "linkage/ask.html", context, status=status)


@require_GET
def query_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    query = selectors.hit_query_get(actor=actor, pk=pk)
    can_refer = actor.has(Permission.MANAGE_CASES)
    answers = [
        {
            "pk": a.pk,
            "kind": _kind_label(a.responder_kind),
            "contact": a.contact_route,
            "status": a.get_status_display(),
            "referred": a.referral_id is not None,
            "can_refer": can_refer
            and a.status == ReplyStatus.ACCEPTED
            and a.responder_id is not None
            and a.referral_id is None,
        }
        for a in selectors.query_answers(query)
    ]
    error = request.session.pop(f"linkage-refer-{query.pk}", "")
    return render(
        request,
        "linkage/query.html",
        {
            "query": query,
            "answers": answers,
            "referral_kinds": ReferralKind.choices,
            "refer_error": error,
        },
    )


@require_POST
def refer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn an accepted hit into a referral of the case named by the question."""
    actor = request_actor(request)
    answer = selectors.own_answer_get(actor=actor, pk=pk)
    kind = request.POST.get("kind", "")
    try:
        hit_refer(actor=actor, answer=answer, kind=kind, shared_parts=[SharedPart.SUMMARY])
    except REFUSALS as error:
        request.session[f"linkage-refer-{answer.query_id}"] = refusal_text(error)
    return redirect("linkage:query", pk=answer.query_id)


@require_POST
def reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    answer = selectors.answer_get(actor=actor, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        raise Http404
    attempt(
        request,
        lambda: services.hit_reply(actor=actor, answer=answer, accept=decision == "accept"),
    )
    return redirect("linkage:index")


@require_GET
def privacy_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    queries = list(selectors.hit_log_for_privacy_officer(actor)[:200])
    rows = [
        {
            "asked_at": q.asked_at,
            "requester": q.requester.name,
            "by": q.requested_by.get_full_name() if q.requested_by else "",
            "basis": q.get_basis_display(),
            "reference": q.reference if q.requester_id == actor.organisation_id else "",
            "hits": q.hits,  # type: ignore[attr-defined]
            "own": q.requester_id == actor.organisation_id,
        }
        for q in queries
    ]
    return render(request, "linkage/privacy.html", {"rows": rows})
