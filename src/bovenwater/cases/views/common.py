"""What the case views share: permission checks, service errors next to form fields, and the case page re-rendered with a form's errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.models import Case
from bovenwater.cases.selectors.access import AccessPath
from bovenwater.cases.workflow import allowed_next_states


def require_permission(actor: Actor, permission: Permission) -> None:
    if not actor.has(permission):
        raise PermissionDenied


def apply_errors(form: Form, error: ValidationError) -> None:
    """Put a service's validation errors next to the fields they name."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def detail_context(
    request: HttpRequest, actor: Actor, case_id: int, **forms: Any
) -> dict[str, Any]:
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    case = access.case
    consents = selectors.consents_for_access(access=access)
    next_states = allowed_next_states(case.state, actor) if access.via == AccessPath.OWNER else []
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


def managed_case(actor: Actor, case_id: int) -> Case:
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    if not access.can_manage:
        raise Http404
    return access.case


def render_invalid(
    request: HttpRequest, actor: Actor, case_id: int, *, status: int = 400, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "cases/case_detail.html",
        detail_context(request, actor, case_id, **forms),
        status=status,
    )


def simple_post(
    request: HttpRequest,
    case_id: int,
    form_class: type[Form],
    form_name: str,
    action: Any,
    success: str,
    **form_kwargs: Any,
) -> HttpResponse:
    actor = request_actor(request)
    case = managed_case(actor, case_id)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            action(actor, case, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("cases:detail", case_id=case_id)
    forms: dict[str, Any] = {form_name: form}
    return render_invalid(request, actor, case_id, **forms)
