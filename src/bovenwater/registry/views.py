"""Registry pages: import (CSV/XLSX, HTCDS) with an error report, and the HTCDS export."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.purposes import Purpose
from bovenwater.lib import csvsafe
from bovenwater.linkage.registry_counts import linked_people, person_keys
from bovenwater.reference.models import ExploitationForm, PoliceUnit
from bovenwater.registry.forms import ImportForm
from bovenwater.registry.importing import (
    COLUMNS,
    HTCDS_COLUMNS,
    RowError,
    error_report_csv,
    htcds_rows,
    import_file,
)
from bovenwater.registry.selectors import (
    RegistrationFilter,
    person_count,
    registration_count_for_actor,
    registration_years,
    registrations_browse,
    registrations_for_export,
    registrations_listed,
)

REPORT_SESSION_KEY = "registry_import_reports"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _browse_filter(request: HttpRequest, years: list[int]) -> RegistrationFilter:
    raw_year = request.GET.get("jaar", "")
    return RegistrationFilter(
        year=int(raw_year) if raw_year.isdigit() and int(raw_year) in years else None,
        police_unit=request.GET.get("eenheid", "").strip()[:20],
        form=request.GET.get("vorm", "").strip()[:40],
        minor=request.GET.get("minderjarig", "")
        if request.GET.get("minderjarig") in ("ja", "nee")
        else "",
        search=request.GET.get("zoek", "").strip()[:64],
    )


@require_GET
def registration_list_view(request: HttpRequest) -> HttpResponse:
    """Registry staff browse and search the pseudonymised registrations in their scope."""
    actor = request_actor(request)
    years = registration_years(actor=actor)  # checks the permission
    filters = _browse_filter(request, years)
    rows = registrations_browse(actor=actor, filters=filters)
    page = Paginator(rows, 50).get_page(request.GET.get("pagina"))
    registrations_listed(actor=actor, ids=[r.pk for r in page], filters=filters)
    query = request.GET.copy()
    query.pop("pagina", None)
    # counted by linked person when the linkage unit has de-duplicated the registry
    linked = linked_people(
        actor=actor,
        pseudonyms=rows.order_by().values_list("person__pseudonym", flat=True).distinct(),
    )
    return render(
        request,
        "registry/list.html",
        {
            "page": page,
            "filters": filters,
            "years": years,
            "people": linked.linked_persons if linked else person_count(rows),
            "linked": linked,
            "units": PoliceUnit.objects.current().order_by("name"),
            "forms": ExploitationForm.objects.current().order_by("position"),
            "query": query.urlencode(),
            "can_import": actor.has(Permission.IMPORT_REGISTRATIONS),
        },
    )


def import_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not actor.has(Permission.IMPORT_REGISTRATIONS):
        raise PermissionDenied
    allow_htcds = actor.has(Permission.EXCHANGE_HTCDS)
    context: dict[str, Any] = {
        "columns": list(COLUMNS),
        "htcds_columns": list(HTCDS_COLUMNS),
        "allow_htcds": allow_htcds,
    }
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, allow_htcds=allow_htcds)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            htcds = form.cleaned_data["format"] == ImportForm.HTCDS
            report = import_file(actor=actor, upload=upload, file_name=upload.name, htcds=htcds)
            if report.ok:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s registratie geïmporteerd.",
                        "%(count)s registraties geïmporteerd.",
                        len(report.created),
                    )
                    % {"count": len(report.created)},
                )
                return redirect("registry:import")
            token = secrets.token_urlsafe(12)
            stored = request.session.get(REPORT_SESSION_KEY, {})
            stored = dict(list(stored.items())[-4:])
            stored[token] = [[e.row, e.column, e.message] for e in report.errors]
            request.session[REPORT_SESSION_KEY] = stored
            context.update({"report": report, "report_token": token})
    else:
        form = ImportForm(allow_htcds=allow_htcds)
    context["form"] = form
    return render(request, "registry/import.html", context)


@require_GET
def import_report_view(request: HttpRequest, token: str) -> HttpResponse:
    actor = request_actor(request)
    if not actor.has(Permission.IMPORT_REGISTRATIONS):
        raise PermissionDenied
    rows = request.session.get(REPORT_SESSION_KEY, {}).get(token)
    if rows is None:
        raise Http404
    errors = [RowError(row=int(r[0]), column=str(r[1]), message=str(r[2])) for r in rows]
    response = HttpResponse(error_report_csv(errors), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="importfouten.csv"'
    return response


def htcds_export_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    actor = request_actor(request)
    if not actor.has(Permission.EXCHANGE_HTCDS):
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request,
            "registry/htcds_export.html",
            {"count": registration_count_for_actor(actor=actor)},
        )
    registrations = registrations_for_export(actor=actor, purpose=Purpose.REGISTRATION)
    # the linked person per row, after the registry's latest de-duplication run
    keys = person_keys(actor=actor, use="htcds_export")
    rows = htcds_rows(registrations.iterator(chunk_size=2000), keys.key if keys else None)
    writer = csvsafe.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="registraties-htcds.csv"'
    return response
