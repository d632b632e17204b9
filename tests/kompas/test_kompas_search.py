"""Search across Kompas: synonyms, stemming, typos, snippets, grouping, own notes.

CI runs this file on SQLite and on PostgreSQL (pg_trgm); both must give the same
results, because stemming, synonyms and the final trigram threshold are computed in
Python and PostgreSQL's trigram index only pre-selects candidates.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from bovenwater.accounts.models import Membership
from bovenwater.kompas import search, textsearch
from bovenwater.kompas.models import Note, TargetKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["loverboy", "pooierboy", "Loverboys", "pooierboymethode"])
def test_loverboy_finds_the_chapter_the_scenario_and_the_card(query: str) -> None:
    results = search.search(query)
    chapters = {k.partition("#")[0] for k in results.keys("hoofdstuk")}
    assert "vormen-van-uitbuiting" in chapters
    assert "loverboy" in results.keys("casus")
    assert "vorm-sexual" in results.keys("kaart")


@pytest.mark.parametrize(
    ("query", "kind", "key"),
    [
        ("uitbuiting in arbeid", "kaart", "vorm-labour"),
        ("arbeidsuitbuiting", "casus", "caravan-op-de-boerderij"),
        ("verblijfsregeling mensenhandel", "hoofdstuk", "bedenktijd-b8"),
        ("B8", "casus", "bedenktijd-gesprek"),
        ("bedenktijd", "training", "wijkteam"),
        ("gedwongen criminaliteit", "casus", "dure-jas"),
        ("aandachtsfunctionaris", "hoofdstuk", "ketenpartners-en-rollen"),
        ("Bibob", "hoofdstuk", "bestuurlijke-aanpak"),
        ("non-punishmentbeginsel", "hoofdstuk", "aangifte-en-non-punishment"),
    ],
)
def test_synonyms_and_stemming_find_every_kind(query: str, kind: str, key: str) -> None:
    found = search.search(query).keys(kind)
    assert any(k == key or k.startswith(f"{key}#") for k in found), (query, found)


def test_a_typo_is_tolerated_and_reported() -> None:
    results = search.search("lovrboy")
    assert "loverboy" in results.keys("casus")
    assert results.corrections == {"lovrboy": "loverboy"}
    assert search.search("bedenktyd").keys("hoofdstuk")


def test_every_word_must_match_and_unknown_words_find_nothing() -> None:
    assert search.search("xyzzyqwv").count == 0
    both = search.search("bedenktijd Dublinverordening").keys("hoofdstuk")
    assert both and all(k.startswith("bedenktijd-b8") for k in both)
    assert search.index_ensure() is False  # rebuilt only when the content changes


def test_snippets_highlight_the_matched_words_and_escape_the_rest() -> None:
    results = search.search("bedenktijd")
    snippet = next(r for _k, _l, items in results.groups for r in items).snippet
    assert "<mark>" in snippet and "</mark>" in snippet
    parts = textsearch.highlight("Een <script> over de bedenktijd.", {"bedenktijd"})
    assert ("bedenktijd", True) in parts


def test_own_notes_are_found_and_nobody_elses(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    me = make_member()
    other = make_member()
    Note.objects.create(
        owner=me.user,
        kind=TargetKind.SCENARIO,
        target="loverboy",
        body="Pooierboy-casus bespreken in teamoverleg",
    )
    Note.objects.create(
        owner=other.user, kind=TargetKind.SCENARIO, target="loverboy", body="Loverboy GEHEIM-ANDER"
    )
    page = login_as(me).get("/kompas/zoeken/?q=loverboy").content.decode()
    assert "teamoverleg" in page and "GEHEIM-ANDER" not in page
    for group in ("hoofdstuk", "kaart", "casus", "notitie"):
        assert f'data-testid="search-group-{group}"' in page
    assert page.index("search-group-hoofdstuk") < page.index("search-group-notitie")


def test_stemmer_and_trigram_match_postgresql_semantics() -> None:
    assert textsearch.stem("slachtoffers") == textsearch.stem("slachtoffer")
    assert textsearch.stem("uitbuiting") == textsearch.stem("uitbuiten")
    assert textsearch.stem("minderjarigen") == textsearch.stem("minderjarige")
    assert textsearch.trigram_similarity("word", "word") == 1.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for a, b in (("loverboy", "lovrboy"), ("bedenktijd", "bedenktyd"), ("opvang", "opvng")):
                cursor.execute("SELECT similarity(%s, %s)", [a, b])
                assert abs(cursor.fetchone()[0] - textsearch.trigram_similarity(a, b)) < 1e-6
