"""Reads of the chat, scoped to the acting helper's team and logged.

A helper reads a transcript only when the conversation is theirs, when they are a
present participant (a colleague in a warm transfer, a supervisor reading along with a
logged reason, the professional of an agreed hand-off). Every opening of a transcript
writes a VIEW entry to the processing log. The young person reads their own
conversation with its bearer token only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_list_read, log_processing, log_refusal
from bovenwater.chat import hours, keys
from bovenwater.chat.models import (
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
    Team,
    Transfer,
)
from bovenwater.chat.services.common import message_payload
from bovenwater.chat.services.handoff import handoff_text
from bovenwater.lib.errors import NotFound
from bovenwater.monitor.selectors import Table, chat_tables_read, chat_years

DEFAULT_MINUTES_PER_PLACE = 4


def helper_for_actor(actor: Actor) -> Helper:
    if not actor.has(Permission.CHAT_HELP):
        raise PermissionDenied
    helper = (
        Helper.objects.select_related("team", "membership__user")
        .filter(membership_id=actor.membership.pk, team__organisation_id=actor.organisation_id)
        .first()
    )
    if helper is None:
        raise PermissionDenied
    return helper


def access_role(actor: Actor, conversation: Conversation) -> str | None:
    """How the actor may be in this conversation: helper, transfer, observer,
    professional, or None."""
    if conversation.team.organisation_id == actor.organisation_id and actor.has(
        Permission.CHAT_HELP
    ):
        helper = Helper.objects.filter(membership_id=actor.membership.pk).first()
        if helper is not None and conversation.helper_id == helper.pk:
            return ParticipantRole.HELPER
    participant = (
        Participant.objects.filter(
            conversation=conversation, membership_id=actor.membership.pk, left_at__isnull=True
        )
        .exclude(role=ParticipantRole.HELPER)
        .first()
    )
    if participant is None:
        return None
    if participant.role == ParticipantRole.PROFESSIONAL:
        return participant.role if actor.has(Permission.VIEW_SIGNALS) else None
    if conversation.team.organisation_id != actor.organisation_id:
        return None
    return participant.role


def conversation_for_actor(
    *, actor: Actor, conversation_id: int, log: bool = True
) -> tuple[Conversation, str]:
    """The conversation with the actor's role in it; PermissionDenied (logged) otherwise."""
    conversation = (
        Conversation.objects.select_related("team", "helper").filter(pk=conversation_id).first()
    )
    role = access_role(actor, conversation) if conversation is not None else None
    if conversation is None or role is None:
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="chat.conversation",
            object_id=str(conversation_id),
            purpose=Purpose.CHAT_HELP,
            details={"refused": True},
        )
        raise PermissionDenied
    if log:
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="chat.conversation",
            object_id=conversation.reference,
            data_subject=f"chat:{conversation.reference}",
            purpose=Purpose.CHAT_HELP,
            details={"kind": "transcript", "as": role},
        )
    return conversation, role


MESSAGES_PER_READ = 500


def messages_after(
    conversation_id: int, after: int, limit: int = MESSAGES_PER_READ
) -> list[dict[str, Any]]:
    """Messages with a sequence number above ``after``, in order (after an access check)."""
    return [
        message_payload(m)
        for m in ChatMessage.objects.filter(
            conversation_id=conversation_id, seq__gt=after
        ).order_by("seq")[:limit]
    ]


def last_seq(conversation_id: int) -> int:
    """The conversation's highest sequence number (after an access check)."""
    return int(
        Conversation.objects.filter(pk=conversation_id).values_list("last_seq", flat=True).first()
        or 0
    )


def last_seqs(conversation_ids: set[int]) -> dict[int, int]:
    """The highest sequence number of each conversation, in one query per thousand (for
    the sockets a process already admitted: ``realtime.LayerWatch.sweep``)."""
    ids = sorted(conversation_ids)
    found: dict[int, int] = {}
    for start in range(0, len(ids), 1000):
        found.update(
            Conversation.objects.filter(pk__in=ids[start : start + 1000]).values_list(
                "pk", "last_seq"
            )
        )
    return found


def queue_position(conversation: Conversation) -> int:
    if conversation.state != ConversationState.QUEUED:
        return 0
    return (
        Conversation.objects.filter(team_id=conversation.team_id, state=ConversationState.QUEUED)
        .filter(
            Q(created_at__lt=conversation.created_at)
            | Q(created_at=conversation.created_at, pk__lt=conversation.pk)
        )
        .count()
        + 1
    )


def expected_wait_minutes(team_id: int, position: int) -> int:
    """Position times the median wait of the last 20 assignments per helper slot, or a
    default when there is no history yet; at least one minute."""
    recent = list(
        Conversation.objects.filter(team_id=team_id, assigned_at__isnull=False)
        .order_by("-assigned_at")
        .values_list("created_at", "assigned_at")[:20]
    )
    helpers = (
        Helper.objects.filter(team_id=team_id)
        .exclude(presence__in=(Presence.OFFLINE, Presence.AWAY))
        .count()
    )
    if recent:
        waits = sorted(
            (assigned - created).total_seconds() / 60
            for created, assigned in recent
            if assigned is not None
        )
        per_place = max(waits[len(waits) // 2], 1.0) if waits else DEFAULT_MINUTES_PER_PLACE
    else:
        per_place = DEFAULT_MINUTES_PER_PLACE
    return max(1, math.ceil(position * per_place / max(1, helpers)))


def state_for(conversation: Conversation, *, for_youth: bool) -> dict[str, Any]:
    proposed = Handoff.objects.filter(
        conversation_id=OuterRef("pk"), state=Handoff.State.PROPOSED
    ).values("pk")[:1]
    conversation = (
        Conversation.objects.select_related("helper")
        .annotate(proposed_handoff=Subquery(proposed))
        .get(pk=conversation.pk)
    )
    position = queue_position(conversation)
    state: dict[str, Any] = {
        "type": "state",
        "state": conversation.state,
        "position": position,
        "wait_minutes": expected_wait_minutes(conversation.team_id, position) if position else 0,
        "helper": conversation.helper.display_name if conversation.helper else "",
        "read_seq": conversation.helper_read_seq if for_youth else conversation.youth_read_seq,
        "last_seq": conversation.last_seq,
    }
    pending = (  # read only when one is proposed (a reconnect burst reads many states)
        Handoff.objects.select_related("receiving_organisation")
        .filter(pk=conversation.proposed_handoff, state=Handoff.State.PROPOSED)
        .first()
        if conversation.proposed_handoff is not None
        else None
    )
    if pending is not None:
        state["handoff"] = {"id": pending.pk, "text": handoff_text(pending)}
    return state


def state_and_messages(
    conversation: Conversation, *, for_youth: bool, after: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The state for a socket and the messages after ``after`` (the first
    ``MESSAGES_PER_READ``): what a (re)connecting socket is sent first."""
    state = state_for(conversation, for_youth=for_youth)
    missed = messages_after(conversation.pk, after) if state["last_seq"] > after else []
    return state, missed


# --- opening hours ------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamStatus:
    is_open: bool
    next_opening: datetime | None


def team_status(team: Team, now: datetime | None = None) -> TeamStatus:
    now = timezone.localtime(now or timezone.now())
    periods = [hours.Period(h.weekday, h.opens, h.closes) for h in team.hours.all()]
    holidays = frozenset(team.holidays.values_list("date", flat=True))
    return TeamStatus(
        is_open=hours.is_open(periods, holidays, now),
        next_opening=hours.next_opening(periods, holidays, now),
    )


def pickup_read(*, code: str) -> PickupMessage | None:
    """The message left with this pick-up code (and its answer), logged; None if unknown."""
    pickup = PickupMessage.objects.filter(code_digest=keys.pickup_digest(code)).first()
    if pickup is not None:
        log_processing(
            actor=None,
            action=Action.VIEW,
            object_type="chat.pickup",
            object_id=pickup.pk,
            data_subject=f"chat-pickup:{pickup.pk}",
            purpose=Purpose.CHAT_HELP,
        )
    return pickup


# --- the helper console -------------------------------------------------------------------


def console(actor: Actor) -> dict[str, Any]:
    helper = helper_for_actor(actor)
    mine = list(
        Conversation.objects.filter(helper=helper, state=ConversationState.ACTIVE).order_by(
            "assigned_at"
        )
    )
    joined = list(
        Participant.objects.select_related("conversation")
        .filter(membership_id=actor.membership.pk, left_at__isnull=True)
        .exclude(role=ParticipantRole.HELPER)
    )
    transfers = list(
        Transfer.objects.select_related("conversation", "from_helper").filter(
            to_helper=helper, state=Transfer.State.PENDING
        )
    )
    colleagues = list(
        Helper.objects.filter(team_id=helper.team_id)
        .exclude(pk=helper.pk)
        .annotate(
            load=Count("conversations", filter=Q(conversations__state=ConversationState.ACTIVE))
        )
        .order_by("display_name")
    )
    queued = Conversation.objects.filter(
        team_id=helper.team_id, state=ConversationState.QUEUED
    ).count()
    return {
        "helper": helper,
        "mine": mine,
        "joined": joined,
        "transfers": transfers,
        "colleagues": colleagues,
        "queued": queued,
        "canned": list(CannedResponse.objects.filter(organisation_id=actor.organisation_id)),
        "pickups": list(
            PickupMessage.objects.filter(team_id=helper.team_id, answered_at__isnull=True)
            .order_by("created_at")
            .only("pk", "created_at")
        ),
    }


def pickup_for_helper(*, actor: Actor, pickup_id: int) -> PickupMessage:
    helper = helper_for_actor(actor)
    pickup = PickupMessage.objects.filter(pk=pickup_id, team_id=helper.team_id).first()
    if pickup is None:
        raise PermissionDenied
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="chat.pickup",
        object_id=pickup.pk,
        data_subject=f"chat-pickup:{pickup.pk}",
        purpose=Purpose.CHAT_HELP,
    )
    return pickup


def notes_for(conversation: Conversation) -> list[ChatNote]:
    return list(ChatNote.objects.select_related("author__user").filter(conversation=conversation))


def transfer_for_helper(*, actor: Actor, transfer_id: int) -> Transfer:
    helper = helper_for_actor(actor)
    transfer = (
        Transfer.objects.select_related("conversation")
        .filter(pk=transfer_id, to_helper=helper)
        .first()
    )
    if transfer is None:
        _refuse_for_owner(
            actor,
            "chat.transfer",
            transfer_id,
            Transfer.objects.filter(pk=transfer_id).values_list(
                "conversation__team__organisation_id", flat=True
            ),
        )
    return transfer


def colleague_for_helper(*, actor: Actor, helper_id: int) -> Helper:
    helper = helper_for_actor(actor)
    colleague = (
        Helper.objects.select_related("membership__user")
        .filter(pk=helper_id, team_id=helper.team_id)
        .first()
    )
    if colleague is None:
        raise PermissionDenied
    return colleague


def supervised_conversation(*, actor: Actor, conversation_id: int) -> Conversation:
    """A running conversation of the supervisor's team (before a logged read-only join)."""
    helper = helper_for_actor(actor)
    conversation = (
        Conversation.objects.select_related("team")
        .filter(pk=conversation_id, team_id=helper.team_id)
        .exclude(state=ConversationState.ENDED)
        .first()
    )
    if not helper.is_supervisor or conversation is None:
        raise PermissionDenied
    return conversation


def board(actor: Actor) -> dict[str, Any]:
    """The supervisor board: queue, waits, who is in which conversation (no content)."""
    helper = helper_for_actor(actor)
    if not helper.is_supervisor:
        raise PermissionDenied
    now = timezone.now()
    queued = list(
        Conversation.objects.filter(team_id=helper.team_id, state=ConversationState.QUEUED)
        .order_by("created_at")
        .only("pk", "created_at", "age_band")
    )
    active = list(
        Conversation.objects.select_related("helper")
        .filter(team_id=helper.team_id, state=ConversationState.ACTIVE)
        .order_by("assigned_at")
        .only("pk", "assigned_at", "created_at", "helper__display_name", "flagged", "age_band")
    )
    helpers = list(
        Helper.objects.filter(team_id=helper.team_id)
        .annotate(
            load=Count("conversations", filter=Q(conversations__state=ConversationState.ACTIVE))
        )
        .order_by("display_name")
    )
    return {
        "helper": helper,
        "queued": [(c, int((now - c.created_at).total_seconds() // 60)) for c in queued],
        "active": [
            (c, int((now - (c.assigned_at or c.created_at)).total_seconds() // 60)) for c in active
        ],
        "helpers": helpers,
        "longest_wait": max(
            (int((now - c.created_at).total_seconds() // 60) for c in queued), default=0
        ),
    }


def handoffs_for_professional(actor: Actor) -> list[Handoff]:
    """Agreed hand-offs to the actor's organisation whose chat is still going, and those
    into an existing case that no case worker has added to it yet (logged)."""
    if not actor.has(Permission.VIEW_SIGNALS):
        log_refusal(
            actor=actor,
            object_type="chat.handoff",
            object_id="list",
            purpose=Purpose.SIGNAL_HANDLING,
            reason="forbidden",
        )
        return []
    log_list_read(actor=actor, object_type="chat.handoff", purpose=Purpose.SIGNAL_HANDLING)
    return list(
        Handoff.objects.select_related("conversation")
        .filter(receiving_organisation_id=actor.organisation_id)
        .filter(
            Q(
                state__in=(Handoff.State.AGREED, Handoff.State.ACUTE),
                conversation__state=ConversationState.ACTIVE,
            )
            | Q(state=Handoff.State.AGREED, target=Handoff.Target.CASE, case_number="")
        )
        .order_by("-decided_at")
    )


def handoff_for_professional(*, actor: Actor, handoff_id: int) -> Handoff:
    for handoff in handoffs_for_professional(actor):
        if handoff.pk == handoff_id:
            return handoff
    _refuse_for_owner(
        actor,
        "chat.handoff",
        handoff_id,
        Handoff.objects.filter(pk=handoff_id).values_list(
            "conversation__team__organisation_id", flat=True
        ),
        purpose=Purpose.SIGNAL_HANDLING,
    )


def _refuse_for_owner(
    actor: Actor,
    object_type: str,
    object_id: int,
    owner: QuerySet[Any, int],
    *,
    purpose: Purpose = Purpose.CHAT_HELP,
) -> NoReturn:
    """Log a refused read for the organisation whose chat the object belongs to (its
    privacy officer sees the attempt), then refuse as before (403)."""
    log_refusal(
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        owner_organisation_id=owner.first(),
    )
    raise PermissionDenied


def counts(actor: Actor, year: int) -> list[Table]:
    """The chat's counts of one year for a supervisor, from the monitor's count table
    (aggregates, small numbers suppressed by the monitor's rules)."""
    helper = helper_for_actor(actor)
    if not helper.is_supervisor:
        raise PermissionDenied
    if year not in chat_years():
        return []
    return list(chat_tables_read(year=year).values())


# --- canned responses (no personal data) ---------------------------------------------------


def canned_for_supervisor(actor: Actor) -> list[CannedResponse]:
    """The canned responses of the actor's organisation, for its chat supervisors."""
    if not helper_for_actor(actor).is_supervisor:
        raise PermissionDenied
    return list(CannedResponse.objects.filter(organisation_id=actor.organisation_id))


def canned_response_for_supervisor(*, actor: Actor, canned_id: int) -> CannedResponse:
    """One of the organisation's canned responses; another's answers as a missing one."""
    if not helper_for_actor(actor).is_supervisor:
        raise PermissionDenied
    canned = CannedResponse.objects.filter(
        pk=canned_id, organisation_id=actor.organisation_id
    ).first()
    if canned is None:
        owner = CannedResponse.objects.filter(pk=canned_id).values_list(
            "organisation_id", flat=True
        )
        log_refusal(
            actor=actor,
            object_type="chat.cannedresponse",
            object_id=canned_id,
            purpose=Purpose.CHAT_HELP,
            owner_organisation_id=owner.first(),
        )
        raise NotFound
    return canned
