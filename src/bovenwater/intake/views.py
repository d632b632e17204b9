"""Intake pages: the anonymous public report, the professional signal, lists and triage."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bovenwater.accounts.middleware import public_view, request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.intake import selectors, services
from bovenwater.intake.forms import (
    OtherPersonForm,
    PublicAdditionForm,
    PublicReportForm,
    SignalForm,
    TriageForm,
    VictimForm,
)
from bovenwater.intake.models import Signal, SignalState, Urgency
from bovenwater.intake.workflow import allowed_next
from bovenwater.lib.formlimits import keeps_oversized_input
from bovenwater.lib.ratelimit import allow
from bovenwater.lib.refusals import REFUSALS, refusal_text
from bovenwater.reference.models import ExploitationForm, Indicator

OTHER_PREFIXES = ("other1", "other2")


@public_view
@keeps_oversized_input
@require_http_methods(["GET", "POST"])
def public_report_view(request: HttpRequest) -> HttpResponse:
    form = PublicReportForm(request.POST or None, initial={"form_token": secrets.token_urlsafe(24)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            return render(request, "intake/public_refused.html", status=400)
        if not allow(request, "public-report"):
            return render(request, "intake/public_refused.html", {"rate_limited": True}, status=429)
        _signal, code = services.public_report_submit(
            data=services.PublicReportInput(
                description=data["description"],
                municipality=data["municipality"],
                place_description=data["place_description"],
                observed_on=data["observed_on"],
                observed_when=data["observed_when"],
                persons_description=data["persons_description"],
                answers=form.indicator_answers()
                | {"minor": data["minor"]}
                | ({"category": data["category"]} if data["category"] else {}),
                involves_minor=data["minor"] == "yes",
                contact_opt_in=data["contact_opt_in"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
            ),
            idempotency_key=data["form_token"],
        )
        return render(request, "intake/public_receipt.html", {"code": code})
    return render(
        request, "intake/public_report.html", {"form": form}, status=400 if form.errors else 200
    )


@public_view
@keeps_oversized_input
@require_http_methods(["GET", "POST"])
def public_addition_view(request: HttpRequest) -> HttpResponse:
    form = PublicAdditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return render(request, "intake/public_refused.html", status=400)
        if not allow(request, "public-addition"):
            return render(request, "intake/public_refused.html", {"rate_limited": True}, status=429)
        if services.public_report_add(
            receipt_code=form.cleaned_data["receipt_code"], text=form.cleaned_data["text"]
        ):
            return render(request, "intake/public_addition_done.html")
        form.add_error(
            "receipt_code",
            _("Deze ontvangstcode kennen wij niet. Controleer de code en probeer het opnieuw."),
        )
    return render(
        request, "intake/public_addition.html", {"form": form}, status=400 if form.errors else 200
    )


def signal_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not (actor.has(Permission.VIEW_SIGNALS) or actor.has(Permission.SUBMIT_SIGNAL)):
        raise PermissionDenied
    filters = selectors.SignalFilter(
        # The inbox opens on the work still open (overdue first); a reporter sees all theirs.
        state=request.GET.get(
            "status", selectors.OPEN if actor.has(Permission.VIEW_SIGNALS) else selectors.ALL
        ),
        overdue_only=request.GET.get("te_laat") == "1",
        reported_by_me=not actor.has(Permission.VIEW_SIGNALS) or request.GET.get("mijn") == "1",
    )
    if filters == selectors.SignalFilter(state=selectors.OPEN):
        # The default view, as two short indexed reads (see the selector).
        signals = selectors.first_open_signals_for_actor(actor=actor, limit=200)
    else:
        signals = list(selectors.signals_for_actor(actor=actor, filters=filters)[:200])
    selectors.signals_shown(actor=actor, references=[signal.reference for signal in signals])
    context = {
        "signals": signals,
        "filters": filters,
        "states": SignalState.choices,
        "overdue": selectors.overdue_count_for_actor(actor=actor),
        "can_view_received": actor.has(Permission.VIEW_SIGNALS),
    }
    return render(request, "intake/signal_list.html", context)


def _indicator_groups(
    form_codes: list[str],
    sector_id: str,
    chosen: set[str] | None = None,
    notes: dict[str, str] | None = None,
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Indicators per catalogue, and within it per theme (rubriek), for the checklist.

    A theme shows collapsed unless one of its indicators is ticked; so the form stays
    short until the professional opens the themes that fit what they saw.
    """
    indicators = (
        Indicator.objects.current()
        .prefetch_related("forms", "sectors")
        .order_by("catalogue", "position")
    )
    if form_codes:
        indicators = indicators.filter(forms__code__in=form_codes)
    if sector_id.isdigit():
        with_sector = indicators.filter(sectors__id=int(sector_id))
        if with_sector.exists():
            indicators = with_sector | indicators.filter(sectors__isnull=True)
    chosen = chosen or set()
    notes = notes or {}
    catalogues: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for indicator in indicators.distinct():
        themes = catalogues.setdefault(indicator.get_catalogue_display(), {})
        themes.setdefault(indicator.group or str(_("Overige signalen")), []).append(
            {
                "indicator": indicator,
                "checked": indicator.code in chosen,
                "note": notes.get(indicator.code, ""),
            }
        )
    return [
        (
            catalogue,
            [
                {
                    "theme": theme,
                    "items": items,
                    "open": any(item["checked"] for item in items),
                    "ticked": sum(1 for item in items if item["checked"]),
                }
                for theme, items in themes.items()
            ],
        )
        for catalogue, themes in catalogues.items()
    ]


def indicator_options_view(request: HttpRequest) -> HttpResponse:
    """htmx partial: the indicator checklist for the chosen forms and sector."""
    form_ids = request.GET.getlist("exploitation_forms")
    codes = list(
        ExploitationForm.objects.filter(pk__in=[i for i in form_ids if i.isdigit()]).values_list(
            "code", flat=True
        )
    )
    context = {"indicator_groups": _indicator_groups(codes, request.GET.get("sector", ""))}
    return render(request, "intake/_indicator_options.html", context)


def _person(form: VictimForm | OtherPersonForm) -> services.PersonInput:
    data = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
    return services.PersonInput(**data)


@require_http_methods(["GET", "POST"])
def signal_create_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not actor.has(Permission.SUBMIT_SIGNAL):
        raise PermissionDenied
    post = request.POST if request.method == "POST" else None
    form = SignalForm(
        post,
        request.FILES or None,
        initial={"form_token": secrets.token_urlsafe(24), "urgency": Urgency.NORMAL},
    )
    victim = VictimForm(post, prefix="victim")
    others = [OtherPersonForm(post, prefix=prefix) for prefix in OTHER_PREFIXES]
    chosen = set(request.POST.getlist("indicator")) if post else set()
    notes = {code: request.POST.get(f"note-{code}", "") for code in chosen}
    if post is not None and all(f.is_valid() for f in (form, victim, *others)):
        data = form.cleaned_data
        indicators = list(Indicator.objects.filter(code__in=chosen))
        signal = services.signal_submit(
            actor=actor,
            data=services.SignalInput(
                description=data["description"],
                municipality=data["municipality"],
                forms=list(data["exploitation_forms"]),
                sector=data["sector"],
                indicators=[(indicator, notes.get(indicator.code, "")) for indicator in indicators],
                victim=_person(victim),
                others=[_person(other) for other in others],
                address=data["address"],
                place_description=data["place_description"],
                urgency=Urgency(data["urgency"]),
                observed_on=data["observed_on"],
            ),
            attachments=data["attachments"],
            idempotency_key=data["form_token"],
        )
        messages.success(
            request,
            _("Uw signaal %(ref)s is ontvangen en doorgestuurd.") % {"ref": signal.reference},
        )
        return redirect("intake:detail", reference=signal.reference)
    form_codes = (
        [f.code for f in form.cleaned_data.get("exploitation_forms", [])]
        if post is not None and hasattr(form, "cleaned_data")
        else []
    )
    context = {
        "form": form,
        "victim": victim,
        "others": others,
        "indicator_groups": _indicator_groups(
            form_codes, request.POST.get("sector", "") if post else "", chosen, notes
        ),
        "has_errors": post is not None,
    }
    return render(
        request, "intake/signal_form.html", context, status=400 if post is not None else 200
    )


def _triage_form(signal: Signal, data: Any = None) -> TriageForm:
    allowed = [(state.value, str(state.label)) for state in allowed_next(SignalState(signal.state))]
    return TriageForm(data, allowed=allowed)


def signal_detail_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = request_actor(request)
    signal = selectors.signal_get_for_actor(actor=actor, reference=reference)
    return _render_detail(request, signal, _triage_form(signal), status=200)


def _render_detail(
    request: HttpRequest, signal: Signal, triage: TriageForm, status: int, error: str = ""
) -> HttpResponse:
    actor = request_actor(request)
    parts = selectors.signal_parts(signal=signal)
    context = {
        "signal": signal,
        "victims": parts.victims,
        "others": parts.others,
        "indicators": parts.indicators,
        "recipients": parts.recipients,
        "events": parts.events,
        "additions": parts.additions,
        "attachments": parts.attachments,
        "public": getattr(signal, "public_details", None),
        "triage": triage if selectors.may_triage(actor=actor, signal=signal) else None,
        "triage_error": error,
    }
    return render(request, "intake/signal_detail.html", context, status=status)


@require_POST
def signal_triage_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor = request_actor(request)
    signal = selectors.signal_get_for_actor(actor=actor, reference=reference)
    triage = _triage_form(signal, request.POST)
    if not triage.is_valid():
        return _render_detail(request, signal, triage, status=400)
    data = triage.cleaned_data
    to_state = SignalState(data["to_state"])
    try:
        if to_state == SignalState.CASE_OPENED:
            services.signal_open_case(actor=actor, signal=signal, reason=data["reason"])
        elif to_state == SignalState.LINKED:
            services.signal_link_case(
                actor=actor,
                signal=signal,
                case_number=data["case_reference"],
                reason=data["reason"],
            )
        else:
            services.signal_transition(
                actor=actor,
                signal=signal,
                to_state=to_state,
                reason=data["reason"],
                forward_to=data["forward_to"],
                case_reference=data["case_reference"].strip(),
            )
    except REFUSALS as error:
        return _render_detail(request, signal, triage, status=409, error=refusal_text(error))
    messages.success(request, _("Het besluit is vastgelegd."))
    return redirect("intake:detail", reference=signal.reference)


def attachment_view(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    attachment, path = selectors.attachment_get_for_actor(
        actor=request_actor(request), reference=reference, attachment_id=attachment_id
    )
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
