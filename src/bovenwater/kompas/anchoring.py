"""Where a note on a paragraph belongs after the chapter was edited. Pure, no Django.

A note keeps the fingerprint and the text of the paragraph it was written on. When the
chapter changes, the note is placed (1) on the paragraph with the same fingerprint,
wherever it moved; (2) otherwise on the most similar paragraph, if it is similar enough
(a lightly edited paragraph); (3) otherwise it stays in its section, or at the top of the
chapter when the section is gone too, marked as having lost its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

SIMILAR_ENOUGH = 0.75


class AnchoredNote(Protocol):
    target: str
    paragraph: str
    anchor_text: str


class ParagraphLike(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def text(self) -> str: ...


class SectionLike(Protocol):
    @property
    def anchor(self) -> str: ...

    @property
    def paragraphs(self) -> Sequence[ParagraphLike]: ...


@dataclass(frozen=True)
class Placement:
    section: str  # section anchor, "" when the section is gone
    paragraph: str  # paragraph key, "" for a note on the whole section or a lost one
    lost: bool  # the paragraph's text is gone: show the note with a marker
    edited: bool  # placed on a paragraph whose text changed since the note


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, " ".join(a.split()), " ".join(b.split()), autojunk=False).ratio()


def place(note: AnchoredNote, sections: Iterable[SectionLike]) -> Placement:
    sections = list(sections)
    anchor = note.target.partition("#")[2]
    own = next((s for s in sections if s.anchor == anchor), None)
    if not note.paragraph:
        if own is not None:
            return Placement(section=anchor, paragraph="", lost=False, edited=False)
        return Placement(section="", paragraph="", lost=True, edited=False)
    everywhere = [(s.anchor, p) for s in sections for p in s.paragraphs]
    for section_anchor, paragraph in everywhere:
        if paragraph.key == note.paragraph:
            return Placement(
                section=section_anchor, paragraph=paragraph.key, lost=False, edited=False
            )
    if note.anchor_text:
        # prefer the note's own section when two paragraphs are equally close
        scored = sorted(
            (
                (
                    similarity(note.anchor_text, p.text),
                    section_anchor == anchor,
                    section_anchor,
                    p.key,
                )
                for section_anchor, p in everywhere
            ),
            reverse=True,
        )
        if scored and scored[0][0] >= SIMILAR_ENOUGH:
            _score, _own, section_anchor, key = scored[0]
            return Placement(section=section_anchor, paragraph=key, lost=False, edited=True)
    if own is not None:
        return Placement(section=anchor, paragraph="", lost=True, edited=False)
    return Placement(section="", paragraph="", lost=True, edited=False)
