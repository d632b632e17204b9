from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

PO = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "bovenwater"
    / "locale"
    / "en"
    / "LC_MESSAGES"
    / "django.po"
)


def test_every_dutch_text_has_an_english_translation() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (not all(message.string) if isinstance(message.string, tuple) else not message.string)
    ]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert untranslated == []
    assert fuzzy == []
