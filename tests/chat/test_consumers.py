"""The WebSocket consumer with Channels' communicator: resume, exactly once, roles."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.chat.communicator import WebsocketCommunicator
from tests.chat.factories import actor_of

from bovenwater.accounts.middleware import SESSION_KEY
from bovenwater.asgi import application
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.chat import services
from bovenwater.chat.models import Block, ChatMessage, Conversation, Helper, Sender
from bovenwater.chat.realtime import LayerWatch

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_database")]


def _session_cookie(helper: Helper) -> str:
    user = helper.membership.user
    device = TOTPDevice.objects.get(user=user)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_KEY] = helper.membership.pk
    session.save()
    return f"sessionid={session.session_key}"


def _communicator(cookie: str = "") -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/chat/", headers=headers)


async def _until(communicator: WebsocketCommunicator, kind: str, **match: Any) -> dict[str, Any]:
    while True:
        event: dict[str, Any] = await communicator.receive_json_from(timeout=5)
        if event["type"] == kind and all(event.get(k) == v for k, v in match.items()):
            return event


def test_youth_and_helper_exchange_messages_exactly_once_in_order(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    helper = make_helper()
    started = start_chat(nickname="Mila")
    cookie = _session_cookie(helper)

    async def scenario() -> None:
        youth = _communicator()
        staff = _communicator(cookie)
        assert (await youth.connect())[0]
        assert (await staff.connect())[0]
        await youth.send_json_to({"type": "hello", "token": started.token, "after": 0})
        state = await _until(youth, "state")
        assert state["state"] == "active"  # auto-assigned to the available helper
        welcome = await _until(youth, "msg", seq=1)
        assert welcome["sender"] == "system"
        await _until(youth, "msg", seq=2)  # "Sam is er nu voor je"
        await staff.send_json_to(
            {"type": "hello", "conversation": started.conversation.pk, "after": 0}
        )
        await _until(staff, "msg", seq=2)
        await youth.send_json_to({"type": "send", "id": "a1", "body": "Hoi, ik wil iets vragen"})
        ack = await _until(youth, "ack", id="a1")
        assert ack["seq"] == 3
        seen = await _until(staff, "msg", seq=3)
        assert seen["body"] == "Hoi, ik wil iets vragen" and seen["sender"] == "youth"
        # A resend of the same client id (after a broken connection) is stored once.
        await youth.send_json_to({"type": "send", "id": "a1", "body": "Hoi, ik wil iets vragen"})
        assert (await _until(youth, "ack", id="a1"))["seq"] == 3
        await staff.send_json_to({"type": "typing"})
        assert (await _until(youth, "typing"))["side"] == "helper"
        await staff.send_json_to({"type": "send", "id": "h1", "body": "Vertel maar"})
        reply = await _until(youth, "msg", seq=4)
        assert reply["author"] == "Sam"
        await youth.send_json_to({"type": "read", "seq": 4})
        assert (await _until(staff, "read"))["seq"] == 4
        await youth.disconnect()
        await staff.disconnect()

    async_to_sync(scenario)()
    bodies = list(
        ChatMessage.objects.filter(conversation=started.conversation).values_list("seq", "sender")
    )
    assert bodies == [(1, "system"), (2, "system"), (3, "youth"), (4, "helper")]
    conversation = Conversation.objects.get()
    assert conversation.youth_read_seq == 4
    logged = ProcessingLogEntry.objects.filter(
        object_id=conversation.reference, details__kind="message"
    ).count()
    assert logged == 2  # one entry per stored message (the resend stored nothing)


def test_reconnect_resumes_after_the_last_sequence_number(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    helper = make_helper()
    started = start_chat()
    for n in range(3):
        services.message_post(
            conversation=started.conversation,
            body=f"bericht {n}",
            sender=Sender.HELPER,
            actor=actor_of(helper),
            author_name="Sam",
        )

    async def scenario() -> list[int]:
        youth = _communicator()
        await youth.connect()
        await youth.send_json_to({"type": "hello", "token": started.token, "after": 3})
        seqs = []
        while True:
            event = await youth.receive_json_from(timeout=5)
            if event["type"] == "msg":
                seqs.append(event["seq"])
            if seqs and seqs[-1] == 5:
                break
        assert await youth.receive_nothing(timeout=0.3)
        await youth.disconnect()
        return seqs

    assert async_to_sync(scenario)() == [4, 5]


def test_a_lost_notice_is_filled_from_the_database(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    make_helper()
    started = start_chat()

    async def scenario() -> list[int]:
        youth = _communicator()
        await youth.connect()
        await youth.send_json_to({"type": "hello", "token": started.token, "after": 0})
        await _until(youth, "msg", seq=2)
        # Two messages are stored but only the notice of the second one arrives.
        await sync_to_async(_store_silently)(started.conversation, "kwijtgeraakte melding")
        await sync_to_async(services.message_post)(
            conversation=started.conversation, body="tweede", sender=Sender.HELPER
        )
        first = await _until(youth, "msg")
        second = await _until(youth, "msg")
        await youth.disconnect()
        return [first["seq"], second["seq"]]

    assert async_to_sync(scenario)() == [3, 4]


def test_the_process_sweep_finds_a_lost_notice_without_ping_or_next_message(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The last message's notice is lost and nothing follows it; the socket sends no
    heartbeat. Only the process's sweep (one query for all its sockets) finds it."""
    monkeypatch.setattr(LayerWatch, "SWEEP_EVERY", 0.2)
    monkeypatch.setattr(LayerWatch, "SWEEP_GRACE", 0.1)
    make_helper()
    started = start_chat()

    async def scenario() -> list[int]:
        youth = _communicator()
        await youth.connect()
        await youth.send_json_to({"type": "hello", "token": started.token, "after": 0})
        await _until(youth, "msg", seq=2)
        await sync_to_async(_store_silently)(started.conversation, "kwijtgeraakte melding")
        found = await _until(youth, "msg")
        assert await youth.receive_nothing(timeout=0.6)  # told once, shown once
        await youth.disconnect()
        return [found["seq"]]

    assert async_to_sync(scenario)() == [3]


def _store_silently(conversation: Conversation, body: str) -> None:
    with mock.patch("bovenwater.chat.notify.message_notice"):
        services.message_post(conversation=conversation, body=body, sender=Sender.HELPER)


def test_unknown_token_and_foreign_staff_are_refused(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Any],
) -> None:
    make_helper()
    started = start_chat()
    outsider = make_helper(name="Buiten", organisation=make_organisation(name="Andere org"))
    cookie = _session_cookie(outsider)

    async def scenario() -> tuple[int | None, int | None]:
        stranger = _communicator()
        await stranger.connect()
        await stranger.send_json_to({"type": "hello", "token": "geraden", "after": 0})
        assert (await stranger.receive_json_from())["type"] == "error"
        closed = await stranger.receive_output()
        staff = _communicator(cookie)
        await staff.connect()
        await staff.send_json_to(
            {"type": "hello", "conversation": started.conversation.pk, "after": 0}
        )
        assert (await staff.receive_json_from())["type"] == "error"
        closed_staff = await staff.receive_output()
        return closed.get("code"), closed_staff.get("code")

    assert async_to_sync(scenario)() == (4403, 4403)
    assert ProcessingLogEntry.objects.filter(details__refused=True).count() == 1


def test_quick_exit_over_the_socket_ends_the_conversation(
    start_chat: Callable[..., services.StartResult],
) -> None:
    started = start_chat()

    async def scenario() -> None:
        youth = _communicator()
        await youth.connect()
        await youth.send_json_to({"type": "hello", "token": started.token, "after": 0})
        assert (await _until(youth, "state"))["position"] == 1
        await youth.send_json_to({"type": "exit"})
        assert (await _until(youth, "state", state="ended"))["state"] == "ended"
        await youth.disconnect()

    async_to_sync(scenario)()
    conversation = Conversation.objects.get()
    assert conversation.state == "ended" and conversation.ended_by == "exit"
    assert conversation.delete_after is not None


def test_a_block_is_recorded_by_the_young_persons_connection_as_a_keyed_hash(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    helper = make_helper()
    started = start_chat()

    async def scenario() -> None:
        youth = _communicator()
        youth.scope["client"] = ("198.51.100.23", 50123)  # documentation range
        await youth.connect()
        await youth.send_json_to({"type": "hello", "token": started.token, "after": 0})
        await _until(youth, "msg", seq=2)
        await sync_to_async(services.block)(
            actor=actor_of(helper),
            conversation=await sync_to_async(Conversation.objects.get)(),
            hours=2,
            reason="scheldt en dreigt",
        )
        await _until(youth, "state", state="ended")
        for _ in range(50):
            if await sync_to_async(Block.objects.exists)():
                break
            await asyncio.sleep(0.05)
        await youth.disconnect()

    async_to_sync(scenario)()
    block = Block.objects.get()
    assert "198.51.100.23" not in block.address_digest and len(block.address_digest) == 64
    assert services.address_blocked("198.51.100.23")
    assert not services.address_blocked("198.51.100.24")
    with pytest.raises(services.ChatError):
        services.conversation_start(team=started.conversation.team, address="198.51.100.23")
    assert Conversation.objects.get().flagged


def test_supervisor_board_is_live_over_the_htmx_ws_socket(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    """The board's socket sends the live part as HTML with the id htmx swaps, again
    when the queue changes; a helper who is not a supervisor gets no socket."""
    boss = make_helper("Baas", presence="offline", supervisor=True)
    plain = make_helper("Sam", presence="offline")
    boss_cookie = _session_cookie(boss) + "; csrftoken=" + "a" * 32
    plain_cookie = _session_cookie(plain)

    def board_socket(cookie: str) -> WebsocketCommunicator:
        headers = [(b"origin", b"http://testserver"), (b"cookie", cookie.encode())]
        return WebsocketCommunicator(application, "/ws/chat/bord/", headers=headers)

    async def scenario() -> None:
        refused = board_socket(plain_cookie)
        connected, _code = await refused.connect()
        assert not connected
        anonymous = board_socket("")
        assert not (await anonymous.connect())[0]
        board = board_socket(boss_cookie)
        assert (await board.connect())[0]
        first = await board.receive_from(timeout=5)
        assert isinstance(first, str)
        assert first.startswith('<div id="board-live"') and "0 wachtenden" in first
        await sync_to_async(start_chat)(nickname="Mila")
        again = await board.receive_from(timeout=5)
        while "1 wachtende," not in again:  # one render per notice
            again = await board.receive_from(timeout=5)
        assert 'name="csrfmiddlewaretoken"' not in again  # nobody in a conversation yet
        assert "Mila" not in again  # no names of young people on the board
        await board.send_to(text_data='{"anything": 1}')  # read-only: ignored
        await board.disconnect()

    async_to_sync(scenario)()


def test_read_marks_count_the_other_sides_messages_and_are_stored_once_settled(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    """The page reports every message it shows as read, its own included. Only the other
    side's messages move the stored mark; the other side hears the mark at once."""
    helper = make_helper()
    started = start_chat()  # seq 1 welcome; assigned at once: seq 2 "Sam is er nu voor je"
    cookie = _session_cookie(helper)

    async def scenario() -> None:
        youth = _communicator()
        staff = _communicator(cookie)
        await youth.connect()
        await staff.connect()
        await youth.send_json_to({"type": "hello", "token": started.token, "after": 0})
        await _until(youth, "msg", seq=2)
        await staff.send_json_to(
            {"type": "hello", "conversation": started.conversation.pk, "after": 0}
        )
        await _until(staff, "msg", seq=2)
        await youth.send_json_to({"type": "send", "id": "y1", "body": "Hoi"})
        await _until(staff, "msg", seq=3)
        await staff.send_json_to({"type": "send", "id": "h1", "body": "Hallo"})
        await _until(staff, "msg", seq=4)
        # The helper's page reports its own message (4) read: the mark is the young
        # person's message (3), and the young person hears that at once.
        await staff.send_json_to({"type": "read", "seq": 4})
        assert (await _until(youth, "read"))["seq"] == 3
        await youth.disconnect()
        await staff.disconnect()  # a pending mark is stored when the socket closes

    async_to_sync(scenario)()
    conversation = Conversation.objects.get()
    assert (conversation.helper_read_seq, conversation.youth_read_seq) == (3, 0)


def test_a_transferred_conversation_refuses_the_former_helpers_message(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    helper = make_helper("Sam")
    colleague = make_helper("Kim")
    started = start_chat()
    cookie = _session_cookie(helper)

    async def scenario() -> dict[str, Any]:
        staff = _communicator(cookie)
        await staff.connect()
        await staff.send_json_to(
            {"type": "hello", "conversation": started.conversation.pk, "after": 0}
        )
        await _until(staff, "state")
        await sync_to_async(Conversation.objects.filter(pk=started.conversation.pk).update)(
            helper=colleague
        )
        await staff.send_json_to({"type": "send", "id": "h1", "body": "Nog iets"})
        error = await _until(staff, "error")
        await staff.disconnect()
        return error

    assert async_to_sync(scenario)()["message"] == "Dit gesprek is overgedragen."
    assert not ChatMessage.objects.filter(client_id="h1").exists()
    assert Conversation.objects.get().last_seq == 2  # nothing numbered for the refused one
