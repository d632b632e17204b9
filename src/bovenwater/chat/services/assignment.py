"""Presence and capacity of helpers, automatic assignment and "pak volgende"."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.audit.models import Action
from bovenwater.chat import notify
from bovenwater.chat.models import (
    Conversation,
    ConversationState,
    Helper,
    Participant,
    ParticipantRole,
    Presence,
)
from bovenwater.chat.services.common import (
    ChatError,
    helper_actor,
    helper_of,
    log,
    system_message,
)


def helper_load(helper: Helper) -> int:
    return Conversation.objects.filter(helper=helper, state=ConversationState.ACTIVE).count()


def check_may_take(helper: Helper) -> None:
    if helper.presence in (Presence.OFFLINE, Presence.AWAY):
        raise ChatError(_("%(name)s is niet beschikbaar.") % {"name": helper.display_name})
    if helper_load(helper) >= helper.capacity:
        raise ChatError(
            _("%(name)s heeft al het maximum aantal gesprekken.") % {"name": helper.display_name}
        )


@transaction.atomic
def presence_set(*, actor: Actor, presence: str, capacity: int | None = None) -> Helper:
    helper = helper_of(actor)
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
    system_message(
        conversation,
        _("%(name)s is er nu voor je. Je kunt gewoon typen.") % {"name": helper.display_name},
    )
    log(
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
    helper = helper_of(actor)
    if helper_load(helper) >= helper.capacity:
        raise ChatError(_("Je hebt al het maximum aantal gesprekken."))
    for conversation_id in (
        Conversation.objects.filter(team_id=helper.team_id, state=ConversationState.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:5]
    ):
        if _assign(conversation_id, helper):
            return Conversation.objects.get(pk=conversation_id)
    return None
