"""Pages of the hidden-number estimate (/schatting/): results per year, runs, progress."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.estimation.compute import list_label, model_label, warning_text
from bovenwater.estimation.forms import RunForm
from bovenwater.estimation.models import EstimateRun
from bovenwater.estimation.overlap import OverlapTable
from bovenwater.estimation.selectors import (
    latest_linked_result,
    latest_result,
    run_get,
    runs_for,
)
from bovenwater.estimation.services import run_request, run_retry
from bovenwater.estimation.suppression import suppressed_cells
from bovenwater.lib.refusals import REFUSALS, attempt, put_on_form
from bovenwater.reference.models import ExploitationForm

RECENT_RUNS = 10


def year_rows(run: EstimateRun) -> list[dict[str, Any]]:
    """The stored result per year, with Dutch model labels and warnings."""
    years: dict[str, Any] = run.result.get("years", {}) if run.result else {}
    rows: list[dict[str, Any]] = []
    for year in sorted(years, reverse=True):
        data = years[year]
        rows.append(
            {
                "year": year,
                "ok": data.get("status") == "ok",
                "observed": data.get("observed"),
                "estimate": data.get("estimate"),
                "ci_low": data.get("ci_low"),
                "ci_high": data.get("ci_high"),
                "model": model_label(data.get("model", [])),
                "alternatives": [
                    {**alt, "label": model_label(alt.get("model", []))}
                    for alt in data.get("top_models", [])[1:]
                ],
                "warnings": [warning_text(w) for w in data.get("warnings", [])],
            }
        )
    return rows


def overlap_context(run: EstimateRun, year: str | None) -> dict[str, Any]:
    tables: dict[str, Any] = run.inputs.get("tables", {})
    years = sorted(tables, reverse=True)
    if not years:
        return {"overlap_years": []}
    chosen = year if year in tables else years[0]
    table = OverlapTable.from_json(tables[chosen])
    cells = [c for c in suppressed_cells(table) if c.count != 0]
    return {
        "overlap_years": years,
        "overlap_year": chosen,
        "overlap_lists": [list_label(code) for code in table.lists],
        "overlap_cells": cells,
        "overlap_total": table.observed,
    }


def _form_name(code: str) -> str:
    if not code:
        return ""
    found = ExploitationForm.objects.filter(code=code).first()
    return found.name if found else code


def _index_context(request: HttpRequest, form: RunForm | None) -> dict[str, Any]:
    actor = request_actor(request)
    latest = latest_result(actor)
    can_run = actor.has(Permission.RUN_ESTIMATES)
    context: dict[str, Any] = {
        "latest": latest,
        "rows": year_rows(latest) if latest else [],
        "runs": list(runs_for(actor)[:RECENT_RUNS]),
        "can_run": can_run,
        "form": form if form is not None else (RunForm() if can_run else None),
    }
    if latest is not None:
        context["latest_form_name"] = _form_name(latest.form)
        context.update(overlap_context(latest, request.GET.get("jaar")))
    linked = latest_linked_result(actor)
    if linked is not None:
        context["linked"] = linked
        context["linked_rows"] = year_rows(linked)
        exact = {row["year"]: row for row in context["rows"]}
        context["linked_comparison"] = [
            {
                "year": row["year"],
                "linked": row["estimate"],
                "exact": exact[row["year"]]["estimate"] if row["year"] in exact else None,
            }
            for row in context["linked_rows"]
            if row["ok"]
        ]
    return context


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not actor.has(Permission.VIEW_ESTIMATES):
        raise PermissionDenied
    return render(request, "estimation/index.html", _index_context(request, None))


@require_POST
def start_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not actor.has(Permission.RUN_ESTIMATES):
        raise PermissionDenied
    form = RunForm(request.POST)
    if not form.is_valid():
        return render(request, "estimation/index.html", _index_context(request, form), status=400)
    data = form.cleaned_data
    try:
        run = run_request(
            actor=actor,
            method=data["method"],
            max_order=data["max_order"],
            p_threshold=data["p_threshold"],
            bootstrap=data["bootstrap"],
            seed=data["seed"],
            ci=data["ci"],
            form=data["form"] or "",
        )
    except REFUSALS as error:
        put_on_form(form, error, field="form")
        return render(request, "estimation/index.html", _index_context(request, form), status=400)
    return redirect("estimation:run", pk=run.pk)


@require_GET
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = run_get(actor=actor, pk=pk)
    context: dict[str, Any] = {
        "run": run,
        "rows": year_rows(run),
        "form_name": _form_name(run.form),
        "perms_run_estimates": actor.has(Permission.RUN_ESTIMATES)
        and run.organisation_id == actor.organisation.pk,
        **overlap_context(run, request.GET.get("jaar")),
    }
    return render(request, "estimation/run.html", context)


@require_GET
def progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment polled by htmx; when the run ends the page reloads."""
    actor = request_actor(request)
    run = run_get(actor=actor, pk=pk)
    response = render(request, "estimation/_progress.html", {"run": run})
    if not run.is_active:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a failed or abandoned run again with the same inputs and settings."""
    actor = request_actor(request)
    run = run_get(actor=actor, pk=pk)
    attempt(
        request,
        lambda: run_retry(actor=actor, run=run),
        success=_("De schatting staat opnieuw in de wachtrij."),
    )
    return redirect("estimation:run", pk=run.pk)
