"""What the case views share: permission checks, service errors next to form fields, and the case page re-rendered with a form's errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission, Role
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.models import Case
from bovenwater.cases.selectors.access import AccessPath
from bovenwater.cases.selectors.meeting import meetings_for_actor
from bovenwater.cases.workflow import OPEN_STATES, allowed_next_states
from bovenwater.lib.refusals import REFUSALS, put_on_form


def require_permission(actor: Actor, permission: Permission) -> None:
    if not actor.has(permission):
        raise PermissionDenied


def detail_context(
    request: HttpRequest, actor: Actor, case_id: int, **forms: Any
) -> dict[str, Any]:
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    case = access.case
    consents = selectors.consents_for_access(access=access)
    next_states = allowed_next_states(case.state, actor) if access.via == AccessPath.OWNER else []
    tasks = selectors.tasks_for_access(access=access)
    placements = selectors.placements_for_access(access=access)
    tab = request.GET.get("tab", "") if request.method == "GET" else forms.get("tab", "")
    context: dict[str, Any] = {
        "tab": tab if tab in TABS else _default_tab(forms),
        "tabs": [(key, label) for key, label in tab_labels() if _tab_visible(key, access)],
        "open_tasks": [t for t in tasks if t.done_at is None],
        "consents_in_force": [c for c in consents if c.withdrawn_at is None],
        "current_placement": next((p for p in placements if p.departed_on is None), None),
        "registration": selectors.registration_of(actor=actor, case=case),
        "history": selectors.field_history_for_access(actor=actor, access=access),
        "meetings": meetings_for_actor(actor=actor).filter(agenda=case)
        if access.via != AccessPath.REFERRAL
        else [],
        "can_take": access.via == AccessPath.OWNER
        and actor.role == Role.CARE_COORDINATOR
        and case.coordinator_id is None
        and case.state in OPEN_STATES,
        "can_assign": access.via == AccessPath.OWNER
        and actor.role in (Role.CARE_COORDINATOR, Role.CHAIN_DIRECTOR),
        "open_transfer": selectors.open_transfer_of(case_id=case.pk)
        if access.via == AccessPath.OWNER
        else None,
        "stale": forms.get("stale"),
        "open_items": forms.get("open_items", []),
        "changes": forms.get("changes", []),
        "access": access,
        "case": case,
        "victim": selectors.victim_for_access(actor=actor, access=access),
        "events": selectors.timeline_for_access(access=access),
        "consents": consents,
        "referrals": selectors.referrals_for_access(actor=actor, access=access),
        "placements": placements,
        "placement_requests": selectors.placement_requests_for_access(access=access),
        "tasks": tasks,
        "next_states": next_states,
    }
    if access.can_manage:
        active_consents = consents.filter(withdrawn_at__isnull=True)
        context.update(
            transition_form=forms.get("transition_form")
            or case_forms.TransitionForm(
                choices=[(s.value, s.label) for s in next_states],
                initial={"version": case.version},
            ),
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
            consent_form=forms.get("consent_form")
            or case_forms.ConsentForm(own=actor.organisation_id),
            referral_form=forms.get("referral_form")
            or case_forms.ReferralForm(consents=active_consents, own=actor.organisation_id),
            placement_form=forms.get("placement_form")
            or case_forms.PlacementRequestForm(
                initial={"region": actor.organisation.municipality.police_unit_id}
            ),
            task_form=forms.get("task_form") or case_forms.TaskForm(),
            depart_form=case_forms.DepartForm(),
        )
    context["transition_error"] = forms.get("transition_error", "")
    obliged = actor.organisation.kind in services.OBLIGED_KINDS
    if (access.can_manage or obliged) and context["registration"] is None:
        context["register_form"] = case_forms.RegisterForm(
            initial={"basis": "obligation" if obliged else "consent"}
        )
    return context


TABS = ("overzicht", "persoon", "traject", "verwijzingen", "opvang", "overleg", "tijdlijn")


def tab_labels() -> list[tuple[str, str]]:
    return [
        ("overzicht", _("Overzicht")),
        ("persoon", _("Persoon")),
        ("traject", _("Traject")),
        ("verwijzingen", _("Verwijzingen en toestemming")),
        ("opvang", _("Opvang")),
        ("overleg", _("Overleg")),
        ("tijdlijn", _("Tijdlijn")),
    ]


def _tab_visible(key: str, access: selectors.CaseAccess) -> bool:
    if key == "persoon":
        return access.can_see_victim
    if key == "traject":
        return access.shows("b8") or access.via != AccessPath.REFERRAL
    if key == "opvang":
        return access.shows("placements")
    if key == "tijdlijn":
        return access.shows("timeline")
    if key == "overleg":
        return access.via != AccessPath.REFERRAL
    return True


# the tab that holds a form, so a form with errors opens on its own tab
FORM_TABS = {
    "transition_form": "overzicht",
    "b8_form": "traject",
    "task_form": "traject",
    "consent_form": "verwijzingen",
    "referral_form": "verwijzingen",
    "placement_form": "opvang",
    "note_form": "tijdlijn",
}


def _default_tab(forms: dict[str, Any]) -> str:
    for name, tab in FORM_TABS.items():
        if name in forms:
            return tab
    return "overzicht"


def to_tab(case_id: int, tab: str) -> HttpResponse:
    """Back to the case page, on the tab where the action was taken."""

    return redirect(f"{reverse('cases:detail', kwargs={'case_id': case_id})}?tab={tab}")


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
        except REFUSALS as error:
            put_on_form(form, error)
        else:
            messages.success(request, success)
            return to_tab(case_id, FORM_TABS.get(form_name, "overzicht"))
    forms: dict[str, Any] = {form_name: form}
    return render_invalid(request, actor, case_id, **forms)
