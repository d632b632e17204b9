"""Notes on paragraphs survive edits of a chapter; a note whose text is gone keeps a
marker. Pure placement rules first, then the chapter page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from bovenwater.accounts.models import Membership
from bovenwater.kompas import anchoring, content
from bovenwater.kompas.models import Note, TargetKind


@dataclass
class N:
    target: str
    paragraph: str
    anchor_text: str


@dataclass
class P:
    key: str
    text: str


@dataclass
class S:
    anchor: str
    paragraphs: list[P]


TEXT = "De bedenktijd duurt tot drie maanden en geeft een slachtoffer rust om te beslissen."


def test_a_note_follows_its_paragraph_when_it_moves_to_another_section() -> None:
    sections = [S("a", [P("k1", "Iets anders.")]), S("b", [P("k2", TEXT)])]
    where = anchoring.place(N("h#a", "k2", TEXT), sections)
    assert (where.section, where.paragraph, where.lost, where.edited) == ("b", "k2", False, False)


def test_a_lightly_edited_paragraph_keeps_its_note_marked_as_edited() -> None:
    edited = TEXT.replace("drie maanden", "maximaal drie maanden")
    sections = [S("a", [P("new", edited), P("x", "Een heel andere alinea over opvang.")])]
    where = anchoring.place(N("h#a", "old", TEXT), sections)
    assert (where.paragraph, where.lost, where.edited) == ("new", False, True)


def test_a_note_whose_text_is_gone_stays_in_its_section_with_a_marker() -> None:
    sections = [S("a", [P("x", "Een heel andere alinea over opvang.")])]
    where = anchoring.place(N("h#a", "old", TEXT), sections)
    assert (where.section, where.paragraph, where.lost) == ("a", "", True)
    gone = anchoring.place(N("h#weg", "old", TEXT), sections)
    assert (gone.section, gone.lost) == ("", True)


@pytest.mark.django_db
def test_the_chapter_page_shows_notes_on_paragraphs_and_lost_notes_with_a_marker(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    member = make_member()
    client = login_as(member)
    chapter = content.chapter("bedenktijd-b8")
    assert chapter is not None
    section = chapter.sections[0]
    paragraph = section.paragraphs[0]
    target = f"{chapter.slug}#{section.anchor}"
    response = client.post(
        f"/kompas/hoofdstuk/{chapter.slug}/?alinea={paragraph.key}",
        {
            "action": "note",
            "note-target": target,
            "note-body": "ALINEA-NOTITIE",
            "note-paragraph": paragraph.key,
        },
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.paragraph, note.anchor_text) == (paragraph.key, paragraph.text)
    # a note whose paragraph text no longer exists (the chapter was edited)
    Note.objects.create(
        owner=member.user,
        kind=TargetKind.SECTION,
        target=target,
        paragraph="000000000000",
        anchor_text="Een alinea die uit het hoofdstuk is verdwenen en nergens op lijkt.",
        body="VERLOREN-NOTITIE",
    )
    page = client.get(f"/kompas/hoofdstuk/{chapter.slug}/").content.decode()
    block = page.split(f'id="alinea-{paragraph.key}"', 1)[1].split("bw-para-tools", 1)[0]
    assert "ALINEA-NOTITIE" in block
    assert 'data-testid="lost-marker"' in page and "VERLOREN-NOTITIE" in page
    assert "Een alinea die uit het hoofdstuk is verdwenen" in page
    # an unknown paragraph key is refused with a message, nothing written
    bad = client.post(
        f"/kompas/hoofdstuk/{chapter.slug}/",
        {
            "action": "note",
            "note-target": target,
            "note-body": "X",
            "note-paragraph": "ffffffffffff",
        },
    )
    assert "Deze alinea bestaat niet (meer)." in bad.content.decode()
    assert Note.objects.count() == 2
