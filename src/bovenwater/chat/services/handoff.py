"""The warm hand-off into care (with consent), the acute report without consent and
the receiving professional joining the chat."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.cases import selectors as case_selectors
from bovenwater.cases import services as case_services
from bovenwater.chat import consent, notify
from bovenwater.chat.models import (
    MINOR_BANDS,
    ChatMessage,
    Conversation,
    ConversationState,
    Handoff,
    Participant,
    ParticipantRole,
    Sender,
)
from bovenwater.chat.services.common import (
    MAX_BODY,
    ChatError,
    conversation_of_helper,
    helper_actor,
    log,
    system_message,
)
from bovenwater.intake.services import PersonInput, SignalInput, SignalUrgency, signal_submit
from bovenwater.reference.models import Municipality


@transaction.atomic
def handoff_propose(
    *,
    actor: Actor,
    conversation: Conversation,
    receiving_organisation: Organisation,
    municipality: Municipality,
    summary: str,
    shared_seqs: Sequence[int] = (),
    target: str = Handoff.Target.SIGNAL,
) -> Handoff:
    """Propose a warm hand-off: the young person sees the consent text in the chat.

    ``target`` is a new signal (intake) or an existing case of the receiving
    organisation; each has its own consent text."""
    helper = conversation_of_helper(actor, conversation)
    if target not in Handoff.Target.values:
        raise ChatError(_("Kies een nieuw signaal of een bestaande casus."))
    if conversation.state != ConversationState.ACTIVE:
        raise ChatError(_("Een overdracht kan alleen tijdens het gesprek."))
    summary = summary.strip()
    if not summary:
        raise ChatError(_("Schrijf in gewone woorden wat je wilt doorgeven."))
    if Handoff.objects.filter(conversation=conversation, state=Handoff.State.PROPOSED).exists():
        raise ChatError(_("Er staat al een voorstel open."))
    known = set(
        ChatMessage.objects.filter(
            conversation=conversation, seq__in=list(shared_seqs), sender=Sender.YOUTH
        ).values_list("seq", flat=True)
    )
    handoff = Handoff.objects.create(
        conversation=conversation,
        proposed_by=helper,
        receiving_organisation=receiving_organisation,
        municipality_code=municipality.code,
        consent_version=(
            consent.CASE_VERSION if target == Handoff.Target.CASE else consent.CURRENT_VERSION
        ),
        summary=summary[:MAX_BODY],
        shared_seqs=sorted(known),
        target=target,
    )
    system_message(
        conversation, _("Je hulpverlener stelt voor om je in contact te brengen met hulp.")
    )
    log(
        conversation=conversation,
        action=Action.UPDATE,
        actor=actor,
        details={
            "kind": "handoff_proposed",
            "to": receiving_organisation.name,
            "target": target,
        },
    )
    conversation_id = conversation.pk
    transaction.on_commit(lambda: notify.state_notice(conversation_id))
    return handoff


def handoff_text(handoff: Handoff) -> str:
    return consent.consent_text(
        handoff.consent_version,
        organisation=handoff.receiving_organisation.name,
        summary=handoff.summary,
        count=len(handoff.shared_seqs),
    )


def _shared_bodies(handoff: Handoff) -> list[str]:
    return list(
        ChatMessage.objects.filter(
            conversation_id=handoff.conversation_id, seq__in=handoff.shared_seqs
        )
        .order_by("seq")
        .values_list("body", flat=True)
    )


def _signal_for(handoff: Handoff, *, acute: bool) -> str:
    conversation = handoff.conversation
    shared = _shared_bodies(handoff)
    lines = [handoff.summary, ""]
    if shared:
        lines.append(
            _("Uit de chat (met toestemming gedeeld):") if not acute else _("Uit de chat:")
        )
        lines.extend(f"- {body}" for body in shared)
    if acute:
        lines += [
            "",
            _("Acuut gevaar, gemeld zonder toestemming: %(ground)s")
            % {"ground": handoff.legal_ground},
        ]
    municipality = Municipality.objects.get(code=handoff.municipality_code)
    signal = signal_submit(
        actor=helper_actor(handoff.proposed_by),
        data=SignalInput(
            description="\n".join(lines),
            municipality=municipality,
            victim=PersonInput(
                alias=conversation.nickname,
                is_minor=conversation.age_band in MINOR_BANDS,
            ),
            place_description=_("Via de anonieme chat (%(reference)s)")
            % {"reference": conversation.reference},
            urgency=SignalUrgency.ACUTE if acute else SignalUrgency.HIGH,
        ),
        idempotency_key=f"chat-handoff-{handoff.pk}",
    )
    return signal.reference


@transaction.atomic
def handoff_decide(*, conversation: Conversation, handoff_id: int, agree: bool) -> Handoff:
    """The young person agrees or not. On agreement a signal is made via intake."""
    handoff = (
        Handoff.objects.select_for_update()
        .select_related("proposed_by__membership__user", "receiving_organisation", "conversation")
        .filter(pk=handoff_id, conversation=conversation)
        .first()
    )
    if handoff is None or handoff.state != Handoff.State.PROPOSED:
        raise ChatError(_("Dit voorstel is niet meer open."))
    handoff.decided_at = timezone.now()
    if agree and handoff.target == Handoff.Target.CASE:
        # Nothing leaves the chat yet: a case worker of the receiving organisation who
        # may work on the case adds the agreed parts to it (``handoff_add_to_case``).
        handoff.state = Handoff.State.AGREED
        Conversation.objects.filter(pk=conversation.pk).update(handed_off=True)
        system_message(
            conversation,
            _(
                "Je hebt ja gezegd. %(organisation)s zet de afgesproken informatie bij wat "
                "zij al over jou hebben."
            )
            % {"organisation": handoff.receiving_organisation.name},
        )
        log(
            conversation=conversation,
            action=Action.UPDATE,
            details={
                "kind": "handoff_agreed",
                "target": Handoff.Target.CASE,
                "consent_version": handoff.consent_version,
                "to": handoff.receiving_organisation.name,
            },
        )
    elif agree:
        handoff.signal_reference = _signal_for(handoff, acute=False)
        handoff.state = Handoff.State.AGREED
        Conversation.objects.filter(pk=conversation.pk).update(handed_off=True)
        system_message(
            conversation,
            _("Je hebt ja gezegd. %(organisation)s krijgt de afgesproken informatie.")
            % {"organisation": handoff.receiving_organisation.name},
        )
        log(
            conversation=conversation,
            action=Action.SHARE,
            details={
                "kind": "handoff_agreed",
                "consent_version": handoff.consent_version,
                "signal": handoff.signal_reference,
                "to": handoff.receiving_organisation.name,
            },
        )
    else:
        handoff.state = Handoff.State.DECLINED
        system_message(conversation, _("Je hebt nee gezegd. Er gaat niets buiten deze chat."))
        log(
            conversation=conversation,
            action=Action.UPDATE,
            details={"kind": "handoff_declined", "consent_version": handoff.consent_version},
        )
    handoff.save(update_fields=["state", "decided_at", "signal_reference"])
    conversation_id = conversation.pk
    transaction.on_commit(lambda: notify.state_notice(conversation_id))
    return handoff


@transaction.atomic
def handoff_acute(
    *,
    actor: Actor,
    conversation: Conversation,
    receiving_organisation: Organisation,
    municipality: Municipality,
    summary: str,
    legal_ground: str,
) -> Handoff:
    """Acute danger: report without consent where the law requires it — documented,
    logged and visible to the privacy officer (the processing log's SHARE entry)."""
    helper = conversation_of_helper(actor, conversation)
    if len(legal_ground.strip()) < 10 or not summary.strip():
        raise ChatError(
            _("Beschrijf het acute gevaar en de wettelijke grond (minstens tien tekens).")
        )
    handoff = Handoff.objects.create(
        conversation=conversation,
        proposed_by=helper,
        receiving_organisation=receiving_organisation,
        municipality_code=municipality.code,
        consent_version="",
        summary=summary.strip()[:MAX_BODY],
        state=Handoff.State.ACUTE,
        legal_ground=legal_ground.strip()[:MAX_BODY],
        decided_at=timezone.now(),
    )
    handoff.signal_reference = _signal_for(handoff, acute=True)
    handoff.save(update_fields=["signal_reference"])
    Conversation.objects.filter(pk=conversation.pk).update(handed_off=True)
    system_message(
        conversation,
        _(
            "Je hulpverlener maakt zich grote zorgen om je veiligheid en schakelt daarom "
            "hulp in, ook zonder je toestemming. Je hulpverlener legt uit wat er gebeurt."
        ),
    )
    log(
        conversation=conversation,
        action=Action.SHARE,
        actor=actor,
        details={
            "kind": "handoff_acute",
            "legal_ground": legal_ground.strip()[:300],
            "signal": handoff.signal_reference,
            "without_consent": True,
        },
    )
    return handoff


def handoff_add_to_case(*, actor: Actor, handoff: Handoff, case_number: str) -> Handoff:
    """Add an agreed hand-off to an existing case of the receiving organisation.

    Need-to-know is the case app's: the case is looked up through its selector (the
    read, or the refusal, is in the processing log under the case) and written through
    its service, which lets only the owner's case workers add to a case. The look-up
    runs before the write transaction, so a refusal stays logged when nothing is
    written. The chat's own log gets a SHARE entry with the consent version.
    """

    if handoff.receiving_organisation_id != actor.organisation_id or not actor.has(
        Permission.VIEW_SIGNALS
    ):
        raise PermissionDenied
    number = case_number.strip()
    if not number:
        raise ChatError(_("Vul het casusnummer in."))
    refused = ChatError(
        _("Casus %(number)s bestaat niet of je kunt er niets aan toevoegen.") % {"number": number}
    )
    try:
        access = case_selectors.case_get_by_number_for_actor(
            actor=actor, number=number, purpose=Purpose.CARE_COORDINATION
        )
    except Http404:
        raise refused from None
    if not access.can_manage:
        raise refused
    with transaction.atomic():
        locked = (
            Handoff.objects.select_for_update()
            .select_related("conversation", "receiving_organisation")
            .get(pk=handoff.pk)
        )
        if locked.target != Handoff.Target.CASE or locked.state != Handoff.State.AGREED:
            raise ChatError(_("Deze overdracht kan niet bij een casus worden gezet."))
        if locked.case_number:
            raise ChatError(
                _("Deze overdracht staat al bij casus %(number)s.") % {"number": locked.case_number}
            )
        conversation = locked.conversation
        lines = [
            _(
                "Warme overdracht uit de anonieme chat (%(reference)s), met toestemming van "
                "de jongere (toestemmingstekst %(version)s)."
            )
            % {"reference": conversation.reference, "version": locked.consent_version},
            "",
            locked.summary,
        ]
        shared = _shared_bodies(locked)
        if shared:
            lines += ["", _("Uit de chat (met toestemming gedeeld):")]
            lines.extend(f"- {body}" for body in shared)
        try:
            case_services.case_note_add(actor=actor, case=access.case, text="\n".join(lines))
        except Http404:  # not (or no longer) a case the actor may work on
            raise refused from None
        locked.case_number = access.case.number
        locked.added_to_case_at = timezone.now()
        locked.added_to_case_by = actor.membership
        locked.save(update_fields=["case_number", "added_to_case_at", "added_to_case_by"])
        log(
            conversation=conversation,
            action=Action.SHARE,
            actor=actor,
            details={
                "kind": "handoff_into_case",
                "case": access.case.number,
                "consent_version": locked.consent_version,
                "messages": len(shared),
            },
        )
    return locked


@transaction.atomic
def professional_join(*, actor: Actor, handoff: Handoff) -> Participant:
    """A professional of the receiving organisation joins the chat (three-way)."""
    if not actor.has(Permission.VIEW_SIGNALS):
        raise PermissionDenied
    if handoff.receiving_organisation_id != actor.organisation_id:
        raise PermissionDenied
    if handoff.state not in (Handoff.State.AGREED, Handoff.State.ACUTE):
        raise PermissionDenied
    conversation = handoff.conversation
    if conversation.state == ConversationState.ENDED:
        raise ChatError(_("Het gesprek is al beëindigd."))
    participant = Participant.objects.filter(
        conversation=conversation, membership=actor.membership, left_at__isnull=True
    ).first()
    if participant is None:
        participant = Participant.objects.create(
            conversation=conversation,
            membership=actor.membership,
            role=ParticipantRole.PROFESSIONAL,
            reason=_("warme overdracht"),
        )
        system_message(
            conversation,
            _("%(name)s van %(organisation)s doet mee aan het gesprek.")
            % {
                "name": actor.user.first_name or actor.user.username,
                "organisation": actor.organisation.name,
            },
        )
        log(
            conversation=conversation,
            action=Action.VIEW,
            actor=actor,
            details={"kind": "professional_join", "handoff": handoff.pk},
        )
    return participant
