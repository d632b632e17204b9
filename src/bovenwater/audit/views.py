from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bovenwater.accounts.middleware import request_actor
from bovenwater.audit.forms import LogFilterForm
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.selectors import LogFilter, processing_log_for_actor, processing_log_viewed
from bovenwater.lib import csvsafe

CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_username",
    "organisation_name",
    "role",
    "action",
    "object_type",
    "object_id",
    "data_subject",
    "purpose",
    "legal_basis",
    "trace_id",
    "entry_hash",
)


def _filters(form: LogFilterForm) -> LogFilter:
    if not form.is_valid():
        return LogFilter()
    data = form.cleaned_data
    return LogFilter(
        data_subject=data.get("data_subject") or "",
        object_type=data.get("object_type") or "",
        object_id=data.get("object_id") or "",
        actor=data.get("actor") or "",
        organisation=data.get("organisation") or "",
        action=data.get("action") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        refused=bool(data.get("refused")),
    )


def log_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = LogFilterForm(request.GET or None)
    filters = _filters(form) if request.GET else LogFilter()
    entries = processing_log_for_actor(actor=actor, filters=filters)
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    processing_log_viewed(actor=actor, filters=filters)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


def log_export_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = LogFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(
            request, "audit/log.html", {"form": form, "page": None, "query": ""}, status=400
        )
    filters = _filters(form) if request.GET else LogFilter()
    selected = processing_log_for_actor(actor=actor, filters=filters)  # checks permission
    chain_pending()  # an export carries the hash of every entry in it
    entries = list(selected[:100_000])
    processing_log_viewed(actor=actor, filters=filters, exported=len(entries))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="verwerkingslogboek-{stamp}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.pk,
                timezone.localtime(entry.occurred_at).isoformat(),
                entry.actor_username,
                entry.organisation_name,
                entry.role,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.data_subject,
                entry.purpose,
                entry.legal_basis,
                entry.trace_id,
                entry.entry_hash,
            ]
        )
    return response
