"""Views of consents and referrals."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.models import SharedPart
from bovenwater.cases.views.common import (
    managed_case,
    render_invalid,
    simple_post,
    to_tab,
)
from bovenwater.lib.refusals import REFUSALS, attempt, put_on_form


@require_POST
def consent_create(request: HttpRequest, case_id: int) -> HttpResponse:
    return simple_post(
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
    consent = selectors.consent_of_case(case=managed_case(actor, case_id), consent_id=consent_id)
    if consent is None:
        raise Http404
    attempt(
        request,
        lambda: services.consent_withdraw(actor=actor, consent=consent),
        success=_("De toestemming is ingetrokken; de toegang via deze toestemming is beëindigd."),
    )
    return to_tab(consent.case_id, "verwijzingen")


@require_POST
def referral_create(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    case = managed_case(actor, case_id)
    consents = selectors.active_consents_of_case(case=case)
    form = case_forms.ReferralForm(request.POST, consents=consents, own=actor.organisation_id)
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
        except REFUSALS as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("De verwijzing is verzonden."))
            return to_tab(case_id, "verwijzingen")
    return render_invalid(request, actor, case_id, referral_form=form)


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
            except REFUSALS as error:
                put_on_form(form, error)
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
            # the shared parts in words (the stored codes are for the code)
            "shared_parts": [
                str(dict(SharedPart.choices).get(part, part)) for part in referral.shared_parts
            ],
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
        attempt(
            request,
            lambda: services.referral_withdraw(
                actor=actor, referral=referral, reason=form.cleaned_data["reason"]
            ),
            success=_("De verwijzing is ingetrokken."),
        )
    else:
        messages.error(request, _("Geef een reden op."))
    return redirect("cases:referral", referral_id=referral.pk)
