"""Signal cards and the sociale kaart."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.middleware import request_actor
from bovenwater.kompas import cards, geo, selectors
from bovenwater.kompas.models import TargetKind
from bovenwater.kompas.pdf import pdf_response
from bovenwater.kompas.views.common import PURPOSE, base, note_and_share
from bovenwater.reference.models import Municipality


def cards_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    all_cards = cards.signal_cards()
    return render(
        request,
        "kompas/cards.html",
        {
            **base(actor),
            "form_cards": [c for c in all_cards if c.kind == "form"],
            "domain_cards": [c for c in all_cards if c.kind == "domain"],
            "chain_key": f"{cards.CHAIN_PREFIX}{actor.organisation.municipality.police_unit.code}",
        },
    )


@require_http_methods(["GET", "POST"])
def card_view(request: HttpRequest, key: str) -> HttpResponse:
    actor = request_actor(request)
    card = cards.signal_card(key)
    if card is None:
        raise Http404
    note_form, share_form, done = note_and_share(
        request, actor, TargetKind.CARD, [(card.key, card.title)]
    )
    if done is not None:
        return done
    notes = selectors.notes_for_actor(
        actor=actor, purpose=PURPOSE, kind=TargetKind.CARD, target=card.key
    )
    return render(
        request,
        "kompas/card.html",
        {
            **base(actor),
            "card": card,
            "notes": notes,
            "note_form": note_form,
            "share_form": share_form,
        },
    )


def card_pdf_view(request: HttpRequest, key: str) -> HttpResponse:
    card = cards.signal_card(key)
    if card is None:
        raise Http404
    return pdf_response("kompas/pdf/card.html", {"card": card}, card.title, request)


def _social_map(actor: Actor) -> dict[str, Any]:
    organisations = selectors.region_organisations(actor=actor)
    unit = actor.organisation.municipality.police_unit
    codes = list(
        Municipality.objects.current().filter(police_unit=unit).values_list("code", flat=True)
    )
    with_orgs = {o.municipality.code for o in organisations}
    areas, width, height = geo.region_map(codes, with_orgs)
    return {
        "organisations": organisations,
        "unit": unit,
        "areas": areas,
        "map_width": width,
        "map_height": height,
        "chain_key": f"{cards.CHAIN_PREFIX}{unit.code}",
    }


@require_http_methods(["GET", "POST"])
def social_map_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = _social_map(actor)
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
    context = _social_map(actor)
    return pdf_response(
        "kompas/pdf/chain_card.html", context, f"ketenpartners {context['unit'].name}", request
    )
