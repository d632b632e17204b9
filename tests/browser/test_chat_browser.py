"""The chat in Chromium with two browser contexts (young person, helper), served by the
real ASGI application (uvicorn, HTTP and WebSocket) on the test database."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import time as clock
from typing import Any

import pytest
import uvicorn
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.browser.axe import axe_violations
from tests.browser.support import fill_login
from tests.support import TEST_PASSWORD, TEST_SECRET, token_for

from bovenwater.accounts import services as accounts
from bovenwater.accounts.roles import Role
from bovenwater.asgi import application, django_application
from bovenwater.chat import demo as chat_demo
from bovenwater.chat.models import (
    Conversation,
    Handoff,
    Helper,
    OpeningHours,
    PickupMessage,
    Presence,
    Team,
    Transfer,
)
from bovenwater.core import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HELPER = "demo.chathulp.amsterdam"


@pytest.fixture
def asgi_url(live_database: None, settings: Any) -> Iterator[str]:
    settings.DEMO_MODE = True
    settings.CHAT_POW_DIFFICULTY = 8
    steps = demo.DEMO_STEPS
    demo.DEMO_STEPS = ()
    try:
        report = demo.seed_demo()
    finally:
        demo.DEMO_STEPS = steps
    chat_demo.seed(report)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    static = ASGIStaticFilesHandler(django_application)  # static files from the finders

    async def served(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/static/"):
            await static(scope, receive, send)
        else:
            await application(scope, receive, send)

    config = uvicorn.Config(
        served,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        ws="websockets-sansio",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_youth_and_helper_chat_hand_off_and_quick_exit(asgi_url: str, browser: Any) -> None:
    youth_context = browser.new_context(locale="nl-NL")
    helper_context = browser.new_context(locale="nl-NL")
    youth = youth_context.new_page()
    helper = helper_context.new_page()
    for page in (youth, helper):
        page.set_default_timeout(60_000)
    try:
        youth.goto(f"{asgi_url}/chat/")
        assert axe_violations(youth) == []
        youth.get_by_label("Bijnaam").fill("Mila")
        youth.get_by_label("Hoe oud ben je?").select_option("12-15")
        youth.get_by_role("button", name="Start de chat").click()
        status = youth.get_by_test_id("chat-status")
        status.filter(has_text="nummer 1 in de wachtrij").wait_for()

        fill_login(helper, asgi_url, HELPER)
        helper.wait_for_url(f"{asgi_url}/")
        helper.goto(f"{asgi_url}/chat/hulp/")
        assert axe_violations(helper) == []
        helper.get_by_label("Status", exact=True).select_option("available")
        helper.get_by_role("button", name="Status opslaan").click()
        # Auto-assigned: the young person's status changes live.
        status.filter(has_text="Je chat nu met").wait_for()
        helper.get_by_test_id("my-conversation").first.click()
        helper.get_by_test_id("chat-status").filter(has_text="In gesprek").wait_for()

        youth.get_by_label("Jouw bericht").fill("Hoi, ik weet niet")
        helper.get_by_test_id("typing").filter(has_text="typt").wait_for()
        sent = time.monotonic()
        youth.get_by_role("button", name="Verstuur").click()
        helper.get_by_test_id("chat-message").filter(has_text="Hoi, ik weet niet").wait_for()
        to_helper = time.monotonic() - sent
        # The helper's page shows it, so it reports it read: the young person sees
        # "Gelezen" under their own message (live, and in the database).
        own = youth.get_by_test_id("chat-message").filter(has_text="Hoi, ik weet niet")
        own.locator(".bw-chat-msg__read").filter(has_text="Gelezen").wait_for()
        deadline = time.monotonic() + 10
        while Conversation.objects.get().helper_read_seq < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert Conversation.objects.get().helper_read_seq >= 3
        helper.get_by_label("Bericht", exact=True).fill("Fijn dat je er bent, vertel maar.")
        sent = time.monotonic()
        helper.get_by_role("button", name="Verstuur").click()
        youth.get_by_test_id("chat-message").filter(has_text="vertel maar").wait_for()
        to_youth = time.monotonic() - sent
        print(
            f"delivery in the browser: youth->helper {to_helper:.3f} s, helper->youth {to_youth:.3f} s"
        )

        # Warm hand-off: the helper shares the young person's message with consent.
        helper.get_by_label("Delen bij overdracht").first.check()
        helper.get_by_label("Naar organisatie").select_option(
            label="Zorgcoördinatie mensenhandel Amstelland"
        )
        helper.get_by_label("Gemeente").select_option(label="Amsterdam")
        helper.get_by_label("Wat je doorgeeft, in gewone woorden").fill(
            "Mila wil met iemand praten over haar vriend."
        )
        helper.get_by_role("button", name="Voorstel aan de jongere tonen").click()
        consent = youth.get_by_test_id("consent-text")
        consent.filter(has_text="Zorgcoördinatie mensenhandel Amstelland").wait_for()
        youth.get_by_role("button", name="Ja, dat is goed").click()
        youth.get_by_test_id("chat-message").filter(has_text="Je hebt ja gezegd").wait_for()
        handoff = Handoff.objects.get()
        assert handoff.state == "agreed" and handoff.signal_reference.startswith("S-")

        # Quick exit: Esc twice (timed in test_quick_exit_timeline below).
        youth.keyboard.press("Escape")
        youth.keyboard.press("Escape")
        youth.wait_for_url(f"{asgi_url}/chat/weg/")
        youth.wait_for_load_state("load")
        assert youth.evaluate("sessionStorage.length + localStorage.length") == 0
        assert youth_context.cookies() == []
        youth.go_back()
        assert "/chat/" not in youth.url or youth.url.endswith("/chat/weg/")
        deadline = time.monotonic() + 10
        while Conversation.objects.get().ended_by != "exit" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert Conversation.objects.get().ended_by == "exit"
        helper.get_by_test_id("chat-message").filter(has_text="snel verlaten").wait_for()
    finally:
        youth_context.close()
        helper_context.close()


# The quick exit in the browser's own clock, without Playwright's round trips: from the
# second Esc (the key event's time in the chat page) to the neutral URL's own first paint,
# and to the moment the browser painted the neutral content in the chat page itself
# (Element Timing of the neutral heading, reported by the chat page's console). The chat
# page's report arrives only while it lives, so in the in-place runs the neutral URL's
# response is held back until that report came (the paint itself does not wait for it).
# Printed (pytest -s); no timing is asserted.
WATCH = (
    "document.addEventListener('keydown', (event) => console.log('exit-key ' + "
    "(performance.timeOrigin + event.timeStamp)), true);"
    "new PerformanceObserver((list) => list.getEntries().forEach((entry) => {"
    " if (entry.identifier === 'neutral') console.log('neutral-paint ' + "
    "(performance.timeOrigin + entry.renderTime)); })).observe({type: 'element'})"
)
NEUTRAL_TIMELINE = """() => ({origin: performance.timeOrigin,
  ready: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
  paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime})"""
RUNS = 7


def test_quick_exit_timeline(asgi_url: str, page: Any) -> None:
    page.set_default_timeout(30_000)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    in_place: list[float] = []
    to_paint: list[float] = []
    routes: list[Any] = []
    for run in range(2 * RUNS):
        held = run < RUNS
        if held:
            page.route("**/chat/weg/", lambda route: routes.append(route))
        messages.clear()
        page.goto(f"{asgi_url}/chat/")
        page.evaluate(WATCH)
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        if held:  # until the chat page reported its paint of the neutral content
            for _ in range(3000):
                if any(m.startswith("neutral-paint ") for m in messages):
                    break
                page.wait_for_timeout(10)
            routes.pop().continue_()
        page.wait_for_url(f"{asgi_url}/chat/weg/")
        page.wait_for_load_state("load")
        assert page.title() == "Nieuw tabblad"
        assert page.evaluate("sessionStorage.length + localStorage.length") == 0
        timeline = page.evaluate(NEUTRAL_TIMELINE)
        for _ in range(250):  # first paint is reported a little after load
            if timeline["paint"] is not None:
                break
            page.wait_for_timeout(20)
            timeline = page.evaluate(NEUTRAL_TIMELINE)
        key_at = float([m for m in messages if m.startswith("exit-key ")][-1].split()[1])
        assert timeline["origin"] >= key_at  # the neutral URL's navigation began after it
        painted = [float(m.split()[1]) for m in messages if m.startswith("neutral-paint ")]
        if held:
            page.unroute("**/chat/weg/")
            assert painted  # the chat page painted the neutral content itself
            in_place.append(painted[0] - key_at)
        else:
            to_paint.append(timeline["origin"] + timeline["paint"] - key_at)
    print(
        "quick exit, browser timeline, ms from the second Esc: neutral content painted in "
        f"the chat page {_runs(in_place)}; the neutral URL's first paint {_runs(to_paint)}"
    )


def _runs(values: list[float]) -> str:
    if not values:
        return "[]"
    ordered = sorted(values)
    runs = ", ".join(f"{v:.1f}" for v in values)
    return f"[{runs}] (median {ordered[len(ordered) // 2]:.1f}, max {ordered[-1]:.1f})"


def test_closed_hours_leave_a_message_and_read_the_answer_with_the_code(
    asgi_url: str, page: Any
) -> None:
    team = Team.objects.get()
    OpeningHours.objects.filter(team=team).delete()
    now = timezone.localtime()
    OpeningHours.objects.create(
        team=team, weekday=(now.weekday() + 1) % 7, opens=clock(19), closes=clock(22)
    )
    page.goto(f"{asgi_url}/chat/")
    closed = page.get_by_test_id("chat-closed")
    assert "We zijn weer open op" in closed.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Bericht achterlaten").click()
    page.get_by_label("Je bericht").fill("Mag ik morgen terugkomen?")
    page.get_by_role("button", name="Versturen").click()
    code = page.get_by_test_id("pickup-code").inner_text()
    assert len(code) == 14
    pickup = PickupMessage.objects.get()
    PickupMessage.objects.filter(pk=pickup.pk).update(answer="Ja, we zijn er om zeven uur.")
    page.get_by_role("link", name="Antwoord ophalen met je code").click()
    page.get_by_label("Je ophaalcode").fill(code)
    page.get_by_role("button", name="Ophalen").click()
    assert page.get_by_test_id("pickup-answer").inner_text() == "Ja, we zijn er om zeven uur."
    assert page.context.cookies() == []


def test_queue_position_updates_live_and_a_warm_transfer_between_helpers(
    asgi_url: str, browser: Any
) -> None:
    """Two young people wait: the second sees position 2, then 1 once the first is
    taken. The helper then hands the first conversation warmly to a colleague, who
    reads along, takes it over and chats on; the young person sees the new name."""

    team = Team.objects.get()
    user = accounts.user_create(
        username="test.chathulp.kim", password=TEST_PASSWORD, first_name="Kim", last_name="Test"
    )
    accounts.totp_device_set_known_secret(user=user, secret_base32=TEST_SECRET)
    membership = accounts.membership_add(
        user=user, organisation=team.organisation, role=Role.CHAT_HELPER
    )
    # Busy: takes a transfer, but is not given queued conversations.
    Helper.objects.create(
        membership=membership, team=team, display_name="Kim", presence=Presence.BUSY
    )
    contexts = [browser.new_context(locale="nl-NL") for _ in range(4)]
    first, second, helper, kim = (context.new_page() for context in contexts)
    for page in (first, second, helper, kim):
        page.set_default_timeout(60_000)
    try:
        for page, name in ((first, "Mila"), (second, "Ravi")):
            page.goto(f"{asgi_url}/chat/")
            page.get_by_label("Bijnaam").fill(name)
            page.get_by_role("button", name="Start de chat").click()
        first.get_by_test_id("chat-status").filter(has_text="nummer 1 in de wachtrij").wait_for()
        waiting = second.get_by_test_id("chat-status")
        waiting.filter(has_text="nummer 2 in de wachtrij").wait_for()

        fill_login(helper, asgi_url, HELPER)
        helper.wait_for_url(f"{asgi_url}/")
        # The supervisors' board (the demo helper is one), live through htmx's ws extension.
        board = contexts[2].new_page()
        board.set_default_timeout(15_000)
        board.goto(f"{asgi_url}/chat/hulp/overzicht/")
        summary = board.get_by_test_id("board-summary")
        assert "2 wachtenden" in summary.inner_text()
        helper.goto(f"{asgi_url}/chat/hulp/")
        helper.get_by_label("Status", exact=True).select_option("available")
        helper.get_by_label("Gesprekken tegelijk (1 tot en met 4)").fill("1")
        helper.get_by_role("button", name="Status opslaan").click()
        # The first is taken; the second moves up, live; so does the board.
        first.get_by_test_id("chat-status").filter(has_text="Je chat nu met").wait_for()
        waiting.filter(has_text="nummer 1 in de wachtrij").wait_for()
        summary.filter(has_text="1 wachtende,").wait_for()
        assert board.get_by_role("button", name="Meelezen").count() == 1

        kim.goto(f"{asgi_url}/account/inloggen/")
        kim.get_by_label("Gebruikersnaam").fill("test.chathulp.kim")
        kim.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
        kim.get_by_role("button", name="Volgende stap").click()
        kim.wait_for_url("**/inloggen/code/")
        device = TOTPDevice.objects.get(user__username="test.chathulp.kim")
        kim.get_by_label("Code uit uw authenticator-app").fill(token_for(device))
        kim.get_by_role("button", name="Inloggen").click()
        kim.wait_for_url(f"{asgi_url}/")
        kim.goto(f"{asgi_url}/chat/hulp/")

        helper.get_by_test_id("my-conversation").first.click()
        helper.get_by_label("Collega", exact=True).select_option(label="Kim — Bezet, 0/2")
        helper.get_by_label("Soort overdracht").select_option("warm")
        helper.get_by_label("Toelichting voor je collega").fill("Mila wil met een vrouw praten.")
        helper.get_by_role("button", name="Overdragen", exact=True).click()
        # Warm: the colleague joins first (the young person is told), then takes over.
        first.get_by_test_id("chat-message").filter(has_text="leest even mee").wait_for()
        offer = kim.get_by_test_id("incoming-transfer")
        offer.filter(has_text="Mila wil met een vrouw praten.").wait_for()
        offer.get_by_role("link", name="Meelezen").click()
        assert "Mila wil met een vrouw praten." in kim.get_by_test_id("transfer-note").inner_text()
        kim.get_by_role("button", name="Gesprek overnemen").click()
        first.get_by_test_id("chat-message").filter(
            has_text="Je praat nu verder met Kim"
        ).wait_for()
        transfer = Transfer.objects.get()
        assert transfer.state == "done" and transfer.kind == "warm"
        assert transfer.to_helper.display_name == "Kim"

        kim.get_by_label("Bericht", exact=True).fill("Hoi Mila, ik ben Kim.")
        kim.get_by_role("button", name="Verstuur").click()
        first.get_by_test_id("chat-message").filter(has_text="ik ben Kim").wait_for()
        first.get_by_label("Jouw bericht").fill("Hoi Kim")
        first.get_by_role("button", name="Verstuur").click()
        kim.get_by_test_id("chat-message").filter(has_text="Hoi Kim").wait_for()
    finally:
        for context in contexts:
            context.close()
