"""The sociale kaart: help and expertise in the region, searchable by need, on a map,
as a PDF per region, and maintained by the beheerder (form and CSV import)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.accounts.roles import Permission
from bovenwater.kompas import cards, geo, selectors, socialmap, socialmap_services
from bovenwater.kompas.forms import HelpEntryForm, HelpImportForm
from bovenwater.kompas.models import HelpCategory, HelpEntry, TargetGroup, TargetKind
from bovenwater.kompas.pdf import pdf_response
from bovenwater.kompas.views.common import PURPOSE, base, note_and_share
from bovenwater.lib.refusals import REFUSALS, put_on_form
from bovenwater.reference.models import Municipality, PoliceUnit


def _unit(request: HttpRequest, actor: Actor) -> PoliceUnit:
    code = request.GET.get("regio", "")
    unit = PoliceUnit.objects.current().filter(code=code).first() if code else None
    return unit or actor.organisation.municipality.police_unit


def _need(request: HttpRequest) -> socialmap.Need:
    need = socialmap.understand(request.GET.get("vraag", "")[:200])
    for key, attr, values in (
        ("soort", "category", HelpCategory.values),
        ("doelgroep", "group", TargetGroup.values),
    ):
        if request.GET.get(key) in values:
            setattr(need, attr, request.GET[key])
    if request.GET.get("taal", "").strip():
        need.language = request.GET["taal"].strip()[:40]
    return need


def _context(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    need = _need(request)
    unit = _unit(request, actor)
    if need.place is not None:
        unit = PoliceUnit.objects.current().get(code=need.place.police_unit)
    found = socialmap.find(selectors.help_entries(), need, unit.code)
    codes = list(
        Municipality.objects.current().filter(police_unit=unit).values_list("code", flat=True)
    )
    marked = {
        f.entry.municipality.code for f in found if f.entry.municipality and f.where != "landelijk"
    }
    areas, width, height = geo.region_map(codes, marked)
    organisations = (
        selectors.region_organisations(actor=actor)
        if unit == actor.organisation.municipality.police_unit
        else []
    )
    return {
        "need": need,
        "unit": unit,
        "units": PoliceUnit.objects.current().order_by("name"),
        "found": found,
        "here": [f for f in found if f.where == "hier"],
        "region": [f for f in found if f.where == "regio"],
        "national": [f for f in found if f.where == "landelijk"],
        "areas": areas,
        "map_width": width,
        "map_height": height,
        "organisations": organisations,
        "categories": HelpCategory.choices,
        "groups": TargetGroup.choices,
        "query": request.GET.get("vraag", ""),
        "chain_key": f"{cards.CHAIN_PREFIX}{actor.organisation.municipality.police_unit.code}",
    }


@require_http_methods(["GET", "POST"])
def social_map_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = _context(request, actor)
    note_form, share_form, done = note_and_share(
        request, actor, TargetKind.CARD, [(context["chain_key"], _("Ketenpartners in de regio"))]
    )
    if done is not None:
        return done
    notes = selectors.notes_for_actor(
        actor=actor, purpose=PURPOSE, kind=TargetKind.CARD, target=context["chain_key"]
    )
    return render(
        request,
        "kompas/social_map.html",
        {
            **base(actor),
            **context,
            "notes": notes,
            "note_form": note_form,
            "share_form": share_form,
        },
    )


def social_map_pdf_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = _context(request, actor)
    return pdf_response(
        "kompas/pdf/chain_card.html", context, f"sociale kaart {context['unit'].name}", request
    )


def help_entry_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    entry = selectors.help_entry(pk)
    if entry is None:
        raise Http404
    can_edit = (
        actor.has(Permission.MANAGE_SOCIAL_MAP)
        and entry.police_unit_id == actor.organisation.municipality.police_unit_id
    )
    return render(
        request, "kompas/help_entry.html", {**base(actor), "entry": entry, "can_edit": can_edit}
    )


def _initial(entry: HelpEntry) -> dict[str, Any]:
    return {
        "naam": entry.name,
        "soort": entry.category,
        "gemeente": entry.municipality.name if entry.municipality else "",
        "diensten": entry.services,
        "doelgroepen": entry.target_groups,
        "talen": entry.languages,
        "adres": entry.address,
        "telefoon": entry.phone,
        "email": entry.email,
        "website": entry.website,
        "openingstijden": entry.opening_hours,
        "dag_en_nacht": entry.always_open,
        "doorverwijzen": entry.referral,
    }


@require_http_methods(["GET", "POST"])
def help_entry_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = request_actor(request)
    unit = socialmap_services.region_of(actor)
    entry = None if pk is None else selectors.help_entry_for_editor(actor=actor, pk=pk)
    form = HelpEntryForm(initial=_initial(entry) if entry else None)
    if request.method == "POST" and request.POST.get("action") == "delete" and entry is not None:
        socialmap_services.entry_delete(actor=actor, entry=entry)
        messages.success(request, _("Verwijderd van de sociale kaart."))
        return redirect("kompas:social_map")
    if request.method == "POST":
        form = HelpEntryForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["doelgroepen"] = ";".join(data.get("doelgroepen") or [])
            data["dag_en_nacht"] = "ja" if data.get("dag_en_nacht") else "nee"
            try:
                saved = socialmap_services.entry_save(actor=actor, data=data, entry=entry)
            except REFUSALS as error:
                put_on_form(form, error)
            else:
                messages.success(request, _("Opgeslagen op de sociale kaart."))
                return redirect("kompas:help_entry", pk=saved.pk)
    return render(
        request,
        "kompas/help_entry_form.html",
        {**base(actor), "form": form, "entry": entry, "unit": unit},
    )


@require_http_methods(["GET", "POST"])
def help_import_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    unit = socialmap_services.region_of(actor)
    form = HelpImportForm()
    refused = None
    if request.method == "POST":
        form = HelpImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                created, updated = socialmap_services.import_csv(
                    actor=actor, data=form.cleaned_data["bestand"].read()
                )
            except socialmap_services.ImportRefused as error:
                refused = error
            else:
                messages.success(
                    request,
                    _("Ingelezen: %(created)s nieuw, %(updated)s bijgewerkt.")
                    % {"created": created, "updated": updated},
                )
                return redirect("kompas:social_map")
    return render(
        request,
        "kompas/help_import.html",
        {
            **base(actor),
            "form": form,
            "refused": refused,
            "unit": unit,
            "columns": socialmap_services.COLUMNS,
        },
        status=400 if refused else 200,
    )
