"""Signal cards, per form of exploitation and per work domain."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bovenwater.accounts.middleware import request_actor
from bovenwater.kompas import cards, selectors
from bovenwater.kompas.models import TargetKind
from bovenwater.kompas.pdf import pdf_response
from bovenwater.kompas.views.common import PURPOSE, base, note_and_share


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
