"""Case pages: validate input, call selectors and services, render. No business logic."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape  # stdlib: plain str in, plain str out (no lazy wrapper per cell)
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Permission
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.models import Case, CaseState, Shelter, Task
from bovenwater.cases.types import VictimDetails
from bovenwater.cases.workflow import TransitionNotAllowed, allowed_next_states
from bovenwater.reference.models import PoliceUnit


def _require(actor: Actor, permission: Permission) -> None:
    if not actor.has(permission):
        raise PermissionDenied


def _apply_errors(form: Form, error: ValidationError) -> None:
    """Put a service's validation errors next to the fields they name."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# The coordinator's dashboard and case list.


def _case_rows(
    rows: Sequence[selectors.CaseRow], deadlines: list[selectors.Deadline]
) -> tuple[SafeString, SafeString]:
    """The list and deadline table rows as escaped HTML, built once here.

    The markup is the template's (``cases/case_list.html`` keeps the table, caption and
    headers); per-row template nodes, URL reversal, choice labels and date filters were
    most of the page's rendering time. Every value is escaped with ``escape``.
    """
    marker = 999999999
    detail = reverse("cases:detail", kwargs={"case_id": marker})
    prefix, suffix = (escape(part) for part in detail.split(str(marker)))
    states = {value: escape(str(label)) for value, label in CaseState.choices}
    case_rows = "".join(
        f'\n  <tr>\n    <td><a class="utrecht-link" href="{prefix}{row.pk}{suffix}">'
        f"{escape(row.number)}</a></td>\n"
        f"    <td>{states.get(row.state) or escape(row.state)}</td>\n"
        f"    <td>{escape(row.owner_name)}</td>\n"
        "    <td>"
        + escape(
            f"{row.coordinator_first_name or ''} {row.coordinator_last_name or ''}".strip()
            or row.coordinator_username
            or "—"
        )
        + "</td>\n"
        "    <td>"
        + (row.reflection_deadline.strftime("%d-%m-%Y") if row.reflection_deadline else "—")
        + "</td>\n"
        f"    <td>{timezone.localtime(row.opened_at).strftime('%d-%m-%Y')}</td>\n"
        "  </tr>\n  "
        for row in rows
    )
    overdue_label = escape(_("Verlopen of vandaag"))
    soon_label = escape(_("Binnenkort"))
    deadline_rows = []
    for d in deadlines:
        due_on = d.due_on.strftime("%d-%m-%Y")
        if d.overdue:
            due = (
                '<span class="bw-overdue" data-testid="deadline-overdue">'
                f"{overdue_label}: {due_on}</span>"
            )
        elif d.due_soon:
            due = f"<strong>{soon_label}: {due_on}</strong>"
        else:
            due = due_on
        deadline_rows.append(
            "\n  <tr" + (' class="bw-overdue-row"' if d.overdue else "") + ">\n"
            f'    <td><a class="utrecht-link" href="{prefix}{d.case_pk}{suffix}">'
            f"{escape(d.case_number)}</a></td>\n"
            f"    <td>{escape(d.label)}</td>\n"
            f"    <td>{due}</td>\n"
            "  </tr>\n  "
        )
    return mark_safe(case_rows), mark_safe("".join(deadline_rows))  # noqa: S308 (every value escaped above)


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
    _require(actor, Permission.VIEW_CASES)
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
    rows, deadlines = _case_rows(dashboard.rows, dashboard.deadlines)
    context = {
        "form": form,
        "filter_fields": _filter_fields(form),
        "page": dashboard.page,
        "rows": rows,
        "deadlines": deadlines,
        "incoming": dashboard.incoming,
        "can_open": actor.has(Permission.MANAGE_CASES),
        "can_break_glass": actor.has(Permission.EMERGENCY_ACCESS),
    }
    return render(request, "cases/case_list.html", context)


def case_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require(actor, Permission.MANAGE_CASES)
    form = case_forms.CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=actor,
                owner=actor.organisation,
                coordinator=actor.user if actor.role == "care_coordinator" else None,
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
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Casus %(number)s is geopend.") % {"number": case.number})
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# The case page.


def _detail_context(
    request: HttpRequest, actor: Actor, case_id: int, **forms: Any
) -> dict[str, Any]:
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    case = access.case
    consents = selectors.consents_for_access(access=access)
    next_states = allowed_next_states(case.state, actor.role) if access.via == "owner" else []
    context: dict[str, Any] = {
        "access": access,
        "case": case,
        "victim": selectors.victim_for_access(actor=actor, access=access),
        "events": selectors.timeline_for_access(access=access),
        "consents": consents,
        "referrals": selectors.referrals_for_access(actor=actor, access=access),
        "placements": selectors.placements_for_access(access=access),
        "placement_requests": selectors.placement_requests_for_access(access=access),
        "tasks": selectors.tasks_for_access(access=access),
        "next_states": next_states,
    }
    if access.can_manage:
        active_consents = consents.filter(withdrawn_at__isnull=True)
        context.update(
            transition_form=forms.get("transition_form")
            or case_forms.TransitionForm(choices=[(s.value, s.label) for s in next_states]),
            note_form=forms.get("note_form") or case_forms.NoteForm(),
            b8_form=forms.get("b8_form")
            or case_forms.B8Form(
                initial={
                    "reflection_started_on": case.reflection_started_on,
                    "dublin_claimant": case.dublin_claimant,
                    "cooperation_decision": case.cooperation_decision,
                    "permit_status": case.permit_status,
                }
            ),
            consent_form=forms.get("consent_form") or case_forms.ConsentForm(),
            referral_form=forms.get("referral_form")
            or case_forms.ReferralForm(consents=active_consents),
            placement_form=forms.get("placement_form")
            or case_forms.PlacementRequestForm(
                initial={"region": actor.organisation.municipality.police_unit_id}
            ),
            task_form=forms.get("task_form") or case_forms.TaskForm(),
            depart_form=case_forms.DepartForm(),
        )
    context["transition_error"] = forms.get("transition_error", "")
    obliged = actor.organisation.kind in services.OBLIGED_KINDS
    if access.can_manage or obliged:
        context["register_form"] = case_forms.RegisterForm(
            initial={"basis": "obligation" if obliged else "consent"}
        )
    return context


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    return render(request, "cases/case_detail.html", _detail_context(request, actor, case_id))


def _managed(actor: Actor, case_id: int) -> Case:
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    if not access.can_manage:
        raise Http404
    return access.case


def _invalid(
    request: HttpRequest, actor: Actor, case_id: int, *, status: int = 400, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "cases/case_detail.html",
        _detail_context(request, actor, case_id, **forms),
        status=status,
    )


@require_POST
def case_transition(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = _managed(actor, case_id)
    states = [(s.value, s.label) for s in CaseState]
    form = case_forms.TransitionForm(request.POST, choices=states)
    if not form.is_valid():
        return _invalid(request, actor, case_id, transition_form=form)
    try:
        services.case_transition(
            actor=actor,
            case=case,
            to_state=form.cleaned_data["to_state"],
            reason=form.cleaned_data["reason"],
        )
    except TransitionNotAllowed as error:
        form.add_error("to_state", error.message)
        return _invalid(
            request,
            actor,
            case_id,
            status=409,
            transition_form=form,
            transition_error=error.message,
        )
    messages.success(request, _("De status is gewijzigd."))
    return redirect("cases:detail", case_id=case_id)


def _simple_post(
    request: HttpRequest,
    case_id: int,
    form_class: type[Form],
    form_name: str,
    action: Any,
    success: str,
    **form_kwargs: Any,
) -> HttpResponse:
    actor = request_actor(request)
    case = _managed(actor, case_id)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            action(actor, case, form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("cases:detail", case_id=case_id)
    forms: dict[str, Any] = {form_name: form}
    return _invalid(request, actor, case_id, **forms)


@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    return _simple_post(
        request,
        case_id,
        case_forms.NoteForm,
        "note_form",
        lambda actor, case, data: services.case_note_add(actor=actor, case=case, text=data["text"]),
        _("De notitie is toegevoegd."),
    )


@require_POST
def case_b8(request: HttpRequest, case_id: int) -> HttpResponse:
    return _simple_post(
        request,
        case_id,
        case_forms.B8Form,
        "b8_form",
        lambda actor, case, data: services.case_b8_update(actor=actor, case=case, **data),
        _("Het B8-traject is bijgewerkt."),
    )


@require_POST
def consent_create(request: HttpRequest, case_id: int) -> HttpResponse:
    return _simple_post(
        request,
        case_id,
        case_forms.ConsentForm,
        "consent_form",
        lambda actor, case, data: services.consent_record(actor=actor, case=case, **data),
        _("De toestemming is vastgelegd."),
    )


@require_POST
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    actor = request_actor(request)
    case_id = selectors.consent_case_id(consent_id)
    if case_id is None:
        raise Http404
    consent = selectors.consent_of_case(case=_managed(actor, case_id), consent_id=consent_id)
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(actor=actor, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("De toestemming is ingetrokken; de toegang via deze toestemming is beëindigd."),
        )
    return redirect("cases:detail", case_id=consent.case_id)


@require_POST
def referral_create(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = _managed(actor, case_id)
    consents = selectors.active_consents_of_case(case=case)
    form = case_forms.ReferralForm(request.POST, consents=consents)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_send(
                actor=actor,
                case=case,
                to_organisation=data["to_organisation"],
                kind=data["kind"],
                shared_parts=data["shared_parts"],
                consent=data["consent"],
                legal_basis=data["legal_basis"],
                note=data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("De verwijzing is verzonden."))
            return redirect("cases:detail", case_id=case_id)
    return _invalid(request, actor, case_id, referral_form=form)


@require_POST
def placement_request_create(request: HttpRequest, case_id: int) -> HttpResponse:
    return _simple_post(
        request,
        case_id,
        case_forms.PlacementRequestForm,
        "placement_form",
        lambda actor, case, data: services.placement_request_create(actor=actor, case=case, **data),
        _("De plaatsing is aangevraagd en staat op de wachtlijst."),
    )


@require_POST
def task_create(request: HttpRequest, case_id: int) -> HttpResponse:
    return _simple_post(
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
    task = Task.objects.select_related("case").filter(pk=task_id).first()
    if task is None:
        raise Http404
    _managed(actor, task.case_id)
    try:
        services.task_complete(actor=actor, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("cases:detail", case_id=task.case_id)


@require_POST
def placement_depart(request: HttpRequest, placement_id: int) -> HttpResponse:
    actor = request_actor(request)
    placement = selectors.placement_get_for_actor(actor=actor, placement_id=placement_id)
    _managed(actor, placement.case_id)
    form = case_forms.DepartForm(request.POST)
    if form.is_valid():
        try:
            services.placement_depart(
                actor=actor,
                placement=placement,
                departed_on=form.cleaned_data["departed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Het vertrek is vastgelegd."))
    else:
        messages.error(request, _("Vul de datum en de reden van vertrek in."))
    return redirect("cases:detail", case_id=placement.case_id)


@require_POST
def case_register(request: HttpRequest, case_id: int) -> HttpResponse:
    """Hand the case over to the national registration (consent or obligation)."""
    actor = request_actor(request)
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    form = case_forms.RegisterForm(request.POST)
    if form.is_valid():
        try:
            services.case_register(actor=actor, case=access.case, basis=form.cleaned_data["basis"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(
                request, _("U mag deze casus niet aanmelden bij de landelijke registratie.")
            )
        else:
            messages.success(request, _("De casus is aangemeld bij de landelijke registratie."))
    else:
        messages.error(request, _("Kies een grondslag voor de registratie."))
    return redirect("cases:detail", case_id=case_id)


# Referrals.


def referral_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    referrals = selectors.referrals_list_for_actor(actor=actor)
    return render(request, "cases/referral_list.html", {"referrals": referrals[:200]})


def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor = request_actor(request)
    referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
    form = case_forms.RespondForm(request.POST or None)
    withdraw_form = case_forms.ReasonForm(prefix="withdraw")
    status = 200
    if request.method == "POST":
        accept = request.POST.get("decision") == "accept"
        if form.is_valid():
            try:
                services.referral_respond(
                    actor=actor,
                    referral=referral,
                    accept=accept,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("De verwijzing is geaccepteerd.")
                    if accept
                    else _("De verwijzing is afgewezen."),
                )
                return redirect("cases:referral", referral_id=referral.pk)
        status = 400
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "form": form,
            "withdraw_form": withdraw_form,
            "is_receiver": referral.to_organisation_id == actor.organisation_id,
            "is_sender": referral.case.owner_id == actor.organisation_id
            and actor.has(Permission.MANAGE_CASES),
        },
        status=status,
    )


@require_POST
def referral_withdraw(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor = request_actor(request)
    referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
    if referral.case.owner_id != actor.organisation_id:
        raise Http404
    form = case_forms.ReasonForm(request.POST, prefix="withdraw")
    if form.is_valid():
        try:
            services.referral_withdraw(
                actor=actor, referral=referral, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("De verwijzing is ingetrokken."))
    else:
        messages.error(request, _("Geef een reden op."))
    return redirect("cases:referral", referral_id=referral.pk)


# Shelter capacity and the waiting list.


def _region(request: HttpRequest, actor: Actor) -> PoliceUnit | None:
    value = request.GET.get("regio", "")
    if value == "alle":
        return None
    if value.isdigit():
        return PoliceUnit.objects.filter(pk=int(value)).first()
    return PoliceUnit.objects.filter(pk=actor.organisation.municipality.police_unit_id).first()


def capacity_board(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    region = _region(request, actor)
    region_id = region.pk if region is not None else None
    rows = selectors.capacity_board(actor=actor, region_id=region_id)
    waiting = list(selectors.waiting_list(actor=actor, region_id=region_id)[:200])
    registrar = selectors.is_national_registrar(actor)
    placeable = []
    for request_row in waiting:
        own = request_row.case.owner_id == actor.organisation_id and actor.has(
            Permission.MANAGE_CASES
        )
        can_place = registrar or (own and request_row.category != "cosm")
        shelters = Shelter.objects.filter(
            capacities__category=request_row.category, region_id=request_row.region_id
        ).order_by("name")
        placeable.append(
            {
                "request": request_row,
                "own": own,
                "can_place": can_place,
                "form": case_forms.PlaceForm(shelters=shelters, prefix=f"r{request_row.pk}")
                if can_place
                else None,
            }
        )
    context = {
        "rows": rows,
        "waiting": placeable,
        "region": region,
        "regions": PoliceUnit.objects.order_by("name"),
        "registrar": registrar,
    }
    template = (
        "cases/_capacity.html" if request.headers.get("HX-Request") else "cases/capacity.html"
    )
    return render(request, template, context)


@require_POST
def placement_create(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = request_actor(request)
    placement_request = selectors.placement_request_get_for_actor(
        actor=actor, request_id=request_id
    )
    shelters = Shelter.objects.filter(capacities__category=placement_request.category)
    form = case_forms.PlaceForm(request.POST, shelters=shelters, prefix=f"r{request_id}")
    if form.is_valid():
        try:
            services.placement_create(
                actor=actor, request=placement_request, shelter=form.cleaned_data["shelter"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Geen toegang."))
        else:
            messages.success(request, _("De plaatsing is vastgelegd."))
    else:
        messages.error(request, _("Kies een opvanglocatie."))
    return redirect(f"{_capacity_url()}?regio={placement_request.region_id}")


def _capacity_url() -> str:
    from django.urls import reverse

    return reverse("cases:capacity")


# Break the glass.


def emergency_access(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _require(actor, Permission.EMERGENCY_ACCESS)
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
            except ValidationError as error:
                _apply_errors(form, error)
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


# Case meetings.


def _partner_organisations(actor: Actor) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        is_active=True, municipality__police_unit_id=actor.organisation.municipality.police_unit_id
    ).order_by("name")


def meeting_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    meetings = selectors.meetings_for_actor(actor=actor)
    form = None
    if actor.has(Permission.MANAGE_MEETINGS):
        cases = selectors.cases_visible_to(actor).filter(
            state__in=[s.value for s in CaseState if s not in ("closed", "dropped_out")]
        )
        form = case_forms.MeetingForm(
            request.POST or None, cases=cases, attendees=_partner_organisations(actor)
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    actor=actor,
                    title=data["title"],
                    held_on=data["held_on"],
                    attendees=list(data["attendees"]),
                    agenda=list(data["agenda"]),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Het casusoverleg is gepland."))
                return redirect("cases:meeting", meeting_id=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "cases/meeting_list.html",
        {"meetings": meetings[:100], "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = request_actor(request)
    meeting = selectors.meeting_get_for_actor(actor=actor, meeting_id=meeting_id)
    visible = selectors.meeting_cases_visible(actor=actor, meeting=meeting)
    visible_ids = set(visible.values_list("pk", flat=True))
    decisions = [
        d
        for d in meeting.decisions.select_related("case", "owner_organisation")
        if d.case_id in visible_ids
    ]
    form = None
    can_decide = (
        actor.has(Permission.MANAGE_MEETINGS) and meeting.organiser_id == actor.organisation_id
    )
    if can_decide:
        form = case_forms.DecisionForm(
            request.POST or None, cases=visible, owners=meeting.attendees.order_by("name")
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_decision_add(actor=actor, meeting=meeting, **data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Het besluit is vastgelegd."))
                return redirect("cases:meeting", meeting_id=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    hidden = meeting.agenda.count() - len(visible_ids)
    return render(
        request,
        "cases/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": visible.order_by("number"),
            "hidden": hidden,
            "decisions": decisions,
            "attendees": meeting.attendees.order_by("name"),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


# Administrative measures.


def measure_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    measures = selectors.measures_for_actor(actor=actor)
    form = None
    if actor.has(Permission.MANAGE_MEASURES):
        form = case_forms.MeasureForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            case = None
            if data["case_number"]:
                access = selectors.case_access_by_number(actor=actor, number=data["case_number"])
                if access is None:
                    form.add_error("case_number", _("Deze casus is niet gevonden."))
                else:
                    case = access.case
            if not form.errors:
                try:
                    measure = services.measure_create(
                        actor=actor,
                        kind=data["kind"],
                        target=data["target"],
                        legal_ground=data["legal_ground"],
                        started_on=data["started_on"],
                        case=case,
                        signal_reference=data["signal_reference"],
                    )
                except ValidationError as error:
                    _apply_errors(form, error)
                else:
                    messages.success(request, _("De maatregel is vastgelegd."))
                    return redirect("cases:measure", measure_id=measure.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "cases/measure_list.html",
        {"measures": measures[:200], "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def measure_detail(request: HttpRequest, measure_id: int) -> HttpResponse:
    actor = request_actor(request)
    measure = selectors.measure_get_for_actor(actor=actor, measure_id=measure_id)
    can_edit = measure.owner_id == actor.organisation_id and actor.has(Permission.MANAGE_MEASURES)
    form = None
    if can_edit:
        form = case_forms.MeasureStatusForm(
            request.POST or None, initial={"status": measure.status, "ended_on": measure.ended_on}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.measure_set_status(actor=actor, measure=measure, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("De maatregel is bijgewerkt."))
                return redirect("cases:measure", measure_id=measure.pk)
    elif request.method == "POST":
        raise PermissionDenied
    case_visible = measure.case is not None and (
        selectors.case_access(actor=actor, case=measure.case) is not None
    )
    return render(
        request,
        "cases/measure_detail.html",
        {"measure": measure, "form": form, "case_visible": case_visible},
        status=400 if form is not None and form.errors else 200,
    )
