"""The transfer of a case to another region's care coordination: propose, answer, and
what the former owner is shown afterwards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bovenwater.accounts.middleware import request_actor
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.transfers import TransferStatus
from bovenwater.cases.views.coordination import Unsaved, _owned, save_versioned
from bovenwater.lib.refusals import REFUSALS, put_on_form
from bovenwater.lib.workflow import Refusal


def _answer_label(status: TransferStatus) -> str:
    return {
        TransferStatus.ACCEPTED: _("Accepteren: wij nemen de casus over"),
        TransferStatus.DECLINED: _("Afwijzen"),
        TransferStatus.WITHDRAWN: _("Voorstel intrekken"),
    }.get(status, str(status.label))


def transfer_create(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = request_actor(request)
    access = _owned(actor, case_id)
    if not access.can_manage:
        raise Http404
    case = access.case
    form = case_forms.TransferForm(
        request.POST or None,
        consents=selectors.active_consents_of_case(case=case),
        owner=case.owner,
        initial={"version": case.version},
    )
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "open_transfer": selectors.open_transfer_of(case_id=case.pk),
    }
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        transfer = save_versioned(
            form,
            context,
            lambda: services.transfer_propose(
                actor=actor,
                case=case,
                to_organisation=data["to_organisation"],
                reason=data["reason"],
                consent=data["consent"],
                legal_basis=data["legal_basis"],
                expected_version=data["version"],
            ),
        )
        if not isinstance(transfer, Unsaved):
            messages.success(
                request,
                _("De overdracht is voorgesteld aan %(org)s. Zij accepteren of wijzen af.")
                % {"org": transfer.to_organisation.name},
            )
            return redirect("cases:transfer", transfer_id=transfer.pk)
        status = transfer.status
    return render(request, "cases/transfer_form.html", {**context, "form": form}, status=status)


def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    actor = request_actor(request)
    view = selectors.transfer_for_actor(actor=actor, transfer_id=transfer_id)
    choices = [(s.value, _answer_label(s)) for s in view.next_states]
    form = case_forms.TransferAnswerForm(request.POST or None, choices=choices)
    status = 200
    if request.method == "POST":
        if not choices:
            raise Http404
        if form.is_valid():
            answer = form.cleaned_data["answer"]
            try:
                services.transfer_answer(
                    actor=actor,
                    transfer=view.transfer,
                    to_status=answer,
                    reason=form.cleaned_data["reason"],
                )
            except REFUSALS as error:  # a missing reason next to the reason field
                missing_reason = getattr(error, "kind", None) == Refusal.REASON_MISSING
                put_on_form(form, error, field="reason" if missing_reason else None)
            else:
                if answer == TransferStatus.ACCEPTED:
                    messages.success(
                        request, _("U heeft de casus overgenomen en bent de zorgcoördinator.")
                    )
                    return redirect("cases:detail", case_id=view.transfer.case_id)
                messages.success(request, _("Uw antwoord is vastgelegd."))
                return redirect("cases:transfer", transfer_id=transfer_id)
        status = 400
    return render(
        request,
        "cases/transfer_detail.html",
        {"view": view, "transfer": view.transfer, "form": form if choices else None},
        status=status,
    )
