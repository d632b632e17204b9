"""Services and views of the chat: assignment, transfer, hand-off, hours, retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.chat.factories import actor_of
from tests.support import login

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cases import selectors as case_selectors
from bovenwater.cases import services as case_services
from bovenwater.cases.types import VictimDetails
from bovenwater.chat import hours, pow, selectors, services
from bovenwater.chat.masking import mask_contacts
from bovenwater.chat.models import (
    CannedResponse,
    ChatMessage,
    Conversation,
    Handoff,
    Helper,
    Holiday,
    OpeningHours,
    PickupMessage,
    Presence,
    Sender,
    SurveyResponse,
    Team,
    Transfer,
)
from bovenwater.intake.selectors import SignalFilter, signals_for_actor
from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.models import CountRow
from bovenwater.monitor.selectors import chat_tables_read
from bovenwater.reference.models import ExploitationForm, Municipality, PoliceUnit

pytestmark = pytest.mark.django_db


def test_auto_assignment_respects_capacity_and_queue_order(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    helper = make_helper(capacity=1)
    first, second = start_chat(), start_chat()
    services.assign_queued(team_id=first.conversation.team_id)
    first.conversation.refresh_from_db()
    second.conversation.refresh_from_db()
    assert first.conversation.helper_id == helper.pk and first.conversation.state == "active"
    assert second.conversation.state == "queued"
    assert selectors.queue_position(second.conversation) == 1
    with pytest.raises(services.ChatError):
        services.conversation_pull(actor=actor_of(helper))  # full
    services.conversation_end(conversation=first.conversation, by="helper")
    services.assign_queued(team_id=first.conversation.team_id)
    second.conversation.refresh_from_db()
    assert second.conversation.helper_id == helper.pk


def test_sequence_numbers_are_per_conversation_and_gapless(
    start_chat: Callable[..., services.StartResult],
) -> None:
    a, b = start_chat(), start_chat()
    for n in range(3):
        services.message_post(conversation=a.conversation, body=f"a{n}", sender=Sender.YOUTH)
    services.message_post(conversation=b.conversation, body="b", sender=Sender.YOUTH)
    assert list(
        ChatMessage.objects.filter(conversation=a.conversation).values_list("seq", flat=True)
    ) == [1, 2, 3, 4]
    assert list(
        ChatMessage.objects.filter(conversation=b.conversation).values_list("seq", flat=True)
    ) == [1, 2]
    with pytest.raises(services.ChatError):
        services.message_post(conversation=a.conversation, body="  ", sender=Sender.YOUTH)
    with pytest.raises(services.ChatError):
        services.message_post(conversation=a.conversation, body="x" * 2001, sender=Sender.YOUTH)
    services.conversation_end(conversation=a.conversation, by="youth")
    with pytest.raises(services.ChatError):
        services.message_post(conversation=a.conversation, body="na afloop", sender=Sender.YOUTH)
    assert ChatMessage.objects.filter(conversation=a.conversation).count() == 5  # + end notice


def test_transfer_refuses_offline_and_full_colleagues_warm_needs_acceptance(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    sam = make_helper("Sam")
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    assert conversation.helper_id == sam.pk
    offline = make_helper("Offline", presence=Presence.OFFLINE)
    with pytest.raises(services.ChatError):
        services.transfer_start(
            actor=actor_of(sam), conversation=conversation, to_helper=offline, kind="cold"
        )
    full = make_helper("Vol", capacity=1)
    services.conversation_start(team=conversation.team)
    assert services.conversation_pull(actor=actor_of(full)) is not None  # "pak volgende"
    with pytest.raises(services.ChatError):
        services.transfer_start(
            actor=actor_of(sam), conversation=conversation, to_helper=full, kind="cold"
        )
    kim = make_helper("Kim")
    with pytest.raises(services.ChatError):  # warm without a note
        services.transfer_start(
            actor=actor_of(sam), conversation=conversation, to_helper=kim, kind="warm"
        )
    transfer = services.transfer_start(
        actor=actor_of(sam),
        conversation=conversation,
        to_helper=kim,
        kind="warm",
        note="Loverboy, wil niet naar huis",
    )
    conversation.refresh_from_db()
    assert conversation.helper_id == sam.pk  # the colleague joins first
    assert selectors.access_role(actor_of(kim), conversation) == "transfer"
    services.transfer_accept(actor=actor_of(kim), transfer=transfer)
    conversation.refresh_from_db()
    assert conversation.helper_id == kim.pk
    assert Transfer.objects.get().state == "done"
    assert selectors.access_role(actor_of(sam), conversation) is None


def test_warm_handoff_with_consent_creates_a_signal_via_intake(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
) -> None:
    sam = make_helper()
    started = start_chat(nickname="Mila", age_band="12-15")
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    shared = services.message_post(
        conversation=conversation, body="Hij neemt mijn telefoon af", sender=Sender.YOUTH
    )
    services.message_post(conversation=conversation, body="niet delen", sender=Sender.YOUTH)
    care = make_organisation(name="Zorgcoördinatie Test", kind=OrganisationKind.CARE_COORDINATION)
    amsterdam = Municipality.objects.get(code="GM0363")
    handoff = services.handoff_propose(
        actor=actor_of(sam),
        conversation=conversation,
        receiving_organisation=care,
        municipality=amsterdam,
        summary="Mila (14) wordt onder druk gezet door een oudere vriend.",
        shared_seqs=[shared.seq],
    )
    state = selectors.state_for(conversation, for_youth=True)
    assert "Zorgcoördinatie Test" in state["handoff"]["text"]
    services.handoff_decide(conversation=conversation, handoff_id=handoff.pk, agree=True)
    handoff.refresh_from_db()
    assert handoff.state == "agreed" and handoff.signal_reference.startswith("S-")
    assert handoff.consent_version == "2026-12-v1"
    signals = list(signals_for_actor(actor=actor_of(sam), filters=SignalFilter()))
    assert [s.reference for s in signals] == [handoff.signal_reference]
    assert "Hij neemt mijn telefoon af" in signals[0].description
    assert "niet delen" not in signals[0].description
    assert signals[0].involves_minor
    # The professional of the receiving organisation joins (three-way); others cannot.
    coordinator = make_member(role=Role.CARE_COORDINATOR, organisation=care)
    outsider = make_member(role=Role.CARE_COORDINATOR)
    pro = actor_of_membership(coordinator)
    services.professional_join(actor=pro, handoff=handoff)
    assert selectors.access_role(pro, conversation) == "professional"
    with pytest.raises(PermissionDenied):
        services.professional_join(actor=actor_of_membership(outsider), handoff=handoff)
    assert ProcessingLogEntry.objects.filter(
        details__kind="handoff_agreed", details__consent_version="2026-12-v1"
    ).exists()


def test_declined_handoff_shares_nothing(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
) -> None:
    sam = make_helper()
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    handoff = services.handoff_propose(
        actor=actor_of(sam),
        conversation=conversation,
        receiving_organisation=make_organisation(),
        municipality=Municipality.objects.get(code="GM0363"),
        summary="Zorgen over thuis.",
    )
    services.handoff_decide(conversation=conversation, handoff_id=handoff.pk, agree=False)
    assert Handoff.objects.get().state == "declined"
    assert list(signals_for_actor(actor=actor_of(sam), filters=SignalFilter())) == []


def actor_of_membership(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_opening_hours_with_holidays_and_midnight() -> None:
    periods = [hours.Period(4, time(19), time(1))]  # Friday 19:00 - Saturday 01:00
    friday = date(2026, 12, 4)
    assert hours.is_open(periods, frozenset(), datetime(2026, 12, 4, 23, 30, tzinfo=AMSTERDAM))
    assert hours.is_open(periods, frozenset(), datetime(2026, 12, 5, 0, 30, tzinfo=AMSTERDAM))
    assert not hours.is_open(periods, frozenset(), datetime(2026, 12, 5, 1, 30, tzinfo=AMSTERDAM))
    assert not hours.is_open(
        periods, frozenset({friday}), datetime(2026, 12, 4, 23, 30, tzinfo=AMSTERDAM)
    )
    assert hours.next_opening(
        periods, frozenset({friday}), datetime(2026, 12, 4, 12, tzinfo=AMSTERDAM)
    ) == (datetime(2026, 12, 11, 19, tzinfo=AMSTERDAM))


def test_closed_chat_offers_a_message_with_pickup_code(
    client: Client, team: Team, make_helper: Callable[..., Helper]
) -> None:
    OpeningHours.objects.filter(team=team).delete()
    OpeningHours.objects.create(team=team, weekday=0, opens=time(19), closes=time(22))
    Holiday.objects.create(team=team, date=timezone.localdate(), name="Test")
    page = client.get("/chat/")
    assert b'data-testid="chat-closed"' in page.content
    assert client.post("/chat/api/start/", "{}", content_type="application/json").status_code == 409
    left = client.post("/chat/bericht/", {"text": "Kan ik morgen bellen?"})
    code = left.context["code"]
    stored = PickupMessage.objects.get()
    assert code.replace("-", "") not in stored.code_digest and len(stored.code_digest) == 64
    helper = make_helper()
    services.pickup_answer(actor=actor_of(helper), pickup=stored, answer="Ja, na vieren.")
    read = client.post("/chat/ophalen/", {"code": code.lower()})
    assert b"Ja, na vieren." in read.content
    wrong = client.post("/chat/ophalen/", {"code": "AAAA-BBBB-CCCC"})
    assert "AAAA-BBBB-CCCC" in wrong.content.decode()  # input kept, clear message
    assert not client.cookies


def test_youth_page_sets_no_cookie_and_is_never_stored(client: Client, team: Team) -> None:
    response = client.get("/chat/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert b"<script>" not in response.content and b"style=" not in response.content
    challenge = client.get("/chat/api/controle/").json()
    nonce = pow.solve(challenge["challenge"], challenge["bits"])
    started = client.post(
        "/chat/api/start/",
        {"challenge": challenge["challenge"], "nonce": nonce, "age_band": "16-17"},
        content_type="application/json",
    )
    assert started.status_code == 200 and "no-store" in started["Cache-Control"]
    assert not started.cookies and not client.cookies
    token = started.json()["token"]
    replay = client.post(
        "/chat/api/start/",
        {"challenge": challenge["challenge"], "nonce": nonce},
        content_type="application/json",
    )
    assert replay.status_code == 400  # a solved challenge counts once
    sent = client.post(
        "/chat/api/verstuur/", {"token": token, "id": "x1", "body": "hoi"}, "application/json"
    )
    assert sent.json()["seq"] == 2
    polled = client.post("/chat/api/wacht/", {"token": token, "after": 1}, "application/json")
    assert [m["body"] for m in polled.json()["messages"]] == ["hoi"]
    ended = client.post("/chat/api/einde/", f'{{"token": "{token}", "exit": true}}', "text/plain")
    assert ended.status_code == 200
    assert Conversation.objects.get().ended_by == "exit"
    stored = Conversation.objects.get()
    assert token not in stored.token_digest


def test_masking_uses_the_engine_extractors() -> None:
    text = "Bel 06-12345678, nul zes een twee drie vier vijf zes zeven acht, snap: mila_2011"
    masked = mask_contacts(text)
    assert "12345678" not in masked and "mila_2011" not in masked and "zeven" not in masked
    assert mask_contacts("Ik ben 15 jaar") == "Ik ben 15 jaar"


def test_retention_masks_counts_and_deletes_only_what_it_should(
    start_chat: Callable[..., services.StartResult], make_helper: Callable[..., Helper]
) -> None:
    old, handed, recent, running = (start_chat() for _ in range(4))
    for started in (old, handed, recent, running):
        services.message_post(
            conversation=started.conversation, body="mijn nummer is 0612345678", sender=Sender.YOUTH
        )
    for started in (old, handed, recent):
        services.conversation_end(conversation=started.conversation, by="youth")
    Conversation.objects.filter(pk=handed.conversation.pk).update(handed_off=True)
    past = timezone.now() - timedelta(days=1)
    Conversation.objects.filter(pk__in=[old.conversation.pk, handed.conversation.pk]).update(
        delete_after=past
    )
    result = services.retention_run()
    assert result.deleted == 1 and result.masked == 3 and result.counted == 3
    assert set(Conversation.objects.values_list("pk", flat=True)) == {
        handed.conversation.pk,
        recent.conversation.pk,
        running.conversation.pk,
    }
    bodies = dict(ChatMessage.objects.filter(sender="youth").values_list("conversation_id", "body"))
    assert "0612345678" not in bodies[recent.conversation.pk]
    assert bodies[running.conversation.pk] == "mijn nummer is 0612345678"  # still running
    year = timezone.localdate().year
    total = chat_tables_read(year=year)["chat_topic"].total
    assert total.count is None and total.display == "<10"  # 3: below the threshold of 10
    assert CountRow.objects.get(stat="chat_total", year=year, police_unit="*", form="*").count == 3
    assert services.retention_run().counted == 0  # counted once
    assert ProcessingLogEntry.objects.filter(details__kind="retention").count() == 1


def test_conversations_are_isolated_between_organisations_and_helpers(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
) -> None:
    sam = make_helper("Sam", capacity=1)
    colleague = make_helper("Kim", presence=Presence.OFFLINE)
    other_org = make_organisation(name="Andere chatdienst", kind=OrganisationKind.NGO)
    other_team = Team.objects.create(organisation=other_org, name="Ander team", is_public=False)
    stranger = make_helper("Vreemd", organisation=other_org, in_team=other_team, supervisor=True)
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    conversation_id = started.conversation.pk
    selectors.conversation_for_actor(actor=actor_of(sam), conversation_id=conversation_id)
    for outsider in (colleague, stranger):
        with pytest.raises(PermissionDenied):
            selectors.conversation_for_actor(
                actor=actor_of(outsider), conversation_id=conversation_id
            )
    with pytest.raises(PermissionDenied):
        services.observer_join(
            actor=actor_of(stranger),
            conversation=Conversation.objects.get(pk=conversation_id),
            reason="nieuwsgierig",
        )
    assert ProcessingLogEntry.objects.filter(details__refused=True).count() == 2
    assert ProcessingLogEntry.objects.filter(details__kind="transcript").count() == 1


def test_handoff_into_an_existing_case_is_added_by_a_case_worker_of_its_owner(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
    client: Client,
) -> None:
    sam = make_helper()
    started = start_chat(nickname="Noa", age_band="16-17")
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    shared = services.message_post(
        conversation=conversation, body="Hij wil dat ik weer voor hem werk", sender=Sender.YOUTH
    )
    services.message_post(conversation=conversation, body="privé", sender=Sender.YOUTH)
    care = make_organisation(name="Zorgcoördinatie Oost", kind=OrganisationKind.CARE_COORDINATION)
    other = make_organisation(name="Zorgcoördinatie West", kind=OrganisationKind.CARE_COORDINATION)
    coordinator = actor_of_membership(make_member(role=Role.CARE_COORDINATOR, organisation=care))
    stranger = actor_of_membership(make_member(role=Role.CARE_COORDINATOR, organisation=other))
    case = case_services.case_open(
        actor=coordinator, owner=care, victim=VictimDetails(is_minor=True)
    )
    foreign = case_services.case_open(actor=stranger, owner=other, victim=VictimDetails())
    handoff = services.handoff_propose(
        actor=actor_of(sam),
        conversation=conversation,
        receiving_organisation=care,
        municipality=Municipality.objects.get(code="GM0363"),
        summary="Noa wordt opnieuw benaderd door haar uitbuiter.",
        shared_seqs=[shared.seq],
        target=Handoff.Target.CASE,
    )
    text = selectors.state_for(conversation, for_youth=True)["handoff"]["text"]
    assert "waar je al hulp krijgt" in text and "Zorgcoördinatie Oost" in text
    services.handoff_decide(conversation=conversation, handoff_id=handoff.pk, agree=True)
    handoff.refresh_from_db()
    # Agreed into a case: no signal is made, nothing is in a case yet.
    assert handoff.state == "agreed" and handoff.signal_reference == ""
    assert handoff.consent_version == "2026-12-casus-v1"
    assert list(signals_for_actor(actor=actor_of(sam), filters=SignalFilter())) == []
    # The chat has ended: the hand-off still waits for a case worker of the receiver.
    services.conversation_end(conversation=conversation, by="youth")
    assert selectors.handoffs_for_professional(coordinator) == [handoff]
    assert selectors.handoffs_for_professional(stranger) == []
    # Another organisation's case, an unknown number, and the helper: refused, logged.
    before = ProcessingLogEntry.objects.count()
    for number in (foreign.number, "C-1999-99999"):
        with pytest.raises(services.ChatError):
            services.handoff_add_to_case(actor=coordinator, handoff=handoff, case_number=number)
    assert ProcessingLogEntry.objects.filter(
        object_type="cases.case", object_id=str(foreign.pk), details__refused__isnull=False
    ).exists()
    assert ProcessingLogEntry.objects.count() == before + 1  # the unknown number has no subject
    with pytest.raises(PermissionDenied):
        services.handoff_add_to_case(actor=actor_of(sam), handoff=handoff, case_number=case.number)
    with pytest.raises(PermissionDenied):
        services.handoff_add_to_case(actor=stranger, handoff=handoff, case_number=foreign.number)
    handoff.refresh_from_db()
    assert handoff.case_number == ""
    # The owner's case worker adds it, through the case's own write path.
    login(client, coordinator.membership)
    response = client.post(
        reverse("chat:handoff_case", args=[handoff.pk]), {"case_number": f" {case.number} "}
    )
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.case_number == case.number and handoff.added_to_case_by is not None
    access = case_selectors.case_get_for_actor(actor=coordinator, case_id=case.pk)
    notes = [e.text for e in case_selectors.timeline_for_access(access=access) if e.kind == "note"]
    assert len(notes) == 1
    assert "Hij wil dat ik weer voor hem werk" in notes[0] and "privé" not in notes[0]
    assert "2026-12-casus-v1" in notes[0] and conversation.reference in notes[0]
    assert ProcessingLogEntry.objects.filter(
        action="share", details__kind="handoff_into_case", details__case=case.number
    ).exists()
    # Once only; and it leaves the list.
    with pytest.raises(services.ChatError):
        services.handoff_add_to_case(actor=coordinator, handoff=handoff, case_number=case.number)
    assert selectors.handoffs_for_professional(coordinator) == []


def test_handoff_into_case_page_keeps_the_number_and_says_why(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
    client: Client,
) -> None:
    sam = make_helper()
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    care = make_organisation(name="Zorgcoördinatie Noord", kind=OrganisationKind.CARE_COORDINATION)
    handoff = services.handoff_propose(
        actor=actor_of(sam),
        conversation=conversation,
        receiving_organisation=care,
        municipality=Municipality.objects.get(code="GM0363"),
        summary="Zorgen.",
        target="case",
    )
    services.handoff_decide(conversation=conversation, handoff_id=handoff.pk, agree=True)
    login(client, make_member(role=Role.CARE_COORDINATOR, organisation=care))
    response = client.post(
        reverse("chat:handoff_case", args=[handoff.pk]), {"case_number": "C-2026-12345"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Casus C-2026-12345 bestaat niet of je kunt er niets aan toevoegen." in body
    assert 'value="C-2026-12345"' in body
    assert Handoff.objects.get(pk=handoff.pk).case_number == ""


def test_chat_counts_go_to_the_monitor_count_table_and_its_dashboard(
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_member: Callable[..., Membership],
    settings: Any,
) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 2
    sam = make_helper(capacity=4)
    unit = PoliceUnit.objects.order_by("code").first()
    form = ExploitationForm.objects.order_by("code").first()
    assert unit is not None and form is not None
    for topic, unit_code in (
        ("grooming", unit.code),
        ("grooming", unit.code),
        ("online", unit.code),
        ("online", ""),
    ):
        started = start_chat(age_band="12-15")
        services.assign_queued(team_id=started.conversation.team_id)
        conversation = Conversation.objects.get(pk=started.conversation.pk)
        services.classify(
            actor=actor_of(sam),
            conversation=conversation,
            topic=topic,
            form_code=form.code,
            police_unit_code=unit_code,
        )
        services.conversation_end(conversation=conversation, by="youth")
    assert services.retention_run().counted == 4
    year = timezone.localdate().year
    tables = chat_tables_read(year=year)
    topics = {c.label: c.count for c in tables["chat_topic"].cells}
    assert topics == {"Loverboy / grooming": 2, "Online (sextortion, beelden)": 2}
    assert tables["chat_topic"].total.count == 4
    assert {c.label: c.count for c in tables["chat_age_band"].cells} == {"12 tot en met 15 jaar": 4}
    assert {c.label: c.count for c in tables["chat_handoff"].cells} == {"Nee": 4}
    # The police-unit filter holds 3 of 4: shown, the national total would reveal the 1
    # elsewhere, so the monitor's difference rule hides it, and every cell below it.
    unit_row = CountRow.objects.get(stat="chat_total", year=year, police_unit=unit.code, form="*")
    assert unit_row.count == 3 and unit_row.suppressed
    filtered = chat_tables_read(year=year, police_unit=unit.code)
    assert filtered["chat_topic"].total.count is None
    assert {c.count for c in filtered["chat_topic"].cells} == {None}
    assert filtered["chat_topic"].total.display == "<2"
    regions = {c.label: c.count for c in tables["chat_region"].cells}
    assert regions == {unit.name: None, "Onbekend": None}
    # A full rebuild of the registry counts leaves the chat's counts alone.
    fill_counts(full=True)
    assert chat_tables_read(year=year)["chat_topic"].total.count == 4
    # The dashboard shows them with Dutch labels, no codes.
    CountRow.objects.create(stat="total", year=year, police_unit="*", form="*", value="", count=20)
    client = login(Client(), make_member(role=Role.POLICY_OFFICER))
    page = client.get(reverse("monitor:dashboard"), {"jaar": year}).content.decode()
    section = page[page.index('data-testid="chat-counts"') :]
    assert "Anonieme chat voor jongeren" in section
    assert "Loverboy / grooming" in section and "12 tot en met 15 jaar" in section
    assert ">grooming<" not in section and ">chat_topic<" not in section
    assert "12-15" not in section
    # The supervisors' board reads the same table.
    boss = make_helper("Baas", supervisor=True)
    board = [t.stat.name for t in selectors.counts(actor_of(boss), year)]
    assert board == ["chat_topic", "chat_age_band", "chat_handoff", "chat_form", "chat_region"]


def test_supervisor_board_page_renders_with_its_live_part_and_counts(
    client: Client, make_helper: Callable[..., Helper], start_chat: Callable[..., Any]
) -> None:
    boss = make_helper("Baas", presence=Presence.OFFLINE, supervisor=True)
    start_chat()
    login(client, boss.membership)
    response = client.get(reverse("chat:board"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<div id="board-live"') == 1 and 'ws-connect="/ws/chat/bord/"' in body
    assert "1 wachtende," in body and "Nog geen tellingen." in body
    assert "vendor/htmx/ws.min.js" in body


def test_post_chat_survey_is_optional_comes_after_the_end_and_is_kept_apart(
    client: Client, team: Team, start_chat: Callable[..., services.StartResult]
) -> None:
    started = start_chat()
    url = "/chat/api/vragenlijst/"
    answers = {"token": started.token, "helped": 4, "would_return": True, "comment": "Top"}
    early = client.post(url, answers, "application/json")
    assert early.status_code == 400 and "na het gesprek" in early.json()["message"]
    assert not SurveyResponse.objects.exists()
    services.conversation_end(conversation=started.conversation, by="youth")
    comment = "Bel me op 06-12345678"
    assert client.post(url, {**answers, "comment": comment}, "application/json").json() == {
        "type": "ok"
    }
    # All three questions may be skipped; an answer out of range counts as skipped.
    skipped = {"token": started.token, "helped": 9, "would_return": "misschien"}
    assert client.post(url, skipped, "application/json").status_code == 200
    unknown = client.post(url, {"token": "onbekend", "helped": 3}, "application/json")
    assert unknown.status_code == 404
    first, second = SurveyResponse.objects.order_by("pk")
    assert (first.helped, first.would_return, first.team_id) == (4, True, team.pk)
    assert "12345678" not in first.comment  # contact details masked like transcripts
    assert (second.helped, second.would_return, second.comment) == (None, None, "")
    assert not {f.name for f in SurveyResponse._meta.get_fields()} & {"conversation", "token"}
    assert not client.cookies


def test_canned_responses_of_the_own_organisation_show_in_the_conversation(
    client: Client,
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
) -> None:
    sam = make_helper("Sam")
    boss = make_helper("Baas", presence=Presence.OFFLINE, supervisor=True)
    services.canned_response_create(
        actor=actor_of(boss),
        title="Sociale kaart",
        body="Hier vind je hulp in je buurt:",
        link="/kompas/sociale-kaart/",
    )
    other = make_organisation(name="Andere chatdienst", kind=OrganisationKind.NGO)
    CannedResponse.objects.create(organisation=other, title="Van een ander", body="Niet hier")
    with pytest.raises(PermissionDenied):  # only a supervisor keeps the list
        services.canned_response_create(actor=actor_of(sam), title="Mag niet", body="x")
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    login(client, sam.membership)
    page = client.get(reverse("chat:conversation", args=[started.conversation.pk]))
    body = page.content.decode()
    assert 'data-canned="Hier vind je hulp in je buurt: /kompas/sociale-kaart/"' in body
    assert "Van een ander" not in body and "Mag niet" not in body


def test_no_address_or_user_agent_is_stored_or_logged_by_the_chat(
    client: Client,
    team: Team,
    make_helper: Callable[..., Helper],
    caplog: pytest.LogCaptureFixture,
) -> None:
    address, agent = "203.0.113.77", "UniekeBrowser/9.8.7"
    meta: dict[str, Any] = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent}
    helper = make_helper()
    caplog.set_level("DEBUG")
    client.get("/chat/", **meta)
    challenge = client.get("/chat/api/controle/", **meta).json()
    nonce = pow.solve(challenge["challenge"], challenge["bits"])
    token = client.post(
        "/chat/api/start/",
        {"challenge": challenge["challenge"], "nonce": nonce},
        "application/json",
        **meta,
    ).json()["token"]
    sent = client.post(
        "/chat/api/verstuur/",
        {"token": token, "id": "a", "body": "hoi"},
        "application/json",
        **meta,
    )
    assert sent.status_code == 200
    assert ChatMessage.objects.filter(body="hoi").exists()
    # A block is kept as the day's keyed hash of the address (what the socket records).
    services.block_record(
        address=address, hours=4, reason="scheldt", membership_id=helper.membership.pk
    )
    assert services.address_blocked(address)
    client.post("/chat/bericht/", {"text": "later"}, **meta)
    stored: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            stored.extend(str(row) for row in cursor.fetchall())
    everything = "\n".join(stored) + "\n" + caplog.text
    assert address not in everything and address.replace(".", "-") not in everything
    assert agent not in everything and "UniekeBrowser" not in everything


def test_acute_handoff_without_consent_needs_a_legal_ground_and_is_logged_as_a_share(
    client: Client,
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
) -> None:
    sam = make_helper()
    started = start_chat(nickname="Mila")
    services.assign_queued(team_id=started.conversation.team_id)
    conversation = Conversation.objects.get(pk=started.conversation.pk)
    care = make_organisation(name="Zorgcoördinatie Acuut", kind=OrganisationKind.CARE_COORDINATION)
    login(client, sam.membership)
    url = reverse("chat:handoff", args=[conversation.pk])
    form = {
        "organisation": care.pk,
        "municipality": "GM0363",
        "summary": "Mila wordt vanavond opgehaald door haar uitbuiter.",
        "legal_ground": "kort",
        "acute": "1",
    }
    refused = client.post(url, form)
    page = refused.content.decode()
    assert refused.status_code == 400 and "wettelijke grond" in page
    assert "opgehaald door haar uitbuiter" in page and ">kort</textarea>" in page  # kept
    assert f'<option value="{care.pk}" selected>' in page
    assert not Handoff.objects.exists()
    ground = "Acuut levensgevaar; melding op grond van artikel 160 Sv (meldcode)."
    assert client.post(url, {**form, "legal_ground": ground}).status_code == 302
    handoff = Handoff.objects.get()
    assert handoff.state == "acute" and handoff.consent_version == ""
    assert handoff.signal_reference.startswith("S-") and handoff.legal_ground == ground
    entry = ProcessingLogEntry.objects.get(details__kind="handoff_acute")
    assert entry.action == "share" and entry.details["without_consent"] is True
    assert entry.organisation_id == sam.membership.organisation_id  # its privacy officer
    assert ChatMessage.objects.filter(
        conversation=conversation, sender=Sender.SYSTEM, body__contains="zonder je toestemming"
    ).exists()  # the young person is told


def test_flag_needs_a_reason_and_is_logged(
    client: Client,
    start_chat: Callable[..., services.StartResult],
    make_helper: Callable[..., Helper],
) -> None:
    sam = make_helper()
    started = start_chat()
    services.assign_queued(team_id=started.conversation.team_id)
    login(client, sam.membership)
    url = reverse("chat:flag", args=[started.conversation.pk])
    client.post(url, {"reason": " "})
    assert not Conversation.objects.get().flagged
    client.post(url, {"reason": "Scheldt en stuurt spam"})
    flagged = Conversation.objects.get()
    assert flagged.flagged and flagged.flag_reason == "Scheldt en stuurt spam"
    assert ProcessingLogEntry.objects.filter(
        details__kind="flag", details__reason="Scheldt en stuurt spam"
    ).exists()
