"""Full-text search over the handbook.

PostgreSQL: ``to_tsvector('dutch', ...)`` with a weighted heading, ranked with
``ts_rank``. Other databases (SQLite): an indexed table of normalised words with the same
AND semantics. Both read the index tables that ``index_ensure`` fills from the content.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from bovenwater.kompas import content
from bovenwater.kompas.models import HandbookIndexState, HandbookSection, HandbookToken

MAX_QUERY = 100
MAX_RESULTS = 25
WORD = re.compile(r"[0-9a-z]+")
SUFFIXES = ("heden", "ingen", "ing", "en", "es", "e", "s")


def normalise(word: str) -> str:
    """Lower case without accents, with a light Dutch suffix stripping."""
    plain = unicodedata.normalize("NFKD", word.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    for suffix in SUFFIXES:
        if len(plain) > len(suffix) + 3 and plain.endswith(suffix):
            plain = plain[: -len(suffix)]
            break
    return plain[:60]


def tokens(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return [normalise(w) for w in WORD.findall(plain) if len(w) > 1]


@transaction.atomic
def index_ensure() -> bool:
    """Rebuild the index when the content changed; True when it was rebuilt."""
    version = content.content_version()
    # The row exists before it is locked, so concurrent first searches rebuild only once.
    HandbookIndexState.objects.get_or_create(pk=1, defaults={"version": ""})
    state = HandbookIndexState.objects.select_for_update().get(pk=1)
    if state.version == version:
        return False
    HandbookToken.objects.all().delete()
    HandbookSection.objects.all().delete()
    rows: list[HandbookSection] = []
    for chapter in content.chapters():
        entries = [("", chapter.title, chapter.summary)] + [
            (s.anchor, s.title, s.text) for s in chapter.sections
        ]
        for anchor, heading, body in entries:
            rows.append(
                HandbookSection(
                    chapter_slug=chapter.slug,
                    chapter_title=chapter.title,
                    anchor=anchor,
                    heading=heading,
                    body=body,
                    position=len(rows) + 1,
                )
            )
    HandbookSection.objects.bulk_create(rows)
    token_rows: list[HandbookToken] = []
    for section in HandbookSection.objects.order_by("position"):
        heading_tokens = set(tokens(section.heading))
        for token in sorted(heading_tokens | set(tokens(section.body))):
            token_rows.append(
                HandbookToken(section=section, token=token, in_heading=token in heading_tokens)
            )
    HandbookToken.objects.bulk_create(token_rows, batch_size=500)
    state.version = version
    state.save(update_fields=["version", "built_at"])
    return True


@dataclass(frozen=True)
class Hit:
    chapter_slug: str
    chapter_title: str
    anchor: str
    heading: str
    snippet: str


def _snippet(body: str, words: list[str], length: int = 220) -> str:
    lowered = body.lower()
    starts = [i for w in words if (i := lowered.find(w.lower()[:5])) >= 0]
    start = max(min(starts) - 60, 0) if starts else 0
    text = body[start : start + length].strip()
    return ("…" if start else "") + text + ("…" if start + length < len(body) else "")


def _postgres(query: str) -> list[HandbookSection]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector("heading", weight="A", config="dutch") + SearchVector(
        "body", weight="B", config="dutch"
    )
    search = SearchQuery(query, config="dutch", search_type="plain")
    return list(
        HandbookSection.objects.annotate(rank=SearchRank(vector, search))
        .filter(rank__gt=0)
        .order_by("-rank", "position")[:MAX_RESULTS]
    )


def _tokens(query: str) -> list[HandbookSection]:
    wanted = sorted(set(tokens(query)))
    if not wanted:
        return []
    sections = HandbookSection.objects.all()
    for token in wanted:
        sections = sections.filter(
            Q(pk__in=HandbookToken.objects.filter(token=token).values("section_id"))
        )
    heading_hits = set(
        HandbookToken.objects.filter(token__in=wanted, in_heading=True).values_list(
            "section_id", flat=True
        )
    )
    found = list(sections.order_by("position")[: MAX_RESULTS * 4])
    found.sort(key=lambda s: (s.pk not in heading_hits, s.position))
    return found[:MAX_RESULTS]


def search(query: str) -> list[Hit]:
    query = query.strip()[:MAX_QUERY]
    if not query:
        return []
    index_ensure()
    found = _postgres(query) if connection.vendor == "postgresql" else _tokens(query)
    words = WORD.findall(query.lower())
    return [
        Hit(
            chapter_slug=s.chapter_slug,
            chapter_title=s.chapter_title,
            anchor=s.anchor,
            heading=s.heading,
            snippet=_snippet(s.body, words),
        )
        for s in found
    ]
