"""Pages of the webscan (/webscan/): sources, scan runs, review queue, networks, ads."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bovenwater.accounts.middleware import active_memberships, request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.adscan.municipalities import by_code
from bovenwater.lib.refusals import REFUSALS, put_on_form
from bovenwater.webscan import selectors, services
from bovenwater.webscan.charts import network_map_spec
from bovenwater.webscan.explain import (
    evidence_examples,
    highlighted_body,
    highlighted_title,
    indicator_rows,
    ingest_reason,
    rule_text,
    slot_rows,
    template_markup,
)
from bovenwater.webscan.forms import DecisionForm, ScanForm, SourceForm
from bovenwater.webscan.models import Ad, NetworkState, SourceKind
from bovenwater.webscan.workflow import allowed_decisions

RECENT_RUNS = 20
SHOWN_ADS = 100


def _require(request: HttpRequest, permission: Permission) -> None:
    if not request_actor(request).has(permission):
        raise PermissionDenied


@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require(request, Permission.REVIEW_WEBSCAN)
    state = request.GET.get("status", "")
    networks = selectors.review_queue(actor=actor, state=state)
    rows = [
        {
            "network": n,
            "cities": [c.get("name", "") for c in (n.features.get("cities") or [])][:3],
            "n_cities": n.features.get("n_cities", 0),
            "n_phones": n.features.get("n_phones", 0),
            "labels": [rule_text(code).label for code in n.indicators],
        }
        for n in networks
    ]
    context = {
        "rows": rows,
        "state": state if state in NetworkState.values else "",
        "states": NetworkState.choices,
        "runs": list(selectors.runs_for(actor)[:5]),
        "waiting_elsewhere": []
        if rows
        else selectors.waiting_elsewhere(actor=actor, memberships=active_memberships(request)),
    }
    return render(request, "webscan/queue.html", context)


@require_GET
def sources_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    sources = list(selectors.sources_for(actor))
    return render(
        request,
        "webscan/sources.html",
        {"sources": sources, "can_manage": actor.has(Permission.MANAGE_WEBSCAN_SOURCES)},
    )


def source_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require(request, Permission.MANAGE_WEBSCAN_SOURCES)
    if request.method == "POST":
        form = SourceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                source = services.source_create(
                    actor=actor,
                    data=services.SourceInput(
                        name=data["name"],
                        kind=data["kind"],
                        purpose=data["purpose"],
                        legal_basis=data["legal_basis"],
                        authoriser_name=data["authoriser_name"],
                        authoriser_function=data["authoriser_function"],
                        authorised_on=data["authorised_on"],
                        valid_until=data["valid_until"],
                        base_url=data["base_url"] or "",
                        retention_days=data["retention_days"],
                    ),
                )
            except REFUSALS as error:
                put_on_form(form, error)
            else:
                return redirect("webscan:source", pk=source.pk)
        status = 400
    else:
        form = SourceForm()
        status = 200
    return render(request, "webscan/source_form.html", {"form": form}, status=status)


def _source_context(request: HttpRequest, pk: int, form: ScanForm | None) -> dict[str, Any]:
    actor = request_actor(request)
    source = selectors.source_get(actor=actor, pk=pk)
    can_scan = actor.has(Permission.REVIEW_WEBSCAN) and source.is_authorised_on()
    return {
        "source": source,
        "runs": list(selectors.runs_for(actor).filter(source=source)[:RECENT_RUNS]),
        "can_scan": can_scan,
        "can_manage": actor.has(Permission.MANAGE_WEBSCAN_SOURCES),
        "is_file": source.kind == SourceKind.FILE,
        "form": form if form is not None else (ScanForm() if can_scan else None),
    }


@require_GET
def source_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "webscan/source.html", _source_context(request, pk, None))


@require_POST
def source_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    _require(request, Permission.MANAGE_WEBSCAN_SOURCES)
    source = selectors.source_get(actor=actor, pk=pk)
    services.source_set_active(actor=actor, source=source, active=not source.is_active)
    return redirect("webscan:source", pk=source.pk)


@require_POST
def scan_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    _require(request, Permission.REVIEW_WEBSCAN)
    source = selectors.source_get(actor=actor, pk=pk)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            run = services.run_request(
                actor=actor, source=source, upload=form.cleaned_data.get("upload")
            )
        except REFUSALS as error:
            put_on_form(form, error, field="upload")
        else:
            return redirect("webscan:run", pk=run.pk)
    return render(request, "webscan/source.html", _source_context(request, pk, form), status=400)


@require_GET
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    run = selectors.run_get(actor=actor, pk=pk)
    errors = [
        {**error, "reason": ingest_reason(str(error.get("reason", "")))}
        for error in run.report.get("errors", [])
    ]
    context: dict[str, Any] = {"run": run, "errors": errors}
    if actor.has(Permission.REVIEW_WEBSCAN) and not run.is_active:
        context["networks"] = selectors.run_networks(actor=actor, run=run)
        context["independents"] = selectors.run_unclustered_ads(actor=actor, run=run)
    return render(request, "webscan/run.html", context)


@require_GET
def progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment polled by htmx; when the run ends the page reloads."""
    actor = request_actor(request)
    run = selectors.run_get(actor=actor, pk=pk)
    response = render(request, "webscan/_progress.html", {"run": run})
    if not run.is_active:
        response["HX-Refresh"] = "true"
    return response


def _timeline(ads: list[Ad]) -> list[dict[str, Any]]:
    names = by_code()
    return [
        {
            "ad": ad,
            "city": names[ad.municipality_code].name if ad.municipality_code in names else ad.city,
        }
        for ad in ads
        if ad.posted_at is not None
    ]


def _city_rows(ads: list[Ad]) -> list[dict[str, Any]]:
    names = by_code()
    counts = Counter(ad.municipality_code for ad in ads if ad.municipality_code)
    first: dict[str, Any] = {}
    for ad in ads:
        if ad.municipality_code and ad.posted_at is not None:
            first.setdefault(ad.municipality_code, ad.posted_at)
    return [
        {
            "code": code,
            "name": names[code].name if code in names else code,
            "region": names[code].region_name if code in names else "",
            "count": count,
            "first": first.get(code),
        }
        for code, count in counts.most_common()
    ]


def _network_context(request: HttpRequest, pk: int, form: DecisionForm | None) -> dict[str, Any]:
    actor = request_actor(request)
    network = selectors.network_get(actor=actor, pk=pk)
    ads = selectors.network_ads(actor=actor, network=network)
    permissions = frozenset(p for p in Permission if actor.has(p))
    decisions = allowed_decisions(network.state, permissions)
    cities = _city_rows(ads)
    return {
        "network": network,
        "features": network.features,
        "template": template_markup(network.template) if network.template else "",
        "slots": slot_rows(network.template) if network.template else [],
        "indicators": indicator_rows(network),
        "examples": evidence_examples(ads),
        "ads": [
            {"ad": ad, "title": highlighted_title(ad), "body": highlighted_body(ad)}
            for ad in ads[:SHOWN_ADS]
        ],
        "more_ads": max(0, len(ads) - SHOWN_ADS),
        "timeline": _timeline(ads),
        "cities": cities,
        "map_spec": network_map_spec(cities, reverse("monitor:geo")) if cities else None,
        "decisions": selectors.network_decisions(actor=actor, network=network),
        "form": (form or DecisionForm(initial={"kind": decisions[0]})) if decisions else None,
        "choices": decisions,
    }


@require_GET
def network_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "webscan/network.html", _network_context(request, pk, None))


@require_POST
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    _require(request, Permission.REVIEW_WEBSCAN)
    network = selectors.network_get(actor=actor, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.network_decide(
                actor=actor,
                network=network,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except REFUSALS as error:
            put_on_form(form, error)
        else:
            messages.success(
                request, services.decision_confirmation(actor=actor, decision=decision)
            )
            return redirect("webscan:network", pk=network.pk)
    return render(request, "webscan/network.html", _network_context(request, pk, form), status=400)


@require_GET
def ad_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    ad = selectors.ad_get(actor=actor, pk=pk)
    evidence = [{**item, "rule": rule_text(str(item.get("code", "")))} for item in ad.evidence]
    return render(
        request,
        "webscan/ad.html",
        {
            "ad": ad,
            "title": highlighted_title(ad),
            "body": highlighted_body(ad),
            "evidence": evidence,
        },
    )
