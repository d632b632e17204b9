"""Views of the case itself: the dashboard and case list, opening, the case page, status, notes, B8, tasks and break the glass."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.models import CaseState
from bovenwater.cases.services.coordination import ClosureBlocked, StaleCase
from bovenwater.cases.types import VictimDetails
from bovenwater.cases.views.common import (
    detail_context,
    managed_case,
    render_invalid,
    require_permission,
    simple_post,
    to_tab,
)
from bovenwater.lib import formatting
from bovenwater.lib.refusals import REFUSALS, attempt, put_on_form, refusal_text


def _display_rows(
    rows: Sequence[selectors.CaseRow],
    deadlines: list[selectors.Deadline],
    queue: Iterable[selectors.QueueRow],
    transfers: Iterable[selectors.IncomingTransfer],
) -> tuple[
    list[dict[str, object]],
    list[dict[str, object]],
    list[dict[str, object]],
    list[dict[str, object]],
]:
    """The list, deadline, work-queue and transfer rows as the template shows them,
    formatted once.

    The template (``cases/case_list.html``) holds all markup and escapes every value; per
    row it only reads prepared strings from a dict (the fastest lookup of the template
    language). The case URL is reversed once; choice labels and dates are formatted here,
    each distinct date once (a row's ``get_state_display`` or ``|date`` filter costs more
    than the rest of the row).
    """
    marker = 999999999
    prefix, suffix = reverse("cases:detail", kwargs={"case_id": marker}).split(str(marker))
    states = {value: str(label) for value, label in CaseState.choices}
    opened_on: dict[object, str] = {}
    case_rows: list[dict[str, object]] = [
        {
            "url": f"{prefix}{row.pk}{suffix}",
            "number": row.number,
            "state": states.get(row.state) or row.state,
            "owner": row.owner_name,
            "coordinator": f"{row.coordinator_first_name or ''} {row.coordinator_last_name or ''}".strip()
            or row.coordinator_username
            or "—",
            "deadline": row.reflection_deadline.strftime("%d-%m-%Y")
            if row.reflection_deadline
            else "—",
            "opened": timezone.localtime(row.opened_at).strftime("%d-%m-%Y"),
        }
        for row in rows
    ]
    overdue, soon = _("Verlopen of vandaag"), _("Binnenkort")
    deadline_rows: list[dict[str, object]] = []
    for d in deadlines:
        due_on = d.due_on.strftime("%d-%m-%Y")
        deadline_rows.append(
            {
                "url": f"{prefix}{d.case_pk}{suffix}",
                "number": d.case_number,
                "label": d.label,
                # one markup for every row (rowloop): the urgency as class and text
                "row_class": "bw-deadline bw-overdue-row" if d.overdue else "bw-deadline",
                "due_class": "bw-overdue"
                if d.overdue
                else "bw-due-soon"
                if d.due_soon
                else "bw-due-later",
                "due": f"{overdue}: {due_on}"
                if d.overdue
                else f"{soon}: {due_on}"
                if d.due_soon
                else due_on,
            }
        )

    def day_of(moment: datetime.datetime) -> str:
        day = timezone.localtime(moment).date()
        if day not in opened_on:
            opened_on[day] = formatting.date(day)
        return opened_on[day]

    queue_rows: list[dict[str, object]] = [
        {
            "url": f"{prefix}{row.pk}{suffix}",
            "number": row.number,
            "state": states.get(row.state) or row.state,
            "opened": day_of(row.opened_at),
        }
        for row in queue
    ]
    transfer_rows: list[dict[str, object]] = [
        {
            "url": reverse("cases:transfer", args=[t.pk]),
            "number": t.case_number,
            "from": t.from_name,
            "proposed": day_of(t.proposed_at),
        }
        for t in transfers
    ]
    return case_rows, deadline_rows, queue_rows, transfer_rows


FILTER_FIELDS_TEMPLATE = "cases/includes/case_filter_fields.html"


@functools.lru_cache(maxsize=64)
def _filter_fields_for(language: str, state: str, mine: str | None) -> SafeString:
    """The filter's fields for one valid input, rendered once per process.

    The fields hold no personal data and no token, and depend only on the language and
    the input; Django renders a select option by option through templates, which was a
    tenth of the page's time. ``language`` is part of the key (and active here).
    """
    data = {"state": state} if mine is None else {"state": state, "mine": mine}
    form = case_forms.CaseFilterForm(data)
    return mark_safe(render_to_string(FILTER_FIELDS_TEMPLATE, {"form": form}))  # noqa: S308 (rendered by the template engine, autoescaped)


def _filter_fields(form: case_forms.CaseFilterForm) -> SafeString:
    """The filter's fields with the user's input kept; with errors rendered afresh."""
    if not form.is_bound:
        return _filter_fields_for(get_language(), "", None)
    if form.errors:
        return mark_safe(render_to_string(FILTER_FIELDS_TEMPLATE, {"form": form}))  # noqa: S308 (autoescaped template)
    return _filter_fields_for(get_language(), form.data.get("state", ""), form.data.get("mine"))


def case_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_permission(actor, Permission.VIEW_CASES)
    form = case_forms.CaseFilterForm(request.GET or None)
    filters = selectors.CaseListFilter()
    if form.is_valid():
        filters = selectors.CaseListFilter(
            state=form.cleaned_data.get("state") or "",
            mine=bool(form.cleaned_data.get("mine")),
        )
    dashboard = selectors.case_dashboard_for_actor(
        actor=actor, filters=filters, page_number=request.GET.get("pagina")
    )
    queue = selectors.work_queue_for_actor(actor=actor, limit=selectors.WORK_QUEUE_SHOWN + 1)
    rows, deadlines, work_queue, incoming_transfers = _display_rows(
        dashboard.rows,
        dashboard.deadlines,
        queue[: selectors.WORK_QUEUE_SHOWN],
        selectors.incoming_transfers_for_actor(actor=actor),
    )
    context = {
        "form": form,
        "filter_fields": _filter_fields(form),
        "page": dashboard.page,
        "rows": rows,
        "deadlines": deadlines,
        "incoming": dashboard.incoming,
        "work_queue": work_queue,
        "work_queue_more": len(queue) > selectors.WORK_QUEUE_SHOWN,
        "incoming_transfers": incoming_transfers,
        "can_open": actor.has(Permission.MANAGE_CASES),
        "can_break_glass": actor.has(Permission.EMERGENCY_ACCESS),
    }
    return render(request, "cases/case_list.html", context)


def work_queue(request: HttpRequest) -> HttpResponse:
    """The whole work queue: open cases of the organisation without a coordinator."""
    actor = request_actor(request)
    require_permission(actor, Permission.VIEW_CASES)
    limit = selectors.WORK_QUEUE_PAGE
    queue, more = selectors.work_queue_page_for_actor(actor=actor, limit=limit)
    rows = _display_rows([], [], queue, [])[2]
    return render(
        request,
        "cases/work_queue.html",
        {"work_queue": rows, "more": more, "limit": limit},
    )


def case_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_permission(actor, Permission.MANAGE_CASES)
    form = case_forms.CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=actor,
                owner=actor.organisation,
                coordinator=services.default_coordinator(actor),
                victim=VictimDetails(
                    estimated_age=data["estimated_age"],
                    date_of_birth=data["date_of_birth"],
                    is_minor=data["is_minor"],
                    gender=data["gender"],
                    nationality=data["nationality"],
                    language=data["language"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                ),
                forms=list(data["exploitation_forms"]),
                crime_municipality=data["crime_municipality"],
                reason=data["reason"],
            )
        except REFUSALS as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("Casus %(number)s is geopend.") % {"number": case.number})
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    try:
        context = detail_context(request, actor, case_id)
    except Http404:
        # a receiver whose access ended with a withdrawn consent is told so, and no more
        if selectors.ended_share_for_actor(actor=actor, case_id=case_id) is not None:
            return render(request, "cases/no_longer_shared.html", status=404)
        # a former owner after a transfer is told where the case went, and no more
        transfer = selectors.transferred_away_for_actor(actor=actor, case_id=case_id)
        if transfer is not None:
            return render(request, "cases/transferred.html", {"transfer": transfer}, status=404)
        raise
    return render(request, "cases/case_detail.html", context)


@require_POST
def case_transition(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = managed_case(actor, case_id)
    states = [(s.value, s.label) for s in CaseState]
    form = case_forms.TransitionForm(request.POST, choices=states)
    if not form.is_valid():
        return render_invalid(request, actor, case_id, transition_form=form)
    try:
        services.case_transition(
            actor=actor,
            case=case,
            to_state=form.cleaned_data["to_state"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("version"),
        )
    except StaleCase as error:
        data = form.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(error.current_version)
        form.data = data
        return render_invalid(
            request,
            actor,
            case_id,
            status=409,
            transition_form=form,
            stale=error,
            changes=error.changes,
        )
    except ClosureBlocked as error:
        return render_invalid(
            request,
            actor,
            case_id,
            status=409,
            transition_form=form,
            transition_error=error.messages[0],
            open_items=error.open_items,
        )
    except REFUSALS as error:
        put_on_form(form, error, field="to_state")
        return render_invalid(
            request,
            actor,
            case_id,
            status=409,
            transition_form=form,
            transition_error=refusal_text(error),
        )
    messages.success(request, _("De status is gewijzigd."))
    return redirect("cases:detail", case_id=case_id)


@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    return simple_post(
        request,
        case_id,
        case_forms.NoteForm,
        "note_form",
        lambda actor, case, data: services.case_note_add(actor=actor, case=case, text=data["text"]),
        _("De notitie is toegevoegd."),
    )


@require_POST
def case_b8(request: HttpRequest, case_id: int) -> HttpResponse:
    return simple_post(
        request,
        case_id,
        case_forms.B8Form,
        "b8_form",
        lambda actor, case, data: services.case_b8_update(actor=actor, case=case, **data),
        _("Het B8-traject is bijgewerkt."),
    )


@require_POST
def task_create(request: HttpRequest, case_id: int) -> HttpResponse:
    return simple_post(
        request,
        case_id,
        case_forms.TaskForm,
        "task_form",
        lambda actor, case, data: services.task_create(actor=actor, case=case, **data),
        _("De taak is toegevoegd."),
    )


@require_POST
def task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = request_actor(request)
    task = selectors.task_by_id(task_id)
    if task is None:
        raise Http404
    managed_case(actor, task.case_id)
    attempt(request, lambda: services.task_complete(actor=actor, task=task))
    return to_tab(task.case_id, "traject")


def emergency_access(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    require_permission(actor, Permission.EMERGENCY_ACCESS)
    form = case_forms.EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = selectors.case_by_number(form.cleaned_data["number"])
        if case is None:
            form.add_error("number", _("Er is geen casus met dit nummer."))
        else:
            try:
                services.emergency_access_open(
                    actor=actor, case=case, reason=form.cleaned_data["reason"]
                )
            except REFUSALS as error:
                put_on_form(form, error)
            else:
                messages.warning(
                    request,
                    _("Noodtoegang vastgelegd en gemeld aan de functionaris gegevensbescherming."),
                )
                return redirect("cases:detail", case_id=case.pk)
    return render(
        request, "cases/emergency_access.html", {"form": form}, status=400 if form.errors else 200
    )


def emergency_access_log(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    accesses = selectors.emergency_accesses_for_privacy_officer(actor=actor)
    return render(request, "cases/emergency_log.html", {"accesses": accesses[:500]})
