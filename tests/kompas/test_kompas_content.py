"""Handbook, scenarios, yardstick and cards: the content is complete and loads robustly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bovenwater.kompas import assessment, cards, content, targets
from bovenwater.reference.models import Indicator

GOOD = """---
slug: proef
title: Proef
summary: Een korte samenvatting.
order: 99
part: hoe
sources:
  - "Bron — https://example.org/"
---

## Eerste paragraaf

Tekst.

## Bronnen
"""


def test_at_least_ten_chapters_in_all_three_parts() -> None:
    chapters = content.chapters()
    assert len(chapters) >= 10
    assert {c.part for c in chapters} == {"wat", "hoe", "met-wie"}
    assert [c.order for c in chapters] == sorted(c.order for c in chapters)


@pytest.mark.parametrize("chapter", content.chapters(), ids=lambda c: c.slug)
def test_every_chapter_renders_with_summary_sources_and_sections(chapter: content.Chapter) -> None:
    assert len(chapter.summary) > 40
    assert chapter.sources and all(s.url.startswith("http") for s in chapter.sources)
    assert len(chapter.sections) >= 3
    for section in chapter.sections:
        assert section.html.startswith("<")
        assert section.text
    assert len(chapter.text.split()) > 250  # a chapter of substance


# Every chapter: 1,500+ words of own text, "In de praktijk" and "Wat doet u morgen?".
PRACTICE = "In de praktijk"
TOMORROW = "Wat doet u morgen?"


@pytest.mark.django_db
@pytest.mark.parametrize("chapter", content.chapters(), ids=lambda c: c.slug)
def test_every_chapter_has_an_english_summary_and_three_links_that_resolve(
    chapter: content.Chapter,
) -> None:
    assert len(chapter.summary_en) > 40
    resolved = [targets.resolve_link(link) for link in chapter.links]
    assert len(chapter.links) >= 3 and all(resolved), dict(
        zip(chapter.links, resolved, strict=True)
    )


@pytest.mark.parametrize("chapter", content.chapters(), ids=lambda c: c.slug)
def test_every_chapter_has_1500_words_practice_and_tomorrow_per_role(
    chapter: content.Chapter,
) -> None:
    assert chapter.words >= 1500, chapter.words
    titles = [s.title for s in chapter.sections]
    assert PRACTICE in titles and TOMORROW in titles
    tomorrow = chapter.section("wat-doet-u-morgen")
    assert tomorrow is not None
    for role in ("baliemedewerker", "wijkteam", "toezichthouder", "leerkracht"):
        assert role in tomorrow.text.lower()


def test_twenty_chapters_in_three_parts_cover_the_issues_topics() -> None:
    chapters = content.chapters()
    assert len(chapters) >= 20
    assert {c.part for c in chapters} == {"wat", "hoe", "met-wie"}
    text = " ".join(c.text.lower() for c in chapters)
    for topic in (
        "273f",
        "loverboy",
        "pooierboy",
        "arbeidsuitbuiting",
        "criminele uitbuiting",
        "non-punishment",
        "orgaanverwijdering",
        "draagmoederschap",
        "minderjarig",
        "comensha",
        "meld misdaad anoniem",
        "veilig thuis",
        "cosm",
        "bedenktijd",
        "aangifte",
        "bibob",
        "174a",
        "apv",
        "convenant",
        "riec",
        "basisniveau",
        "casusoverleg",
        "verborgen",
        "advertenties",
    ):
        assert topic in text, topic


def test_chapter_without_summary_fails_to_load(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD.replace("summary: Een korte samenvatting.\n", ""))
    with pytest.raises(content.ContentError, match="summary"):
        content.load_chapters(tmp_path)


def test_chapter_without_sources_fails_to_load(tmp_path: Path) -> None:
    broken = GOOD.replace('sources:\n  - "Bron — https://example.org/"\n', "sources: []\n")
    (tmp_path / "a.md").write_text(broken)
    with pytest.raises(content.ContentError, match="sources"):
        content.load_chapters(tmp_path)


def test_chapter_without_bronnen_section_fails_to_load(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD.replace("## Bronnen\n", ""))
    with pytest.raises(content.ContentError, match="Bronnen"):
        content.load_chapters(tmp_path)


def test_a_good_chapter_loads(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    (chapter,) = content.load_chapters(tmp_path)
    assert chapter.slug == "proef"
    assert [s.anchor for s in chapter.sections] == ["eerste-paragraaf"]
    assert chapter.sources[0] == content.Source(label="Bron", url="https://example.org/")


def test_tables_get_column_headers_with_scope() -> None:
    figures = content.chapter("aard-en-omvang")
    assert figures is not None
    html = "".join(s.html for s in figures.sections)
    assert '<th scope="col">Jaar</th>' in html
    assert "<td>958</td>" in html


def test_yardstick_has_five_themes_two_plateaus_and_three_criteria() -> None:
    stick = assessment.yardstick()
    assert len(stick.themes) == 5
    for theme in stick.themes:
        assert theme.plateau("basis") and theme.plateau("verdieping")
    assert len(stick.basisniveau) == 3


def test_scores_per_theme_and_plateau() -> None:
    stick = assessment.yardstick()
    answers = {s.code: 2 for s in stick.statements}
    answers["beleid-b1"] = 1  # beleid basis: (1 + 2) / 4 = 75%
    answers["beleid-v1"] = 0
    answers["beleid-v2"] = 0  # beleid verdieping: 0%
    scores = assessment.scores(answers)
    beleid = scores.themes[0]
    assert (beleid.theme.code, beleid.basis, beleid.verdieping) == ("beleid", 75, 0)
    assert all(t.basis == 100 for t in scores.themes[1:])
    assert scores.basisniveau == 100 and scores.basisniveau_met
    assert [g.code for g in scores.gaps] == ["beleid-b1", "beleid-v1", "beleid-v2"]


@pytest.mark.django_db
def test_every_indicator_appears_on_at_least_one_card() -> None:
    on_cards = set().union(*(c.indicator_codes for c in cards.signal_cards()))
    catalogue = set(Indicator.objects.current().values_list("code", flat=True))
    assert catalogue
    assert catalogue - on_cards == set()


@pytest.mark.django_db
def test_cards_per_form_and_per_domain() -> None:
    keys = {c.key for c in cards.signal_cards()}
    for key in ("vorm-sexual", "vorm-labour", "vorm-criminal"):
        assert key in keys
    for domain in ("balie", "wijkteam", "onderwijs", "toezicht_handhaving", "zorg"):
        assert f"werkveld-{domain}" in keys
