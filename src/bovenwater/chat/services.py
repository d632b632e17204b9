"""The write path of the chat: conversations, messages, helpers, transfers, hand-offs.

Every write runs in one transaction, writes its processing-log entry in that
transaction and sends its real-time notice only after the commit
(``transaction.on_commit``): the database is the record, the notice an accelerator.
A message gets the next sequence number of its conversation by raising
``Conversation.last_seq`` with an ``UPDATE`` first, which takes the row's write lock
on PostgreSQL and the database write lock on SQLite, so two writers never get the same
number. A message carries the client's own id: a resend after a broken connection
returns the stored message instead of adding it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases import selectors as case_selectors
from bovenwater.cases import services as case_services
from bovenwater.chat import consent, counts, keys, notify
from bovenwater.chat.masking import mask_contacts
from bovenwater.chat.models import (
    MINOR_BANDS,
    AgeBand,
    Block,
    CannedResponse,
    ChatMessage,
    ChatNote,
    Conversation,
    ConversationState,
    Handoff,
    Helper,
    Participant,
    ParticipantRole,
    PickupMessage,
    Presence,
    Sender,
    SurveyResponse,
    Team,
    Topic,
    Transfer,
)
from bovenwater.intake.services import PersonInput, SignalInput, SignalUrgency, signal_submit
from bovenwater.reference.models import ExploitationForm, Municipality

MAX_BODY = 2000
OBJECT = "chat.conversation"


class ChatError(Exception):
    """A chat action that is not possible now; the message says why (Dutch)."""


@dataclass(frozen=True)
class StartResult:
    conversation: Conversation
    token: str


def _log(
    *,
    conversation: Conversation,
    action: Action,
    actor: Actor | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    log_processing(
        actor=actor,
        action=action,
        object_type=OBJECT,
        object_id=conversation.reference,
        data_subject=f"chat:{conversation.reference}",
        purpose=Purpose.CHAT_HELP,
        details=details,
    )


def helper_actor(helper: Helper) -> Actor:
    return Actor(user=helper.membership.user, membership=helper.membership)


def message_payload(message: ChatMessage) -> dict[str, Any]:
    return {
        "seq": message.seq,
        "sender": message.sender,
        "author": message.author_name,
        "body": message.body,
        "at": timezone.localtime(message.created_at).strftime("%H:%M"),
        "id": message.client_id,
    }


class _Ended(ChatError):
    """The conversation has ended: nothing more is added to it."""

    def __init__(self) -> None:
        super().__init__(_("Dit gesprek is beëindigd."))


def _append(
    conversation_id: int,
    *,
    sender: Sender,
    body: str,
    author_name: str = "",
    client_id: str = "",
    notify_after_commit: bool = True,
    allow_ended: bool = False,
) -> ChatMessage:
    """Insert the next message of a conversation (inside the caller's transaction)."""
    open_ones = Conversation.objects.filter(pk=conversation_id)
    if not allow_ended:
        open_ones = open_ones.exclude(state=ConversationState.ENDED)
    raised = open_ones.update(last_seq=F("last_seq") + 1)
    if not raised:  # ended (or gone): nothing is added
        raise _Ended
    seq = Conversation.objects.filter(pk=conversation_id).values_list("last_seq", flat=True)[0]
    message = ChatMessage.objects.create(
        conversation_id=conversation_id,
        seq=seq,
        sender=sender,
        author_name=author_name,
        body=body,
        client_id=client_id,
    )
    if notify_after_commit:
        payload = message_payload(message)
        transaction.on_commit(lambda: notify.message_notice(conversation_id, payload))
    return message


def _system(conversation: Conversation, body: str, *, allow_ended: bool = False) -> ChatMessage:
    return _append(conversation.pk, sender=Sender.SYSTEM, body=body, allow_ended=allow_ended)


# --- the young person -------------------------------------------------------------------


def public_team() -> Team | None:
    return Team.objects.filter(is_public=True).select_related("organisation").first()


def address_blocked(address: str) -> bool:
    today, yesterday = keys.address_digests(address)
    return Block.objects.filter(
        address_digest__in=(today, yesterday), until__gt=timezone.now()
    ).exists()


@transaction.atomic
def conversation_start(
    *, team: Team, nickname: str = "", age_band: str = "", address: str = ""
) -> StartResult:
    """Start an anonymous conversation in the team's queue; returns it with its token.

    Only a keyed hash of the token is stored. The address is used for the block check
    only (hashed with the day) and not kept.
    """
    if address and address_blocked(address):
        raise ChatError(_("Je kunt op dit moment geen nieuwe chat beginnen."))
    queued = Conversation.objects.filter(team=team, state=ConversationState.QUEUED).count()
    if queued >= team.max_queue:
        raise ChatError(_("Het is nu erg druk. Probeer het over een paar minuten opnieuw."))
    if age_band not in AgeBand.values:
        age_band = ""
    token = keys.new_token()
    conversation = Conversation.objects.create(
        team=team,
        token_digest=keys.token_digest(token),
        nickname=nickname.strip()[:30],
        age_band=age_band,
    )
    _log(conversation=conversation, action=Action.CREATE, details={"kind": "start"})
    _system(
        conversation,
        _("Welkom. Je staat in de wachtrij; een hulpverlener komt zo bij je."),
    )
    team_id = team.pk
    transaction.on_commit(lambda: assign_queued(team_id=team_id))
    return StartResult(conversation=conversation, token=token)


def conversation_by_token(token: str) -> Conversation | None:
    if not token:
        return None
    return (
        Conversation.objects.select_related("team", "helper")
        .filter(token_digest=keys.token_digest(token))
        .first()
    )


@transaction.atomic
def message_post(
    *,
    conversation: Conversation,
    body: str,
    sender: Sender,
    actor: Actor | None = None,
    author_name: str = "",
    client_id: str = "",
    notify_after_commit: bool = True,
) -> ChatMessage:
    """Store one message with the next sequence number and its processing-log entry.

    The notice to the conversation's group goes out after the commit; a caller on the
    event loop (the consumer) passes ``notify_after_commit=False`` and sends it itself
    once this returns (committed), without a hop through a worker thread."""
    body = body.strip()
    if not body:
        raise ChatError(_("Typ eerst een bericht."))
    if len(body) > MAX_BODY:
        raise ChatError(_("Je bericht is te lang (meer dan 2000 tekens). Knip het in stukken."))
    client_id = client_id[:40]
    if client_id:
        existing = ChatMessage.objects.filter(
            conversation_id=conversation.pk, sender=sender, client_id=client_id
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            message = _append(
                conversation.pk,
                sender=sender,
                body=body,
                author_name=author_name,
                client_id=client_id,
                notify_after_commit=notify_after_commit,
            )
    except IntegrityError:  # the same client id won a race in another process
        existing = ChatMessage.objects.filter(
            conversation_id=conversation.pk, sender=sender, client_id=client_id
        ).first()
        if existing is None:
            raise
        return existing
    _log(
        conversation=conversation,
        action=Action.CREATE,
        actor=actor,
        details={"kind": "message", "seq": message.seq, "sender": sender},
    )
    return message


def read_mark(*, conversation: Conversation, by_youth: bool, seq: int) -> None:
    """Record how far a side has read (no log entry: it holds no content)."""
    field = "youth_read_seq" if by_youth else "helper_read_seq"
    Conversation.objects.filter(pk=conversation.pk, **{f"{field}__lt": seq}).update(**{field: seq})


@transaction.atomic
def conversation_end(
    *, conversation: Conversation, by: str, actor: Actor | None = None, reason: str = ""
) -> bool:
    """End a conversation (quick exit, the young person, a helper); False when it had ended."""
    now = timezone.now()
    updated = (
        Conversation.objects.filter(pk=conversation.pk)
        .exclude(state=ConversationState.ENDED)
        .update(
            state=ConversationState.ENDED,
            ended_at=now,
            ended_by=by,
            delete_after=now + timedelta(days=settings.CHAT_RETENTION_DAYS),
        )
    )
    if not updated:
        return False
    Participant.objects.filter(conversation=conversation, left_at__isnull=True).update(left_at=now)
    Transfer.objects.filter(conversation=conversation, state=Transfer.State.PENDING).update(
        state=Transfer.State.CANCELLED
    )
    text = {
        "youth": _("De jongere heeft het gesprek beëindigd."),
        "exit": _("De jongere heeft de chat snel verlaten."),
        "helper": _("De hulpverlener heeft het gesprek beëindigd."),
    }.get(by, _("Het gesprek is beëindigd."))
    _system(conversation, text, allow_ended=True)
    _log(
        conversation=conversation,
        action=Action.UPDATE,
        actor=actor,
        details={"kind": "end", "by": by, **({"reason": reason} if reason else {})},
    )
    conversation_id, team_id = conversation.pk, conversation.team_id
    transaction.on_commit(lambda: notify.state_notice(conversation_id))
    transaction.on_commit(lambda: assign_queued(team_id=team_id))
    return True


@transaction.atomic
def survey_submit(
    *, conversation: Conversation, helped: int | None, would_return: bool | None, comment: str
) -> SurveyResponse:
    """The optional three-question survey; kept apart from the conversation (anonymous)."""
    if conversation.state != ConversationState.ENDED:
        raise ChatError(_("De vragenlijst komt na het gesprek."))
    if helped is not None and not 1 <= helped <= 5:
        helped = None
    return SurveyResponse.objects.create(
        team_id=conversation.team_id,
        helped=helped,
        would_return=would_return,
        comment=mask_contacts(comment.strip())[:500],
    )


@transaction.atomic
def pickup_leave(*, team: Team, text: str) -> str:
    """Leave a message while the chat is closed; returns the pick-up code (stored hashed)."""
    text = text.strip()
    if not text:
        raise ChatError(_("Typ eerst je bericht."))
    if len(text) > MAX_BODY:
        raise ChatError(_("Je bericht is te lang (meer dan 2000 tekens)."))
    code = keys.new_pickup_code()
    pickup = PickupMessage.objects.create(
        team=team,
        code_digest=keys.pickup_digest(code),
        text=text,
        delete_after=timezone.now() + timedelta(days=settings.CHAT_PICKUP_RETENTION_DAYS),
    )
    log_processing(
        actor=None,
        action=Action.CREATE,
        object_type="chat.pickup",
        object_id=pickup.pk,
        data_subject=f"chat-pickup:{pickup.pk}",
        purpose=Purpose.CHAT_HELP,
    )
    return code


@transaction.atomic
def pickup_answer(*, actor: Actor, pickup: PickupMessage, answer: str) -> PickupMessage:
    helper = _helper_of(actor)
    if pickup.team_id != helper.team_id:
        raise PermissionDenied
    answer = answer.strip()
    if not answer:
        raise ChatError(_("Typ eerst een antwoord."))
    pickup.answer = answer[:MAX_BODY]
    pickup.answered_by = actor.membership
    pickup.answered_at = timezone.now()
    pickup.save(update_fields=["answer", "answered_by", "answered_at"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="chat.pickup",
        object_id=pickup.pk,
        data_subject=f"chat-pickup:{pickup.pk}",
        purpose=Purpose.CHAT_HELP,
    )
    return pickup


# --- helpers ----------------------------------------------------------------------------


def _helper_of(actor: Actor) -> Helper:
    if not actor.has(Permission.CHAT_HELP):
        raise PermissionDenied
    helper = (
        Helper.objects.select_related("team", "membership__user", "membership__organisation")
        .filter(membership=actor.membership, team__organisation_id=actor.organisation_id)
        .first()
    )
    if helper is None:
        raise PermissionDenied
    return helper


def _load(helper: Helper) -> int:
    return Conversation.objects.filter(helper=helper, state=ConversationState.ACTIVE).count()


def _check_may_take(helper: Helper) -> None:
    if helper.presence in (Presence.OFFLINE, Presence.AWAY):
        raise ChatError(_("%(name)s is niet beschikbaar.") % {"name": helper.display_name})
    if _load(helper) >= helper.capacity:
        raise ChatError(
            _("%(name)s heeft al het maximum aantal gesprekken.") % {"name": helper.display_name}
        )


@transaction.atomic
def presence_set(*, actor: Actor, presence: str, capacity: int | None = None) -> Helper:
    helper = _helper_of(actor)
    if presence not in Presence.values:
        raise ChatError(_("Kies een geldige status."))
    helper.presence = presence
    if capacity is not None:
        if not 1 <= capacity <= 4:
            raise ChatError(_("Kies een aantal gesprekken van 1 tot en met 4."))
        helper.capacity = capacity
    helper.presence_changed_at = timezone.now()
    helper.save(update_fields=["presence", "capacity", "presence_changed_at"])
    team_id = helper.team_id
    transaction.on_commit(lambda: assign_queued(team_id=team_id))
    return helper


def _assign(conversation_id: int, helper: Helper) -> bool:
    now = timezone.now()
    taken = Conversation.objects.filter(pk=conversation_id, state=ConversationState.QUEUED).update(
        state=ConversationState.ACTIVE, helper=helper, assigned_at=now
    )
    if not taken:
        return False
    Participant.objects.create(
        conversation_id=conversation_id, membership=helper.membership, role=ParticipantRole.HELPER
    )
    conversation = Conversation.objects.get(pk=conversation_id)
    _system(
        conversation,
        _("%(name)s is er nu voor je. Je kunt gewoon typen.") % {"name": helper.display_name},
    )
    _log(
        conversation=conversation,
        action=Action.UPDATE,
        actor=helper_actor(helper),
        details={"kind": "assign"},
    )
    helper_id, team_id = helper.pk, helper.team_id
    transaction.on_commit(lambda: notify.state_notice(conversation_id))
    transaction.on_commit(lambda: notify.helper_notice(helper_id))
    transaction.on_commit(lambda: notify.queue_notice(team_id))
    return True


@transaction.atomic
def assign_queued(*, team_id: int) -> int:
    """Give queued conversations (oldest first) to available helpers with room, the least
    busy first. Returns how many were assigned. Safe to run concurrently: a conversation
    is taken with a conditional update."""
    helpers = list(
        Helper.objects.select_related("membership__user")
        .filter(team_id=team_id, presence=Presence.AVAILABLE)
        .annotate(
            load=Count("conversations", filter=Q(conversations__state=ConversationState.ACTIVE))
        )
        .order_by("presence_changed_at", "pk")
    )
    free = {h.pk: h.capacity - h.load for h in helpers}
    waiting = list(
        Conversation.objects.filter(team_id=team_id, state=ConversationState.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:50]
    )
    assigned = 0
    for conversation_id in waiting:
        candidates = [h for h in helpers if free[h.pk] > 0]
        if not candidates:
            break
        helper = max(candidates, key=lambda h: free[h.pk])
        if _assign(conversation_id, helper):
            free[helper.pk] -= 1
            assigned += 1
    # Always: the supervisors' live board follows starts, ends and status changes.
    transaction.on_commit(lambda: notify.queue_notice(team_id))
    return assigned


@transaction.atomic
def conversation_pull(*, actor: Actor) -> Conversation | None:
    """ "Pak volgende": the oldest queued conversation of the helper's team, if any."""
    helper = _helper_of(actor)
    if _load(helper) >= helper.capacity:
        raise ChatError(_("Je hebt al het maximum aantal gesprekken."))
    for conversation_id in (
        Conversation.objects.filter(team_id=helper.team_id, state=ConversationState.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:5]
    ):
        if _assign(conversation_id, helper):
            return Conversation.objects.get(pk=conversation_id)
    return None


def _conversation_of_helper(actor: Actor, conversation: Conversation) -> Helper:
    helper = _helper_of(actor)
    if conversation.team_id != helper.team_id or conversation.helper_id != helper.pk:
        raise PermissionDenied
    return helper


@transaction.atomic
def note_add(*, actor: Actor, conversation: Conversation, text: str) -> ChatNote:
    helper = _helper_of(actor)
    if conversation.team_id != helper.team_id:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ChatError(_("Typ eerst een notitie."))
    note = ChatNote.objects.create(
        conversation=conversation, author=actor.membership, text=text[:MAX_BODY]
    )
    _log(conversation=conversation, action=Action.UPDATE, actor=actor, details={"kind": "note"})
    return note


@transaction.atomic
def classify(
    *, actor: Actor, conversation: Conversation, topic: str, form_code: str, police_unit_code: str
) -> Conversation:
    """The helper records topic, form of exploitation and region (for the counts only)."""
    helper = _helper_of(actor)
    if conversation.team_id != helper.team_id:
        raise PermissionDenied
    conversation.topic = topic if topic in Topic.values else ""
    conversation.form_code = (
        form_code if ExploitationForm.objects.filter(code=form_code).exists() else ""
    )
    conversation.police_unit_code = police_unit_code[:40]
    conversation.save(update_fields=["topic", "form_code", "police_unit_code"])
    _log(conversation=conversation, action=Action.UPDATE, actor=actor, details={"kind": "classify"})
    return conversation


@transaction.atomic
def transfer_start(
    *, actor: Actor, conversation: Conversation, to_helper: Helper, kind: str, note: str = ""
) -> Transfer:
    """Hand a conversation to a colleague: cold at once, warm after the colleague joined."""
    helper = _conversation_of_helper(actor, conversation)
    if to_helper.pk == helper.pk or to_helper.team_id != helper.team_id:
        raise ChatError(_("Kies een collega uit je team."))
    if kind not in Transfer.Kind.values:
        raise ChatError(_("Kies warm of koud overdragen."))
    if kind == Transfer.Kind.WARM and not note.strip():
        raise ChatError(_("Schrijf bij een warme overdracht een korte toelichting."))
    to_helper = (
        Helper.objects.select_for_update().select_related("membership__user").get(pk=to_helper.pk)
    )
    _check_may_take(to_helper)
    transfer = Transfer.objects.create(
        conversation=conversation,
        from_helper=helper,
        to_helper=to_helper,
        kind=kind,
        note=note.strip()[:MAX_BODY],
    )
    _log(
        conversation=conversation,
        action=Action.SHARE,
        actor=actor,
        details={"kind": f"transfer_{kind}", "to": to_helper.membership.user.username},
    )
    if kind == Transfer.Kind.COLD:
        _complete_transfer(transfer)
    else:
        Participant.objects.create(
            conversation=conversation,
            membership=to_helper.membership,
            role=ParticipantRole.TRANSFER,
            reason=_("warme overdracht"),
        )
        _system(
            conversation,
            _("Een collega, %(name)s, leest even mee om het gesprek over te nemen.")
            % {"name": to_helper.display_name},
        )
        to_id = to_helper.pk
        transaction.on_commit(lambda: notify.helper_notice(to_id))
    return transfer


def _complete_transfer(transfer: Transfer) -> None:
    conversation = transfer.conversation
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(helper=transfer.to_helper)
    conversation.helper = transfer.to_helper
    Participant.objects.filter(
        conversation=conversation, membership=transfer.from_helper.membership, left_at__isnull=True
    ).update(left_at=now)
    Participant.objects.filter(
        conversation=conversation, membership=transfer.to_helper.membership, left_at__isnull=True
    ).delete()
    Participant.objects.create(
        conversation=conversation,
        membership=transfer.to_helper.membership,
        role=ParticipantRole.HELPER,
    )
    transfer.state = Transfer.State.DONE
    transfer.save(update_fields=["state"])
    _system(
        conversation,
        _("Je praat nu verder met %(name)s.") % {"name": transfer.to_helper.display_name},
    )
    ids = (conversation.pk, transfer.to_helper_id, transfer.from_helper_id, conversation.team_id)
    transaction.on_commit(lambda: notify.state_notice(ids[0]))
    transaction.on_commit(lambda: notify.queue_notice(ids[3]))
    transaction.on_commit(lambda: notify.helper_notice(ids[1]))
    transaction.on_commit(lambda: notify.helper_notice(ids[2]))


@transaction.atomic
def transfer_accept(*, actor: Actor, transfer: Transfer) -> Conversation:
    helper = _helper_of(actor)
    transfer = (
        Transfer.objects.select_for_update()
        .select_related("conversation", "from_helper__membership", "to_helper__membership")
        .get(pk=transfer.pk)
    )
    if transfer.to_helper_id != helper.pk or transfer.state != Transfer.State.PENDING:
        raise PermissionDenied
    if transfer.conversation.state == ConversationState.ENDED:
        raise ChatError(_("Dit gesprek is al beëindigd."))
    _complete_transfer(transfer)
    _log(
        conversation=transfer.conversation,
        action=Action.UPDATE,
        actor=actor,
        details={"kind": "transfer_accept"},
    )
    return transfer.conversation


@transaction.atomic
def observer_join(*, actor: Actor, conversation: Conversation, reason: str) -> Participant:
    """A supervisor reads along (read-only), with a reason in the processing log."""
    helper = _helper_of(actor)
    if not helper.is_supervisor or conversation.team_id != helper.team_id:
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < 5:
        raise ChatError(_("Geef een reden om mee te lezen (minstens vijf tekens)."))
    participant = Participant.objects.create(
        conversation=conversation,
        membership=actor.membership,
        role=ParticipantRole.OBSERVER,
        reason=reason[:300],
    )
    _log(
        conversation=conversation,
        action=Action.VIEW,
        actor=actor,
        details={"kind": "observe", "reason": reason[:300]},
    )
    return participant


@transaction.atomic
def flag(*, actor: Actor, conversation: Conversation, reason: str) -> Conversation:
    _conversation_of_helper(actor, conversation)
    reason = reason.strip()
    if not reason:
        raise ChatError(_("Geef een reden voor de markering."))
    Conversation.objects.filter(pk=conversation.pk).update(flagged=True, flag_reason=reason[:200])
    _log(
        conversation=conversation,
        action=Action.UPDATE,
        actor=actor,
        details={"kind": "flag", "reason": reason[:200]},
    )
    return conversation


@transaction.atomic
def block(*, actor: Actor, conversation: Conversation, hours: int, reason: str) -> None:
    """Flag and end the conversation and ask the young person's live connection to
    record a block of its address for up to 24 hours. The address never leaves that
    connection's process: only its daily-rotated keyed hash is stored
    (``block_record``)."""
    _conversation_of_helper(actor, conversation)
    reason = reason.strip()
    if not reason:
        raise ChatError(_("Geef een reden voor de blokkade."))
    hours = max(1, min(24, hours))
    Conversation.objects.filter(pk=conversation.pk).update(flagged=True, flag_reason=reason[:200])
    _log(
        conversation=conversation,
        action=Action.UPDATE,
        actor=actor,
        details={"kind": "block", "hours": hours, "reason": reason[:200]},
    )
    event = {
        "type": "chat.block",
        "hours": hours,
        "reason": reason[:200],
        "by": actor.membership.pk,
    }
    group = notify.conversation_group(conversation.pk)
    transaction.on_commit(lambda: notify.send(group, event))
    conversation_end(conversation=conversation, by="helper", actor=actor, reason=reason)


def block_record(*, address: str, hours: int, reason: str, membership_id: int | None) -> Block:
    return Block.objects.create(
        address_digest=keys.address_digest(address),
        reason=reason[:200],
        blocked_by_id=membership_id,
        until=timezone.now() + timedelta(hours=max(1, min(24, hours))),
    )


@transaction.atomic
def canned_response_create(
    *, actor: Actor, title: str, body: str, link: str = ""
) -> CannedResponse:
    helper = _helper_of(actor)
    if not helper.is_supervisor:
        raise PermissionDenied
    if not title.strip() or not body.strip():
        raise ChatError(_("Geef een titel en een tekst."))
    return CannedResponse.objects.create(
        organisation_id=actor.organisation_id,
        title=title.strip()[:80],
        body=body.strip(),
        link=link.strip()[:200],
    )


# --- warm hand-off into care -------------------------------------------------------------


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
    helper = _conversation_of_helper(actor, conversation)
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
    _system(conversation, _("Je hulpverlener stelt voor om je in contact te brengen met hulp."))
    _log(
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
        _system(
            conversation,
            _(
                "Je hebt ja gezegd. %(organisation)s zet de afgesproken informatie bij wat "
                "zij al over jou hebben."
            )
            % {"organisation": handoff.receiving_organisation.name},
        )
        _log(
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
        _system(
            conversation,
            _("Je hebt ja gezegd. %(organisation)s krijgt de afgesproken informatie.")
            % {"organisation": handoff.receiving_organisation.name},
        )
        _log(
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
        _system(conversation, _("Je hebt nee gezegd. Er gaat niets buiten deze chat."))
        _log(
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
    helper = _conversation_of_helper(actor, conversation)
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
    _system(
        conversation,
        _(
            "Je hulpverlener maakt zich grote zorgen om je veiligheid en schakelt daarom "
            "hulp in, ook zonder je toestemming. Je hulpverlener legt uit wat er gebeurt."
        ),
    )
    _log(
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
        _log(
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
        _system(
            conversation,
            _("%(name)s van %(organisation)s doet mee aan het gesprek.")
            % {
                "name": actor.user.first_name or actor.user.username,
                "organisation": actor.organisation.name,
            },
        )
        _log(
            conversation=conversation,
            action=Action.VIEW,
            actor=actor,
            details={"kind": "professional_join", "handoff": handoff.pk},
        )
    return participant


# --- retention, masking and counts ---------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    masked: int
    counted: int
    deleted: int
    pickups_deleted: int
    blocks_deleted: int


def _mask_conversation(conversation_id: int) -> None:
    for message in ChatMessage.objects.filter(conversation_id=conversation_id).exclude(
        sender=Sender.SYSTEM
    ):
        masked = mask_contacts(message.body)
        if masked != message.body:
            ChatMessage.objects.filter(pk=message.pk).update(body=masked)
    for note in ChatNote.objects.filter(conversation_id=conversation_id):
        masked = mask_contacts(note.text)
        if masked != note.text:
            ChatNote.objects.filter(pk=note.pk).update(text=masked)
    Conversation.objects.filter(pk=conversation_id).update(masked=True)


@transaction.atomic
def retention_run(*, now: datetime | None = None) -> RetentionResult:
    """The chat's retention job: mask ended transcripts, count them for the monitor,
    delete those past their retention date (not handed off), and expired pick-up
    messages and blocks. One processing-log entry per deleted transcript."""

    now = now or timezone.now()
    ended = Conversation.objects.filter(state=ConversationState.ENDED)
    to_mask = list(ended.filter(masked=False).values_list("pk", flat=True))
    for conversation_id in to_mask:
        _mask_conversation(conversation_id)
    counted = counts.count_ended()
    expired = list(ended.filter(delete_after__lte=now, handed_off=False).select_related("team"))
    for conversation in expired:
        _log(
            conversation=conversation,
            action=Action.DELETE,
            details={"kind": "retention", "days": settings.CHAT_RETENTION_DAYS},
        )
    Conversation.objects.filter(pk__in=[c.pk for c in expired]).delete()
    pickups, _n = PickupMessage.objects.filter(delete_after__lte=now).delete()
    blocks, _n = Block.objects.filter(until__lte=now).delete()
    return RetentionResult(
        masked=len(to_mask),
        counted=counted,
        deleted=len(expired),
        pickups_deleted=pickups,
        blocks_deleted=blocks,
    )


def membership_has_chat(membership: Membership) -> bool:
    return Helper.objects.filter(membership=membership).exists()
