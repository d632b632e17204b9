"""The young person's conversation: start, messages, read state, end and the survey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.audit.models import Action
from bovenwater.chat import keys, notify
from bovenwater.chat.masking import mask_contacts
from bovenwater.chat.models import (
    AgeBand,
    Block,
    ChatMessage,
    Conversation,
    ConversationState,
    Participant,
    Sender,
    SurveyResponse,
    Team,
    Transfer,
)
from bovenwater.chat.services.assignment import assign_queued
from bovenwater.chat.services.common import (
    MAX_BODY,
    ChatError,
    append,
    log,
    system_message,
)


@dataclass(frozen=True)
class StartResult:
    conversation: Conversation
    token: str


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
    log(conversation=conversation, action=Action.CREATE, details={"kind": "start"})
    system_message(
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


def message_post(
    *,
    conversation: Conversation,
    body: str,
    sender: Sender,
    actor: Actor | None = None,
    author_name: str = "",
    client_id: str = "",
    notify_after_commit: bool = True,
    helper_id: int | None = None,
) -> ChatMessage:
    """Store one message with the next sequence number and its processing-log entry.

    The notice to the conversation's group goes out after the commit; a caller on the
    event loop (the consumer) passes ``notify_after_commit=False`` and sends it itself
    once this returns (committed), without a hop through a worker thread. With
    ``helper_id`` the message is stored only while that helper has the conversation.

    A resend of a stored message (the same client id) returns the stored one. That is
    rare, so it is found by the unique constraint, not looked up before every insert;
    the transaction is this function's own (no savepoint when it is the outermost one):
    a message costs one ``UPDATE ... RETURNING``, two inserts and the commit. A refused
    insert leaves nothing behind (the transaction, or the caller's savepoint, is rolled
    back) and the stored message is read after it."""
    body = body.strip()
    if not body:
        raise ChatError(_("Typ eerst een bericht."))
    if len(body) > MAX_BODY:
        raise ChatError(_("Je bericht is te lang (meer dan 2000 tekens). Knip het in stukken."))
    client_id = client_id[:40]
    try:
        with transaction.atomic():
            message = append(
                conversation.pk,
                sender=sender,
                body=body,
                author_name=author_name,
                client_id=client_id,
                notify_after_commit=notify_after_commit,
                helper_id=helper_id,
            )
            log(
                conversation=conversation,
                action=Action.CREATE,
                actor=actor,
                details={"kind": "message", "seq": message.seq, "sender": sender},
            )
    except (IntegrityError, ChatError):  # a resend, or ended/transferred meanwhile
        existing = (
            ChatMessage.objects.filter(
                conversation_id=conversation.pk, sender=sender, client_id=client_id
            ).first()
            if client_id
            else None
        )
        if existing is None:
            raise
        return existing
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
    system_message(conversation, text, allow_ended=True)
    log(
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
