"""Rules of the chat reads that a mutation of ``chat/selectors.py`` showed unpinned
(issue #20, `make mutation` group chat-scope): a queue place only for a waiting chat,
the expected wait a young person is told, the supervisor's longest wait, and a transfer
read only by the colleague it is addressed to (a refusal the owner's privacy officer
sees)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from tests.chat.factories import actor_of

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.chat import selectors, services
from bovenwater.chat.models import (
    ChatMessage,
    Conversation,
    Handoff,
    Helper,
    Holiday,
    Participant,
    PickupMessage,
    Presence,
    Team,
)
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db


def test_only_a_waiting_chat_has_a_place_in_the_queue(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    first, second = start_chat().conversation, start_chat().conversation
    assert selectors.queue_position(Conversation.objects.get(pk=second.pk)) == 2
    # nobody present, no history: four minutes a place
    assert selectors.state_for(second, for_youth=True)["wait_minutes"] == 8
    make_helper("Sam", capacity=1)
    services.assign_queued(team_id=first.team_id)
    first = Conversation.objects.get(pk=first.pk)
    assert first.state == "active"
    assert selectors.queue_position(first) == 0
    assert selectors.state_for(first, for_youth=True)["position"] == 0
    assert selectors.state_for(first, for_youth=True)["wait_minutes"] == 0
    assert selectors.queue_position(Conversation.objects.get(pk=second.pk)) == 1


def test_the_expected_wait_is_places_times_minutes_per_place_shared_by_the_helpers(
    team: Team, start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    make_helper("Weg", presence=Presence.AWAY)  # not counted
    # no history yet: four minutes a place, for a single slot when nobody is present
    assert selectors.expected_wait_minutes(team.pk, 1) == 4
    make_helper("Sam", capacity=0)
    assert selectors.expected_wait_minutes(team.pk, 3) == 12
    make_helper("Kim", capacity=0)  # shared by the two present helpers
    assert selectors.expected_wait_minutes(team.pk, 3) == 6
    # history: chats taken at once still count as a minute a place
    for _ in range(3):
        conversation = start_chat().conversation
        Conversation.objects.filter(pk=conversation.pk).update(
            assigned_at=conversation.created_at, state="ended"
        )
    assert selectors.expected_wait_minutes(team.pk, 4) == 2
    assert selectors.expected_wait_minutes(team.pk, 1) == 1  # half a minute: one
    # the median of the last waits: four of 61 minutes outweigh three of none
    for _ in range(4):
        conversation = start_chat().conversation
        Conversation.objects.filter(pk=conversation.pk).update(
            assigned_at=conversation.created_at + timedelta(minutes=61), state="ended"
        )
    assert selectors.expected_wait_minutes(team.pk, 4) == 122


def test_the_board_shows_the_longest_wait_in_whole_minutes(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    supervisor = make_helper("Chef", supervisor=True, presence=Presence.AWAY)
    assert selectors.board(actor_of(supervisor))["longest_wait"] == 0  # nobody waits
    conversation = start_chat().conversation
    # a second past the whole minutes: the board may read its clock up to 59 s later
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=timezone.now() - timedelta(hours=2, seconds=1)
    )
    talking = start_chat().conversation
    Conversation.objects.filter(pk=talking.pk).update(
        state="active", assigned_at=timezone.now() - timedelta(hours=3, seconds=1)
    )
    board = selectors.board(actor_of(supervisor))
    assert board["longest_wait"] == 120
    assert [minutes for _c, minutes in board["queued"]] == [120]
    assert [minutes for _c, minutes in board["active"]] == [180]


def test_a_transfer_is_read_only_by_the_colleague_it_is_addressed_to(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    sam = make_helper("Sam")
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    kim = make_helper("Kim")
    transfer = services.transfer_start(
        actor=actor_of(sam),
        conversation=conversation,
        to_helper=kim,
        kind="warm",
        note="Zie notitie",
    )
    assert selectors.transfer_for_helper(actor=actor_of(kim), transfer_id=transfer.pk) == transfer
    with pytest.raises(PermissionDenied):
        selectors.transfer_for_helper(actor=actor_of(sam), transfer_id=transfer.pk)
    (refusal,) = [
        entry
        for entry in ProcessingLogEntry.objects.filter(
            object_type="chat.transfer", object_id=str(transfer.pk)
        )
        if entry.refused
    ]
    # the same organisation's privacy officer sees it as its own helper's attempt
    assert refusal.organisation_id == sam.team.organisation_id


def test_the_console_lists_the_chats_a_supervisor_reads_along_until_they_end(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    make_helper("Sam")
    chef = make_helper("Chef", supervisor=True, presence=Presence.AWAY)
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    joined = services.observer_join(
        actor=actor_of(chef), conversation=conversation, reason="Meelezen voor begeleiding"
    )
    assert selectors.console(actor_of(chef))["joined"] == [joined]
    assert selectors.access_role(actor_of(chef), conversation) == "observer"
    Participant.objects.filter(pk=joined.pk).update(left_at=timezone.now())  # as the end does
    assert selectors.console(actor_of(chef))["joined"] == []


def test_a_message_left_while_closed_is_read_only_by_its_own_team(
    team: Team, make_helper: Callable[..., Helper]
) -> None:
    services.pickup_leave(team=team, text="Wil iemand me terugschrijven?")
    pickup = PickupMessage.objects.get()
    sam = make_helper("Sam")
    assert selectors.pickup_for_helper(actor=actor_of(sam), pickup_id=pickup.pk) == pickup
    assert selectors.console(actor_of(sam))["pickups"] == [pickup]
    services.pickup_answer(actor=actor_of(sam), pickup=pickup, answer="Ja, hier ben ik.")
    assert selectors.console(actor_of(sam))["pickups"] == []  # answered: off the list
    other_team = Team.objects.create(organisation=team.organisation, name="Ander team")
    stranger = make_helper("Ander", in_team=other_team)
    with pytest.raises(PermissionDenied):
        selectors.pickup_for_helper(actor=actor_of(stranger), pickup_id=pickup.pk)


def test_a_helper_whose_membership_is_in_another_organisation_is_not_the_teams_helper(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
) -> None:
    """The organisation is compared for equality: a membership moved to an organisation
    with a larger id keeps no access to the old team's chats."""
    elsewhere = make_organisation(name="Andere stichting", kind=OrganisationKind.NGO)
    moved = make_helper("Verhuisd", organisation=elsewhere)
    conversation = start_chat().conversation
    assert elsewhere.pk > conversation.team.organisation_id
    Conversation.objects.filter(pk=conversation.pk).update(helper=moved, state="active")
    conversation = Conversation.objects.select_related("team").get(pk=conversation.pk)
    assert selectors.access_role(actor_of(moved), conversation) is None
    with pytest.raises(PermissionDenied):
        selectors.conversation_for_actor(actor=actor_of(moved), conversation_id=conversation.pk)
    # nor as one who reads along
    Participant.objects.create(
        conversation=conversation, membership=moved.membership, role="observer", reason="Meelezen"
    )
    assert selectors.access_role(actor_of(moved), conversation) is None


def test_an_agreed_handoff_is_found_by_its_id_whatever_its_size(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
) -> None:
    """Ids above 256 are distinct int objects: the id from the URL is compared by value,
    and a smaller id asked for is not answered with a larger one listed before it."""
    sam = make_helper()
    care = make_organisation(name="Zorgcoördinatie", kind=OrganisationKind.CARE_COORDINATION)
    # an earlier hand-off of another chat to the same organisation, agreed first
    other = start_chat().conversation
    services.assign_queued(team_id=other.team_id)
    earlier = services.handoff_propose(
        actor=actor_of(sam),
        conversation=Conversation.objects.get(pk=other.pk),
        receiving_organisation=care,
        municipality=Municipality.objects.get(code="GM0363"),
        summary="Zorgen over school.",
    )
    services.handoff_decide(conversation=other, handoff_id=earlier.pk, agree=True)
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    proposed = services.handoff_propose(
        actor=actor_of(sam),
        conversation=conversation,
        receiving_organisation=care,
        municipality=Municipality.objects.get(code="GM0363"),
        summary="Zorgen over thuis.",
    )
    big = Handoff.objects.get(pk=proposed.pk)
    big.pk = proposed.pk + 1000
    big.save(force_insert=True)
    Handoff.objects.filter(pk=proposed.pk).delete()
    assert earlier.pk < big.pk
    services.handoff_decide(conversation=conversation, handoff_id=big.pk, agree=True)
    coordinator = make_member(role=Role.CARE_COORDINATOR, organisation=care)
    pro = Actor(user=coordinator.user, membership=coordinator)
    assert [h.pk for h in selectors.handoffs_for_professional(pro)] == [big.pk, earlier.pk]
    found = selectors.handoff_for_professional(actor=pro, handoff_id=int(str(big.pk)))
    assert found.pk == big.pk
    assert selectors.handoff_for_professional(actor=pro, handoff_id=earlier.pk).pk == earlier.pk
    # a professional of another organisation: refused, and the chat's owner sees it
    outsider = make_member(role=Role.CARE_COORDINATOR)
    with pytest.raises(PermissionDenied):
        selectors.handoff_for_professional(
            actor=Actor(user=outsider.user, membership=outsider), handoff_id=big.pk
        )
    refusal = ProcessingLogEntry.objects.order_by("-pk").first()
    assert refusal is not None and refusal.refused
    assert refusal.owner_organisation_id == conversation.team.organisation_id


def test_a_supervisor_reads_along_only_in_a_running_chat_of_the_own_team(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    chef = make_helper("Chef", supervisor=True, presence=Presence.AWAY)
    sam = make_helper("Sam", presence=Presence.AWAY)
    conversation = start_chat().conversation
    found = selectors.supervised_conversation(actor=actor_of(chef), conversation_id=conversation.pk)
    assert found == conversation
    with pytest.raises(PermissionDenied):  # not a supervisor
        selectors.supervised_conversation(actor=actor_of(sam), conversation_id=conversation.pk)
    Conversation.objects.filter(pk=conversation.pk).update(state="ended")
    with pytest.raises(PermissionDenied):
        selectors.supervised_conversation(actor=actor_of(chef), conversation_id=conversation.pk)


def test_messages_are_read_in_pages_of_five_hundred(
    start_chat: Callable[..., services.StartResult],
) -> None:
    conversation = start_chat().conversation
    first = selectors.last_seq(conversation.pk) + 1  # after the greeting
    ChatMessage.objects.bulk_create(
        ChatMessage(conversation=conversation, seq=seq, sender="youth", body=f"bericht {seq}")
        for seq in range(first, first + 501)
    )
    page = selectors.messages_after(conversation.pk, first - 1)
    assert [m["seq"] for m in page] == list(range(first, first + 500))
    assert [m["seq"] for m in selectors.messages_after(conversation.pk, first + 499)] == [
        first + 500
    ]


def test_who_read_along_and_moved_to_another_organisation_reads_no_more(
    make_helper: Callable[..., Helper], make_organisation: Callable[..., Organisation]
) -> None:
    """The organisation is compared for equality, whichever of the two ids is larger."""
    moved_to = make_organisation(name="Eerdere stichting", kind=OrganisationKind.NGO)
    owner = make_organisation(name="Latere stichting", kind=OrganisationKind.NGO)
    assert moved_to.pk < owner.pk
    team = Team.objects.create(organisation=owner, name="Chatteam later")
    conversation = services.conversation_start(
        team=team, nickname="", age_band="12-15"
    ).conversation
    chef = make_helper("Chef", supervisor=True, organisation=moved_to, in_team=team)
    Participant.objects.create(
        conversation=conversation,
        membership=chef.membership,
        role="observer",
        reason="Meelezen voor begeleiding",
    )
    conversation = Conversation.objects.select_related("team").get(pk=conversation.pk)
    assert selectors.access_role(actor_of(chef), conversation) is None
    # nor as the helper the chat was left with
    Conversation.objects.filter(pk=conversation.pk).update(helper=chef, state="active")
    conversation = Conversation.objects.select_related("team").get(pk=conversation.pk)
    assert selectors.access_role(actor_of(chef), conversation) is None


def test_the_last_sequence_number_of_a_conversation_without_messages_is_zero(
    team: Team,
) -> None:
    """`last_seq` (a socket's catch-up after rejoining its groups) and `last_seqs` (the
    process sweep): zero without messages, only the conversations asked for."""
    empty = Conversation.objects.create(team=team, token_digest="x" * 64)
    other = Conversation.objects.create(team=team, token_digest="y" * 64, last_seq=7)
    assert selectors.last_seq(empty.pk) == 0
    assert selectors.last_seq(other.pk) == 7
    assert selectors.last_seqs({empty.pk}) == {empty.pk: 0}
    wanted = {empty.pk, other.pk, *range(10**6, 10**6 + 1200)}
    assert selectors.last_seqs(wanted) == {empty.pk: 0, other.pk: 7}


def test_the_helper_of_a_chat_is_recognised_whatever_the_size_of_the_ids(
    make_member: Callable[..., Membership],
) -> None:
    """Ids above 256 are distinct int objects: organisations and helpers by value."""
    biggest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    organisation = Organisation.objects.create(
        pk=biggest + 1000,
        name="Chat met een groot id",
        kind=OrganisationKind.NGO,
        municipality=Municipality.objects.get(code="GM0363"),
    )
    team = Team.objects.create(organisation=organisation, name="Groot team")
    member = make_member(role=Role.CHAT_HELPER, organisation=organisation)
    top = Helper.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    helper = Helper.objects.create(
        pk=top + 1000, membership=member, team=team, display_name="Groot", capacity=1
    )
    conversation = services.conversation_start(team=team, nickname="", age_band="").conversation
    Conversation.objects.filter(pk=conversation.pk).update(helper=helper, state="active")
    conversation = Conversation.objects.select_related("team").get(pk=conversation.pk)
    assert selectors.access_role(actor_of(helper), conversation) == "helper"
    chef_member = make_member(role=Role.CHAT_HELPER, organisation=organisation)
    chef = Helper.objects.create(
        membership=chef_member, team=team, display_name="Chef", is_supervisor=True
    )
    services.observer_join(actor=actor_of(chef), conversation=conversation, reason="Begeleiding")
    assert selectors.access_role(actor_of(chef), conversation) == "observer"


def test_a_colleague_is_found_in_the_own_team_only(
    team: Team, make_helper: Callable[..., Helper]
) -> None:
    sam, kim = make_helper("Sam"), make_helper("Kim")
    assert selectors.colleague_for_helper(actor=actor_of(sam), helper_id=kim.pk) == kim
    elsewhere = make_helper("Ander", in_team=Team.objects.create(organisation=team.organisation))
    with pytest.raises(PermissionDenied):
        selectors.colleague_for_helper(actor=actor_of(sam), helper_id=elsewhere.pk)


def test_each_side_is_told_how_far_the_other_has_read(
    start_chat: Callable[..., services.StartResult],
) -> None:
    conversation = start_chat().conversation
    Conversation.objects.filter(pk=conversation.pk).update(helper_read_seq=3, youth_read_seq=5)
    assert selectors.state_for(conversation, for_youth=True)["read_seq"] == 3
    assert selectors.state_for(conversation, for_youth=False)["read_seq"] == 5


def test_the_chat_is_closed_on_a_holiday_of_the_team(team: Team) -> None:
    now = timezone.now()
    assert selectors.team_status(team, now).is_open  # open day and night
    Holiday.objects.create(team=team, date=timezone.localdate(now), name="Feestdag")
    assert not selectors.team_status(team, now).is_open
    # asked about another day: that day's answer, not today's
    assert selectors.team_status(team, now + timedelta(days=1)).is_open


def test_the_expected_wait_reads_the_last_twenty_assignments(
    team: Team, start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    make_helper("Sam", capacity=0)
    start = timezone.now() - timedelta(days=1)
    # oldest first: one taken at once, one after 61 minutes, then the newest nineteen:
    # ten taken at once and nine after 61 minutes
    waits = [0, 61] + [0] * 10 + [61] * 9
    for number, wait in enumerate(waits):
        conversation = start_chat().conversation
        assigned = start + timedelta(minutes=number)
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=assigned - timedelta(minutes=wait), assigned_at=assigned, state="ended"
        )
    # the last twenty: ten of none and ten of 61 minutes, the median 61
    assert selectors.expected_wait_minutes(team.pk, 1) == 61
