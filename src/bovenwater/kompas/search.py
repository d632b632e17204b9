"""Search across Kompas: handbook sections, cards, indicators, scenarios, training,
sociale-kaart entries and the searcher's own notes.

Stemming, synonyms (``content/synonyms.yaml``) and matching happen in Python
(``textsearch``) on one index of stemmed words, so SQLite and PostgreSQL give the same
results. Typo tolerance uses trigram similarity: PostgreSQL pre-selects candidates with
pg_trgm's ``%`` operator on its GIN index, SQLite scans the vocabulary; both then keep
words at the same threshold computed with the same formula.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from bovenwater.kompas import cards, content, learning, textsearch, training
from bovenwater.kompas.content import CONTENT_DIR
from bovenwater.kompas.models import (
    HelpEntry,
    SearchDocument,
    SearchIndexState,
    SearchTerm,
    SearchWord,
)

MAX_QUERY = 100
MAX_PER_KIND = 20
KINDS: dict[str, Any] = {
    "hoofdstuk": _("Handboek"),
    "kaart": _("Kaarten"),
    "indicator": _("Signalen (indicatoren)"),
    "casus": _("Oefencasussen"),
    "training": _("Training"),
    "hulp": _("Sociale kaart"),
    "notitie": _("Mijn notities"),
}


@cache
def synonyms() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    data = yaml.safe_load((CONTENT_DIR / "synonyms.yaml").read_text(encoding="utf-8"))
    return textsearch.synonym_index([[str(p) for p in g] for g in data["groups"]])


@dataclass(frozen=True)
class Doc:
    kind: str
    key: str
    title: str
    context: str
    body: str


def _documents() -> list[Doc]:
    docs: list[Doc] = []
    for chapter in content.chapters():
        docs.append(Doc("hoofdstuk", chapter.slug, chapter.title, "", chapter.summary))
        for section in chapter.sections:
            docs.append(
                Doc(
                    "hoofdstuk",
                    f"{chapter.slug}#{section.anchor}",
                    section.title,
                    chapter.title,
                    section.text,
                )
            )
    for card in cards.signal_cards():
        names = " ".join(i.name_nl for g in card.groups for i in g.indicators)
        docs.append(
            Doc("kaart", card.key, card.title, "", f"{card.intro} {card.attention} {names}")
        )
    seen: set[str] = set()
    for card in cards.signal_cards():
        for group in card.groups:
            for indicator in group.indicators:
                if indicator.code in seen:
                    continue
                seen.add(indicator.code)
                body = " ".join(
                    filter(None, [indicator.group_nl, indicator.citizen_question_nl, group.title])
                )
                docs.append(Doc("indicator", indicator.code, indicator.name_nl, card.title, body))
    for scenario in training.scenarios():
        docs.append(Doc("casus", scenario.slug, scenario.title, scenario.theme, scenario.text))
    for path in learning.paths():
        modules = [c.title for m in path.modules if (c := content.chapter(m)) is not None]
        docs.append(Doc("training", path.slug, path.title, "", " ".join([path.intro, *modules])))
    for entry in HelpEntry.objects.select_related("police_unit", "municipality").order_by("pk"):
        docs.append(
            Doc(
                "hulp",
                str(entry.pk),
                entry.name,
                entry.police_unit.name if entry.police_unit else str(_("landelijk")),
                " ".join(
                    [
                        entry.get_category_display(),
                        entry.services,
                        " ".join(entry.target_groups),
                        entry.languages,
                        entry.address,
                        entry.municipality.name if entry.municipality else "",
                        entry.referral,
                    ]
                ),
            )
        )
    return docs


def _version(docs: Sequence[Doc]) -> str:
    digest = hashlib.sha256()
    for doc in docs:
        digest.update(f"{doc.kind}\0{doc.key}\0{doc.title}\0{doc.context}\0{doc.body}\0".encode())
    return digest.hexdigest()


def _db_fingerprint() -> str:
    """Cheap check whether database-held content (sociale kaart) changed."""
    latest = HelpEntry.objects.aggregate(latest=Max("updated_at"))["latest"]
    return f"{HelpEntry.objects.count()}:{latest.isoformat() if latest else ''}"


@transaction.atomic
def index_ensure() -> bool:
    """Rebuild the index when the content changed; True when it was rebuilt."""
    docs = _documents()
    version = hashlib.sha256(f"{_version(docs)}{_db_fingerprint()}".encode()).hexdigest()
    SearchIndexState.objects.get_or_create(pk=1, defaults={"version": ""})
    state = SearchIndexState.objects.select_for_update().get(pk=1)
    if state.version == version:
        return False
    SearchTerm.objects.all().delete()
    SearchDocument.objects.all().delete()
    SearchWord.objects.all().delete()
    rows = [
        SearchDocument(
            kind=d.kind,
            key=d.key,
            title=d.title[:300],
            context=d.context[:300],
            body=d.body,
            position=i,
        )
        for i, d in enumerate(docs, start=1)
    ]
    SearchDocument.objects.bulk_create(rows, batch_size=500)
    terms: list[SearchTerm] = []
    vocabulary: set[str] = set()
    for document in SearchDocument.objects.order_by("position"):
        title = set(textsearch.words(document.title))
        every = title | set(textsearch.words(f"{document.context} {document.body}"))
        vocabulary |= every
        terms.extend(
            SearchTerm(document=document, term=t, in_title=t in title) for t in sorted(every)
        )
    SearchTerm.objects.bulk_create(terms, batch_size=1000)
    SearchWord.objects.bulk_create(
        [SearchWord(term=t) for t in sorted(vocabulary)], batch_size=1000
    )
    state.version = version
    state.save(update_fields=["version", "built_at"])
    return True


def _fuzzy_candidates(term: str) -> list[str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM kompas_searchword WHERE term %% %s ORDER BY term", [term]
            )
            return [row[0] for row in cursor.fetchall()]
    return list(SearchWord.objects.order_by("term").values_list("term", flat=True))


def _correct(stems: list[str]) -> tuple[list[str], dict[str, str]]:
    """Replace stems that occur nowhere by their closest known word (a typo)."""
    known = set(SearchWord.objects.filter(term__in=stems).values_list("term", flat=True))
    phrase_words = {s for phrase in synonyms() for s in phrase}
    corrected: list[str] = []
    changes: dict[str, str] = {}
    for item in stems:
        if item in known or item in phrase_words or len(item) < textsearch.FUZZY_MIN_LENGTH:
            corrected.append(item)
            continue
        best = textsearch.closest(item, [*_fuzzy_candidates(item), *sorted(phrase_words)])
        if best is not None:
            changes[item] = best
        corrected.append(best or item)
    return corrected, changes


@dataclass
class Result:
    kind: str
    key: str
    title: str
    context: str
    url: str
    snippet: SafeString
    score: int
    position: int


@dataclass
class Results:
    query: str
    concepts: list[textsearch.Concept]
    corrections: dict[str, str]
    groups: list[tuple[str, Any, list[Result]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(items) for _k, _l, items in self.groups)

    def keys(self, kind: str) -> list[str]:
        return [r.key for k, _l, items in self.groups if k == kind for r in items]


def _snippet(text: str, stems: set[str]) -> SafeString:
    parts = textsearch.highlight(text, stems)
    return mark_safe(  # noqa: S308 - every part is escaped here
        "".join(f"<mark>{escape(t)}</mark>" if marked else str(escape(t)) for t, marked in parts)
    )


def url_for(kind: str, key: str) -> str:
    if kind == "hoofdstuk":
        slug, _sep, anchor = key.partition("#")
        return reverse("kompas:chapter", args=[slug]) + (f"#{anchor}" if anchor else "")
    if kind == "kaart":
        return reverse("kompas:card", args=[key])
    if kind == "indicator":
        card = cards.card_for_indicator(key)
        return reverse("kompas:card", args=[card.key]) + f"#indicator-{key}" if card else ""
    if kind == "casus":
        return reverse("kompas:scenario", args=[key])
    if kind == "training":
        return reverse("kompas:path", args=[key])
    if kind == "hulp":
        return reverse("kompas:help_entry", args=[int(key)])
    if kind == "notitie":
        return reverse("kompas:note_edit", args=[int(key)])
    return ""


def search(query: str, notes: Iterable[Any] = ()) -> Results:
    """Everything that has every concept of the query, grouped by kind and ranked."""
    query = query.strip()[:MAX_QUERY]
    index_ensure()
    stems, corrections = _correct(textsearch.words(query))
    concepts = textsearch.parse_query(stems, synonyms())
    results = Results(query=query, concepts=concepts, corrections=corrections)
    if not concepts:
        return results
    wanted = set().union(*(c.stems for c in concepts))
    per_document: dict[int, dict[str, bool]] = {}
    for term, document_id, in_title in SearchTerm.objects.filter(term__in=wanted).values_list(
        "term", "document_id", "in_title"
    ):
        per_document.setdefault(document_id, {})[term] = in_title
    scored: dict[int, int] = {}
    for document_id, found in per_document.items():
        present = set(found)
        titled = {t for t, in_title in found.items() if in_title}
        if all(c.matched_by(present) for c in concepts):
            scored[document_id] = sum(3 if c.matched_by(titled) else 1 for c in concepts)
    found_docs = SearchDocument.objects.filter(pk__in=list(scored))
    items = [
        Result(
            kind=d.kind,
            key=d.key,
            title=d.title,
            context=d.context,
            url=url_for(d.kind, d.key),
            snippet=_snippet(d.body, wanted),
            score=scored[d.pk],
            position=d.position,
        )
        for d in found_docs
    ]
    for note in notes:
        body = f"{note.body} {note.anchor_text}"
        present = set(textsearch.words(body))
        if all(c.matched_by(present) for c in concepts):
            items.append(
                Result(
                    kind="notitie",
                    key=str(note.pk),
                    title=str(note.body[:80]),
                    context="",
                    url=url_for("notitie", str(note.pk)),
                    snippet=_snippet(note.body, wanted),
                    score=len(concepts),
                    position=-note.pk,
                )
            )
    for kind, label in KINDS.items():
        chosen = sorted((r for r in items if r.kind == kind), key=lambda r: (-r.score, r.position))
        if chosen:
            results.groups.append((kind, label, chosen[:MAX_PER_KIND]))
    return results
