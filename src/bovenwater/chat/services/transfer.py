"""Transfers between helpers (warm and cold) and a supervisor reading along."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
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
    Transfer,
)
from bovenwater.chat.services.assignment import check_may_take
from bovenwater.chat.services.common import (
    MAX_BODY,
    ChatError,
    conversation_of_helper,
    helper_of,
    log,
    system_message,
)


@transaction.atomic
def transfer_start(
    *, actor: Actor, conversation: Conversation, to_helper: Helper, kind: str, note: str = ""
) -> Transfer:
    """Hand a conversation to a colleague: cold at once, warm after the colleague joined."""
    helper = conversation_of_helper(actor, conversation)
    if to_helper.pk == helper.pk or to_helper.team_id != helper.team_id:
        raise ChatError(_("Kies een collega uit je team."))
    if kind not in Transfer.Kind.values:
        raise ChatError(_("Kies warm of koud overdragen."))
    if kind == Transfer.Kind.WARM and not note.strip():
        raise ChatError(_("Schrijf bij een warme overdracht een korte toelichting."))
    to_helper = (
        Helper.objects.select_for_update().select_related("membership__user").get(pk=to_helper.pk)
    )
    check_may_take(to_helper)
    transfer = Transfer.objects.create(
        conversation=conversation,
        from_helper=helper,
        to_helper=to_helper,
        kind=kind,
        note=note.strip()[:MAX_BODY],
    )
    log(
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
        system_message(
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
    system_message(
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
    helper = helper_of(actor)
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
    log(
        conversation=transfer.conversation,
        action=Action.UPDATE,
        actor=actor,
        details={"kind": "transfer_accept"},
    )
    return transfer.conversation


@transaction.atomic
def observer_join(*, actor: Actor, conversation: Conversation, reason: str) -> Participant:
    """A supervisor reads along (read-only), with a reason in the processing log."""
    helper = helper_of(actor)
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
    log(
        conversation=conversation,
        action=Action.VIEW,
        actor=actor,
        details={"kind": "observe", "reason": reason[:300]},
    )
    return participant
