from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.audit import chaincheck
from bovenwater.audit.describe import EntryRow, describe, member_choices, object_type_choices
from bovenwater.audit.forms import LogFilterForm
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.privacy_jobs import job_statuses, retention_preview
from bovenwater.audit.retention import RETENTION_TABLE
from bovenwater.audit.selectors import (
    LogFilter,
    object_types_in_log,
    processing_log_for_actor,
    processing_log_viewed,
)
from bovenwater.lib import csvsafe, formatting

if TYPE_CHECKING:
    from bovenwater.accounts.actor import Actor

# Readable columns first (names and labels in the interface language), then the stored
# references they were made from, so that a row can still be traced to its entry.
CSV_COLUMNS = (
    _("Tijdstip"),
    _("Medewerker"),
    _("Organisatie"),
    _("Rol"),
    _("Handeling"),
    _("Soort gegevens"),
    _("Gegevens"),
    _("Betrokkene"),
    _("Doel"),
    _("Grondslag"),
    _("Trace-id"),
    _("Hash"),
    _("Regelnummer"),
    _("Gebruikersnaam"),
    _("Rolcode"),
    _("Objectsoort (code)"),
    _("Object (code)"),
    _("Betrokkene (code)"),
    _("Doel (code)"),
)


def csv_row(row: EntryRow) -> list[object]:
    entry = row.entry
    return [
        formatting.date_time(entry.occurred_at),
        row.person,
        entry.organisation_name,
        row.role,
        entry.get_action_display(),
        row.object_kind,
        row.object,
        row.data_subject,
        entry.get_purpose_display(),
        entry.legal_basis,
        entry.trace_id,
        entry.entry_hash,
        entry.pk,
        entry.actor_username,
        entry.role,
        entry.object_type,
        entry.object_id,
        entry.data_subject,
        entry.purpose,
    ]


def _form(request: HttpRequest, actor: Actor) -> LogFilterForm:
    return LogFilterForm(
        request.GET or None,
        object_types=object_type_choices(object_types_in_log(actor=actor)),
        members=member_choices(actor.organisation_id),
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
    form = _form(request, actor)
    filters = _filters(form) if request.GET else LogFilter()
    entries = processing_log_for_actor(actor=actor, filters=filters)
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    processing_log_viewed(actor=actor, filters=filters)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "rows": describe(page),
            "query": query.urlencode(),
            "jobs": job_statuses(),
            "retention": RETENTION_TABLE,
            "preview": retention_preview(organisation_id=actor.organisation.pk),
            "check": chaincheck.latest_chain_check(actor=actor),
        },
        status=400 if form.errors else 200,
    )


def log_export_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = _form(request, actor)
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
    writer.writerow([str(column) for column in CSV_COLUMNS])
    for start in range(0, len(entries), 1000):
        for row in describe(entries[start : start + 1000]):
            writer.writerow(csv_row(row))
    return response


@require_POST
def chain_check_view(request: HttpRequest) -> HttpResponse:
    """ "Controleer de keten": start a verification of the whole log in the background."""
    actor = request_actor(request)
    run = chaincheck.chain_check_request(actor=actor)
    transaction.on_commit(lambda: chaincheck.check_processing_log.enqueue(run.pk))
    messages.info(request, _("De controle van de keten is gestart."))
    return redirect(f"{reverse('audit:log')}#keten")


@require_GET
def chain_check_status_view(request: HttpRequest) -> HttpResponse:
    """htmx partial: the latest check, polled while it runs."""
    actor = request_actor(request)
    return render(
        request,
        "audit/_chain_check.html",
        {"check": chaincheck.latest_chain_check(actor=actor)},
    )
