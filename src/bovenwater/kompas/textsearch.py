"""Text handling for the Kompas search, identical on every database. Pure, no Django.

- ``words``/``stem``: Dutch words to stems with a compact rule set after the Snowball
  Dutch stemmer (plural and inflection endings, -heid/-heden, -ing, -ig, -lijk, -baar,
  double consonants and vowels), so "slachtoffers", "uitbuiting" and "uitbuiten" meet
  their other forms.
- ``trigram_similarity``: the same measure as PostgreSQL's pg_trgm ``similarity()``
  (padded word trigrams, shared over all), used for typo tolerance.
- ``Concept``/``parse_query``: a query as a list of concepts, each with alternatives
  (synonym phrases as stem tuples); a document matches when it has every concept.
- ``highlight``: a snippet of a text around the matched words, as (text, marked) parts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

WORD = re.compile(r"[0-9a-z]+")
SURFACE = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+")
VOWELS = set("aeiouyè")
STOPWORDS = frozenset(
    [
        "aan",
        "al",
        "als",
        "bij",
        "de",
        "den",
        "der",
        "des",
        "die",
        "dit",
        "door",
        "een",
        "en",
        "er",
        "het",
        "hij",
        "ik",
        "in",
        "is",
        "je",
        "kan",
        "maar",
        "met",
        "na",
        "naar",
        "niet",
        "nog",
        "of",
        "om",
        "ook",
        "op",
        "over",
        "te",
        "tot",
        "u",
        "uit",
        "van",
        "voor",
        "wat",
        "wie",
        "zij",
        "zijn",
        "ze",
        "zo",
    ]
)
MIN_STEM = 3


def fold(text: str) -> str:
    """Lower case without accents (é → e, ë → e)."""
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in plain if not unicodedata.combining(c))


def _undouble(word: str) -> str:
    if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] in "kdt":
        return word[:-1]
    return word


def _strip(word: str, suffix: str) -> str | None:
    if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
        return word[: -len(suffix)]
    return None


def stem(word: str) -> str:
    """A Dutch stem: deterministic and the same for every database."""
    word = fold(word)
    if len(word) <= MIN_STEM or word.isdigit():
        return word
    if (base := _strip(word, "heden")) is not None:
        word = base + "heid"
    elif (base := _strip(word, "ene") or _strip(word, "en")) is not None and (
        base[-1] not in VOWELS and not base.endswith("gem")
    ):
        word = _undouble(base)
    elif (base := _strip(word, "se") or _strip(word, "s")) is not None and base[-1] not in (
        VOWELS - {"y"}
    ) | {"j"}:
        word = base
    elif (base := _strip(word, "e")) is not None and base[-1] not in VOWELS:
        word = _undouble(base)
    if (base := _strip(word, "heid")) is not None and not base.endswith("c"):
        word = base
        if (again := _strip(word, "en")) is not None and again[-1] not in VOWELS:
            word = _undouble(again)
    for suffix in ("end", "ing"):
        if (base := _strip(word, suffix)) is not None:
            word = base[:-1] if base.endswith("ig") and base[-3:-2] != "e" else _undouble(base)
            break
    else:
        if (
            ((base := _strip(word, "ig")) is not None and not base.endswith("e"))
            or (base := _strip(word, "lijk")) is not None
            or (base := _strip(word, "baar")) is not None
        ):
            word = base
    # a closed syllable with a double vowel: straat/straten, signaal/signalen
    if (
        len(word) >= 4
        and word[-1] not in VOWELS
        and word[-2] == word[-3]
        and word[-2] in "aeou"
        and word[-4] not in VOWELS
    ):
        word = word[:-2] + word[-1]
    return word[:60]


def words(text: str) -> list[str]:
    """Stems of the words of a text, without stop words."""
    return [stem(w) for w in WORD.findall(fold(text)) if len(w) > 1 and w not in STOPWORDS]


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity(a, b)`` for single words of [0-9a-z]."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


FUZZY_MIN_LENGTH = 4
FUZZY_THRESHOLD = 0.45


def closest(term: str, vocabulary: Iterable[str]) -> str | None:
    """The most similar vocabulary word at or above the threshold (ties: alphabetical)."""
    best: tuple[float, str] | None = None
    for candidate in vocabulary:
        score = trigram_similarity(term, candidate)
        if score >= FUZZY_THRESHOLD and (
            best is None or score > best[0] or (score == best[0] and candidate < best[1])
        ):
            best = (score, candidate)
    return best[1] if best else None


@dataclass(frozen=True)
class Concept:
    """One thing the searcher asked for, with the stem tuples that each count as it."""

    label: str
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def stems(self) -> set[str]:
        return {s for alternative in self.alternatives for s in alternative}

    def matched_by(self, terms: set[str]) -> bool:
        return any(all(s in terms for s in alternative) for alternative in self.alternatives)


def synonym_index(
    groups: Sequence[Sequence[str]],
) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Each phrase (as stems) to every phrase of its groups (as stems)."""
    index: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for group in groups:
        phrases = {tuple(words(p)) for p in group}
        phrases.discard(())
        for phrase in phrases:
            index.setdefault(phrase, set()).update(phrases)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def parse_query(
    stems: Sequence[str],
    synonyms: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]],
) -> list[Concept]:
    """Group query stems into concepts; the longest synonym phrase at a position wins."""
    longest = max((len(k) for k in synonyms), default=1)
    concepts: list[Concept] = []
    position = 0
    while position < len(stems):
        for size in range(min(longest, len(stems) - position), 0, -1):
            phrase = tuple(stems[position : position + size])
            if phrase in synonyms:
                concepts.append(Concept(" ".join(phrase), synonyms[phrase]))
                position += size
                break
        else:
            concepts.append(Concept(stems[position], ((stems[position],),)))
            position += 1
    seen: set[tuple[tuple[str, ...], ...]] = set()
    unique = []
    for concept in concepts:
        if concept.alternatives not in seen:
            seen.add(concept.alternatives)
            unique.append(concept)
    return unique


def highlight(text: str, stems: set[str], length: int = 40) -> list[tuple[str, bool]]:
    """About ``length`` words of ``text`` around the first matched word, as parts of
    (text, marked). Ellipses mark cut-off ends."""
    found = list(SURFACE.finditer(text))
    if not found:
        return [(text[:200], False)]
    marks = [stem(m.group()) in stems for m in found]
    first = marks.index(True) if True in marks else 0
    start_word = max(first - 8, 0)
    end_word = min(start_word + length, len(found))
    begin = found[start_word].start()
    end = found[end_word - 1].end()
    parts: list[tuple[str, bool]] = []
    if begin > 0:
        parts.append(("… ", False))
    cursor = begin
    for match, marked in zip(found[start_word:end_word], marks[start_word:end_word], strict=True):
        if not marked:
            continue
        if match.start() > cursor:
            parts.append((text[cursor : match.start()], False))
        parts.append((match.group(), True))
        cursor = match.end()
    if end > cursor:
        parts.append((text[cursor:end], False))
    if end < len(text.rstrip()):
        parts.append((" …", False))
    return parts
