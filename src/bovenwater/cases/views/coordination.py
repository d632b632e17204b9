"""Daily case work: take a case, assign it, correct the case and the victim's details.

Every form carries the case version it was loaded with. A stale form (the case changed
meanwhile) comes back with status 409, the Dutch message, what changed, and the user's
input kept; its version is then the current one, so saving again is a conscious choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Role
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors
from bovenwater.cases.models import Case
from bovenwater.cases.selectors.access import AccessPath
from bovenwater.cases.services.coordination import (
    CaseCore,
    StaleCase,
    VictimData,
    case_assign,
    case_take,
    case_update,
    victim_update,
)
from bovenwater.lib.refusals import REFUSALS, attempt, put_on_form


def _owned(actor: Actor, case_id: int) -> selectors.CaseAccess:
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    if access.via != AccessPath.OWNER:
        raise Http404
    return access


T = TypeVar("T")


@dataclass(frozen=True)
class Unsaved:
    """A versioned save that did not happen, and the status to answer with."""

    status: int


def save_versioned(form: Form, context: dict[str, Any], save: Callable[[], T]) -> T | Unsaved:
    """Run one versioned save (a service call with ``expected_version``): its result, or
    ``Unsaved(409)`` for a stale version (the input kept, the form moved to the current
    version, what changed in ``context``) or ``Unsaved(400)`` for a refusal (on the form)."""
    try:
        return save()
    except StaleCase as error:
        data = form.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(error.current_version)
        form.data = data
        context.update({"stale": error, "changes": error.changes})
        return Unsaved(409)
    except REFUSALS as error:
        put_on_form(form, error)
        return Unsaved(400)


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], form: Form, status: int
) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=status)


@require_POST
def case_take_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    access = _owned(actor, case_id)
    form = case_forms.TakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Laad de pagina opnieuw en probeer het nog eens."))
        return redirect("cases:detail", case_id=case_id)
    attempt(
        request,
        lambda: case_take(
            actor=actor, case=access.case, expected_version=form.cleaned_data["version"]
        ),
        success=_("U bent nu de zorgcoördinator van deze casus."),
    )
    return redirect("cases:detail", case_id=case_id)


def case_assign_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    access = _owned(actor, case_id)
    if actor.role not in (Role.CARE_COORDINATOR, Role.CHAIN_DIRECTOR):
        raise Http404
    case: Case = access.case
    form = case_forms.AssignForm(
        request.POST or None, owner=case.owner, initial={"version": case.version}
    )
    context: dict[str, Any] = {"case": case, "access": access}
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        saved = save_versioned(
            form,
            context,
            lambda: case_assign(
                actor=actor,
                case=case,
                coordinator=form.cleaned_data["coordinator"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if not isinstance(saved, Unsaved):
            messages.success(request, _("De casus is toegewezen."))
            return redirect("cases:detail", case_id=case_id)
        status = saved.status
    return _render(request, "cases/case_assign.html", context, form, status)


def case_edit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    access = _owned(actor, case_id)
    if not access.can_manage:
        raise Http404
    case: Case = access.case
    initial = {
        "version": case.version,
        "exploitation_forms": list(case.forms.all()),
        "sector": case.sector,
        "crime_municipality": case.crime_municipality,
        "came_into_view": case.came_into_view,
        "urgency": case.urgency,
    }
    form = case_forms.CaseCoreForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"case": case, "access": access, "part": "case"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _save_edit(
            request,
            form,
            context,
            lambda: case_update(
                actor=actor,
                case=case,
                data=CaseCore(
                    forms=list(data["exploitation_forms"]),
                    sector=data["sector"],
                    crime_municipality=data["crime_municipality"],
                    came_into_view=data["came_into_view"] or "",
                    urgency=data["urgency"],
                ),
                expected_version=data["version"],
            ),
            f"{_detail(case_id)}?tab=overzicht",
        )
    return _render(request, "cases/case_edit.html", context, form, 400 if form.errors else 200)


def victim_edit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    access = _owned(actor, case_id)
    if not (access.can_manage and access.can_see_victim):
        raise Http404
    case: Case = access.case
    victim = selectors.victim_for_access(actor=actor, access=access)
    fields = [name for name in case_forms.VictimForm.base_fields if name != "version"]
    initial: dict[str, Any] = {"version": case.version}
    if victim is not None:
        initial.update({name: getattr(victim, name) for name in fields})
    form = case_forms.VictimForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"case": case, "access": access, "part": "victim"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _save_edit(
            request,
            form,
            context,
            lambda: victim_update(
                actor=actor,
                case=case,
                data=VictimData(**{name: data[name] for name in fields}),
                expected_version=data["version"],
            ),
            f"{_detail(case_id)}?tab=persoon",
        )
    return _render(request, "cases/case_edit.html", context, form, 400 if form.errors else 200)


def _detail(case_id: int) -> str:
    return reverse("cases:detail", kwargs={"case_id": case_id})


def _save_edit(
    request: HttpRequest,
    form: Form,
    context: dict[str, Any],
    save: Callable[[], list[str]],
    next_url: str,
) -> HttpResponse:
    """One versioned edit: saved → back to the tab; a stale version → 409 with what
    changed; a refusal → the message next to its fields (400). The input stays."""
    changed = save_versioned(form, context, save)
    if isinstance(changed, Unsaved):
        return _render(request, "cases/case_edit.html", context, form, changed.status)
    _saved(request, changed)
    return redirect(next_url)


def _saved(request: HttpRequest, changed: list[str]) -> None:
    if changed:
        messages.success(
            request, _("Opgeslagen. Gewijzigd: %(fields)s.") % {"fields": ", ".join(changed)}
        )
    else:
        messages.info(request, _("Er was niets gewijzigd."))
