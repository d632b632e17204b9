"""Kompas pages and downloads through the web client, and access by URL."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils.html import escape
from pypdf import PdfReader
from tests.support import login

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.kompas import content
from bovenwater.kompas.assessment import yardstick
from bovenwater.kompas.models import ActionItem, Note, SelfAssessment, Share, TargetKind
from bovenwater.monitor.models import ALL, CountRow

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def member(make_member: Callable[..., Membership]) -> Membership:
    return make_member(role=Role.POLICY_OFFICER)


@pytest.mark.parametrize(
    "path",
    [
        "/kompas/",
        "/kompas/hoofdstuk/wat-is-mensenhandel/",
        "/kompas/zoeken/?q=bedenktijd",
        "/kompas/kaarten/",
        "/kompas/kaarten/werkveld-balie/",
        "/kompas/sociale-kaart/",
        "/kompas/training/",
        "/kompas/casus/nagelstudio/",
        "/kompas/notities/",
        "/kompas/gedeeld/",
        "/kompas/zelfevaluatie/",
    ],
)
def test_pages_render(
    path: str, member: Membership, login_as: Callable[[Membership], Client]
) -> None:
    response = login_as(member).get(path)
    assert response.status_code == 200


def test_every_chapter_page_renders_summary_and_sources(
    member: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(member)
    for chapter in content.chapters():
        page = client.get(f"/kompas/hoofdstuk/{chapter.slug}/").content.decode()
        assert escape(chapter.summary) in page
        assert chapter.sources[0].url in page


def test_unknown_chapter_card_and_scenario_answer_404(
    member: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(member)
    for path in (
        "/kompas/hoofdstuk/bestaat-niet/",
        "/kompas/kaarten/vorm-xyz/",
        "/kompas/casus/xyz/",
    ):
        assert client.get(path).status_code == 404


def test_chapter_and_card_download_as_pdf_with_their_text(
    member: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(member)
    response = client.get("/kompas/hoofdstuk/bedenktijd-b8/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "De bedenktijd en de B8-regeling" in text
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.root_object
    assert str(root["/Lang"]) == "nl"  # tagged, language set: PDF/UA
    assert "/StructTreeRoot" in root
    assert reader.metadata is not None
    assert reader.metadata.title == "De bedenktijd en de B8-regeling · Bovenwater"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert "Bronnen" in text
    card = pdf_text(client.get("/kompas/kaarten/vorm-labour/pdf/").content)
    assert "Signalen: " in card
    assert "ILO-indicatoren dwangarbeid" in card


def test_note_via_chapter_page_then_found_in_my_notes_and_export(
    member: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(member)
    chapter = content.chapter("zorg-en-opvang")
    assert chapter is not None
    target = f"zorg-en-opvang#{chapter.sections[1].anchor}"
    empty = client.post(
        "/kompas/hoofdstuk/zorg-en-opvang/",
        {"action": "note", "note-target": target, "note-body": ""},
    )
    assert empty.status_code == 200
    assert "Schrijf een notitie." in empty.content.decode()
    assert Note.objects.count() == 0
    response = client.post(
        "/kompas/hoofdstuk/zorg-en-opvang/",
        {"action": "note", "note-target": target, "note-body": "COSM-plaatsing navragen"},
    )
    assert response.status_code == 302
    assert "COSM-plaatsing navragen" in client.get("/kompas/notities/").content.decode()
    markdown = client.get("/kompas/notities/export/?formaat=md").content.decode()
    assert "COSM-plaatsing navragen" in markdown
    assert "Zorg en opvang" in markdown
    csv_text = client.get("/kompas/notities/export/?formaat=csv").content.decode()
    assert "COSM-plaatsing navragen" in csv_text


def test_self_assessment_flow_with_action_item_and_pdf(
    member: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(member)

    answers = {s.code: "2" for s in yardstick().statements}
    answers["opvang-v2"] = "0"
    assert client.post("/kompas/zelfevaluatie/", {"action": "assess", **answers}).status_code == 302
    page = client.get("/kompas/zelfevaluatie/").content.decode()
    assert "<svg" in page and "radar-title" in page
    response = client.post(
        "/kompas/zelfevaluatie/",
        {
            "action": "add_action",
            "action-title": "Daderaanpak uitwerken",
            "action-owner": "Beleidsmedewerker zorg",
            "action-deadline": "2027-06-30",
            "action-statement_code": "opvang-v2",
        },
    )
    assert response.status_code == 302
    assert ActionItem.objects.get().statement_code == "opvang-v2"
    report = pdf_text(client.get("/kompas/zelfevaluatie/pdf/").content)
    assert "Daderaanpak uitwerken" in report
    assert "aandacht voor daders" in report


def test_no_user_of_organisation_a_reaches_b_by_url(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    org_a = make_organisation(name="Gemeente A")
    org_b = make_organisation(name="Gemeente B", municipality_code="GM0599")
    b_officer = make_member(role=Role.POLICY_OFFICER, organisation=org_b)
    b_colleague = make_member(role=Role.SIGNALLER, organisation=org_b)
    note = Note.objects.create(
        owner=b_officer.user, kind=TargetKind.SCENARIO, target="loverboy", body="GEHEIM-B"
    )
    share = Share.objects.create(
        sender=b_officer.user,
        sender_organisation=org_b,
        recipient=b_colleague.user,
        kind=TargetKind.SCENARIO,
        target="loverboy",
    )
    action = ActionItem.objects.create(
        organisation=org_b, title="ACTIE-B", owner="B", deadline="2027-01-01"
    )
    SelfAssessment.objects.create(organisation=org_b, answers={"beleid-b1": 2})
    for role in (Role.POLICY_OFFICER, Role.CHAIN_DIRECTOR, Role.SIGNALLER, Role.ADMINISTRATOR):
        client = login_as(make_member(role=role, organisation=org_a))
        assert client.get(f"/kompas/notities/{note.pk}/").status_code == 404
        assert client.post(f"/kompas/notities/{note.pk}/", {"action": "delete"}).status_code == 404
        assert client.post(f"/kompas/gedeeld/{share.pk}/open/").status_code == 404
        status = client.post(
            f"/kompas/zelfevaluatie/actie/{action.pk}/status/", {f"a{action.pk}-status": "done"}
        )
        assert status.status_code in (403, 404)
        for path in (
            "/kompas/notities/",
            "/kompas/notities/export/",
            "/kompas/gedeeld/",
            "/kompas/zelfevaluatie/",
            "/kompas/zelfevaluatie/regio/",
        ):
            body = client.get(path).content.decode()
            assert "GEHEIM-B" not in body and "ACTIE-B" not in body
    assert Note.objects.filter(pk=note.pk).exists()
    assert ActionItem.objects.get(pk=action.pk).status == "open"
    assert Share.objects.get(pk=share.pk).read_at is None


def test_numbers_chapter_shows_live_monitor_counts_to_monitor_users_only(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    for year, count, suppressed in ((2024, 123, False), (2025, 4, True)):
        CountRow.objects.create(
            stat="total",
            year=year,
            police_unit=ALL,
            form=ALL,
            value=ALL,
            count=count,
            suppressed=suppressed,
        )
    policy = login_as(make_member(role=Role.POLICY_OFFICER))
    page = policy.get("/kompas/hoofdstuk/aard-en-omvang/").content.decode()
    assert 'data-testid="live-figures"' in page
    assert "<td>123</td>" in page
    assert "<td>4</td>" not in page  # suppressed small number stays hidden
    other = Client()
    signaller = login(other, make_member(role=Role.SIGNALLER))
    page = signaller.get("/kompas/hoofdstuk/aard-en-omvang/").content.decode()
    assert 'data-testid="live-figures"' not in page
    assert "<td>958</td>" in page  # the published figures are always there


def test_english_interface_notes_that_the_handbook_is_dutch(
    member: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(member)
    dutch = client.get("/kompas/hoofdstuk/zorg-en-opvang/").content.decode()
    assert "Het handboek is in het Nederlands geschreven." not in dutch
    client.cookies["django_language"] = "en"
    english = client.get("/kompas/hoofdstuk/zorg-en-opvang/").content.decode()
    assert '<html lang="en"' in english
    # The chapter's title has an English version; its text exists only in Dutch and is
    # marked so (language of parts), while the interface around it stays English.
    assert '<h1 class="utrecht-heading-1" lang="en">Care and shelter</h1>' in english
    assert re.search(r'<div lang="nl">\s*<p', english)
    assert '<span lang="nl">' in english.split('data-testid="chapter-summary"', 1)[1]
    assert '<div lang="nl">' not in dutch.split('data-testid="chapter-summary"', 1)[0]
    assert (
        "The handbook is written in Dutch." in english
        or "Het handboek is in het Nederlands geschreven." in english
    )


def test_shared_card_opens_without_the_senders_notes(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
) -> None:
    organisation = make_organisation(name="Gemeente Deelstad")
    sender = make_member(role=Role.POLICY_OFFICER, organisation=organisation)
    recipient = make_member(role=Role.SIGNALLER, organisation=organisation)
    sender_client = login(Client(), sender)
    sender_client.post(
        "/kompas/kaarten/werkveld-zorg/",
        {"action": "note", "note-target": "werkveld-zorg", "note-body": "PRIVE-NOTITIE"},
    )
    response = sender_client.post(
        "/kompas/kaarten/werkveld-zorg/",
        {
            "action": "share",
            "share-target": "werkveld-zorg",
            "share-recipient": recipient.pk,
            "share-message": "Kijk even",
        },
    )
    assert response.status_code == 302
    share = Share.objects.get()
    recipient_client = login(Client(), recipient)
    listing = recipient_client.get("/kompas/gedeeld/").content.decode()
    assert "Kijk even" in listing and "PRIVE-NOTITIE" not in listing
    opened = recipient_client.post(f"/kompas/gedeeld/{share.pk}/open/")
    assert opened["Location"] == "/kompas/kaarten/werkveld-zorg/"
    card = recipient_client.get(opened["Location"]).content.decode()
    assert "PRIVE-NOTITIE" not in card
    assert "PRIVE-NOTITIE" in sender_client.get("/kompas/kaarten/werkveld-zorg/").content.decode()


def test_chain_partner_card_pdf_lists_the_regions_organisations(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    home = make_organisation(name="Gemeente Kaartstad", municipality_code="GM0363")
    make_organisation(
        name="Zorgcoördinatie Amstelregio",
        kind=OrganisationKind.CARE_COORDINATION,
        municipality_code="GM0362",
    )
    make_organisation(
        name="Opvang Elders", kind=OrganisationKind.SHELTER, municipality_code="GM0599"
    )
    client = login_as(make_member(organisation=home))
    page = client.get("/kompas/sociale-kaart/").content.decode()
    assert "Zorgcoördinatie Amstelregio" in page and "Opvang Elders" not in page
    assert "<svg" in page and "<title>Amstelveen</title>" in page
    text = pdf_text(client.get("/kompas/sociale-kaart/pdf/").content)
    assert "Ketenpartners in de regio Amsterdam" in text
    assert "Zorgcoördinatie Amstelregio" in text
    assert "Opvang Elders" not in text


def test_self_assessment_errors_next_to_the_field_and_history_over_time(
    member: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(member)
    answers = {s.code: "1" for s in yardstick().statements}
    del answers["samenwerking-b2"]
    page = client.post("/kompas/zelfevaluatie/", {"action": "assess", **answers}).content.decode()
    assert page.count("Kies nee, deels of ja.") == 1
    # the answers given are kept
    assert 'name="beleid-b1" value="1" id="id_beleid-b1_1" required checked' in page
    assert SelfAssessment.objects.count() == 0
    answers["samenwerking-b2"] = "1"
    client.post("/kompas/zelfevaluatie/", {"action": "assess", **answers})
    answers = dict.fromkeys(answers, "2")
    client.post("/kompas/zelfevaluatie/", {"action": "assess", **answers})
    assert SelfAssessment.objects.count() == 2
    page = client.get("/kompas/zelfevaluatie/").content.decode()
    assert 'data-testid="history-table"' in page
    assert "<td>50% / 50%</td>" in page and "<td>100% / 100%</td>" in page
