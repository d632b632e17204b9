"""A hit becomes a referral: after the other organisation accepted the contact request,
the asking organisation refers its case there through the cases app's referral, which
needs the person's consent or a recorded legal basis and which the other side accepts
or declines as any referral. Nothing of the other side's record is ever shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.selectors.case import case_get_by_number_for_actor
from bovenwater.cases.selectors.referral import active_consents_of_case
from bovenwater.cases.services.referral import referral_send
from bovenwater.linkage.models import HitAnswer, HitBasis, ReplyStatus

if TYPE_CHECKING:
    from bovenwater.cases.models import Referral


@transaction.atomic
def hit_refer(
    *,
    actor: Actor,
    answer: HitAnswer,
    kind: str,
    shared_parts: Sequence[str],
    note: str = "",
) -> Referral:
    """Refer the case named by the question's reference to the organisation that
    accepted the contact request; returns the referral (status: sent)."""
    locked = (
        HitAnswer.objects.select_for_update(of=("self",))
        .select_related("query", "responder")
        .get(pk=answer.pk)
    )
    query = locked.query
    if query.requester_id != actor.organisation_id or not actor.has(Permission.MANAGE_CASES):
        raise PermissionDenied
    if locked.referral_id is not None:
        raise ValidationError(_("Voor deze treffer is al een verwijzing verstuurd."), code="sent")
    if locked.status != ReplyStatus.ACCEPTED or locked.responder is None:
        raise ValidationError(
            _("Verwijzen kan pas als de andere organisatie het contactverzoek heeft geaccepteerd."),
            code="not_accepted",
        )
    try:
        access = case_get_by_number_for_actor(actor=actor, number=query.reference)
    except Http404:
        access = None
    if access is None or access.case.owner_id != actor.organisation_id:
        raise ValidationError(
            _(
                "Het kenmerk %(ref)s van de vraag is geen casus van uw organisatie. Leg eerst "
                "een casus aan en verwijs vanuit die casus."
            )
            % {"ref": query.reference},
            code="no_case",
        )
    consent = None
    legal_basis = ""
    if query.basis == HitBasis.CONSENT:
        consent = (
            active_consents_of_case(case=access.case)
            .filter(recipient=locked.responder)
            .order_by("-given_on", "-pk")
            .first()
        )
        if consent is None:
            raise ValidationError(
                _(
                    "Leg eerst in de casus de toestemming van de betrokkene vast voor "
                    "%(organisation)s."
                )
                % {"organisation": locked.responder.name},
                code="no_consent",
            )
    else:
        legal_basis = str(HitBasis(query.basis).label)
    referral = referral_send(
        actor=actor,
        case=access.case,
        to_organisation=locked.responder,
        kind=kind,
        shared_parts=shared_parts,
        consent=consent,
        legal_basis=legal_basis,
        note=note,
    )
    locked.referral = referral
    locked.save(update_fields=["referral"])
    log_processing(
        actor=actor,
        action=Action.SHARE,
        object_type="linkage.hitanswer",
        object_id=locked.pk,
        purpose=Purpose.HIT_NO_HIT,
        details={"query": query.pk, "referral": referral.pk},
    )
    return referral
