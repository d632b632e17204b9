"""Normalisation of identifying fields before encoding.

Everything here is deterministic and runs at the data owner: both sides of a linkage
apply the same folding, so spelling variants end up as the same string (or one edit
apart, which the Bloom-filter comparison tolerates).

* :func:`fold` - case, diacritics and scripts (Cyrillic, Greek, Arabic) to plain
  Latin letters, keeping sound values that plain accent-stripping would lose
  (``š`` -> ``sh``, ``ț`` -> ``ts``, ``ß`` -> ``ss``).
* :func:`phonetic` - one spelling per sound for transliteration and spelling variants
  (``Schewtschenko``, ``Chevtchenko``, ``Shevchenko``, ``Sjevtsjenko`` -> one form).
* :func:`surname_parts` - surname components without particles (*tussenvoegsels* in
  any position and order), double-barrelled and married names split into parts.
* :func:`given_names` - given names as canonical keys (nicknames and foreign forms
  from :data:`~bovenwater.pprl.names_data.NAME_GROUPS`) and initials.
* :func:`parse_date` - a date of birth in any common form, with the day optional.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from bovenwater.pprl.errors import PPRLInputError
from bovenwater.pprl.names_data import (
    ARABIC,
    CYRILLIC,
    GLUED_MIN_REST,
    GLUED_PREFIXES,
    GREEK,
    GREEK_DIGRAPHS,
    LATIN_SPECIAL,
    MONTHS,
    NAME_GROUPS,
    PARTICLES,
)

_NON_LETTERS = re.compile(r"[^a-z]+")
_CHAR_MAP: dict[str, str] = {**CYRILLIC, **GREEK, **ARABIC, **LATIN_SPECIAL}
_GREEK_DIGRAPH = re.compile("|".join(sorted(GREEK_DIGRAPHS, key=len, reverse=True)))

# Ordered rewrites, each applied to the whole token; earlier rules see the raw
# spelling. Written so that every rule's output is stable under the later ones.
_PHONETIC_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # German/Polish/Dutch/French spellings of the same consonants
        (r"schtsch|shtsh|szcz|shch|sjtsj", "shch"),
        (r"tsch|tsj|tch|cz|ch(?=[^aeiou]|$)(?<!sch)", "ch"),
        (r"sch|sz|sj", "sh"),
        (r"rz|zh|zj|dzh|dsch|dzs", "zh"),
        (r"kh", "h"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"dh", "d"),
        (r"gh", "g"),
        (r"ck", "k"),
        (r"qu", "kv"),
        (r"q", "k"),
        (r"x", "ks"),
        (r"c(?=[eiy])", "s"),
        (r"c(?!h)", "k"),
        (r"w", "v"),
        (r"tz|ts", "ts"),
        (r"dt$", "t"),
        # vowels and glides
        (r"ou|oe|ue|oo", "u"),
        (r"ij|y|j", "i"),
        (r"ie", "i"),
        (r"ae", "a"),
        (r"ee", "e"),
        (r"aa", "a"),
        # voiced/unvoiced sibilants that transliterations and missing diacritics merge
        (r"sh", "s"),
        (r"zh", "z"),
    )
)
_DOUBLES = re.compile(r"(.)\1+")


def fold(text: str) -> str:
    """Lower-case Latin letters and single spaces only (scripts transliterated)."""
    lowered = unicodedata.normalize("NFC", text).casefold()
    lowered = _GREEK_DIGRAPH.sub(lambda m: GREEK_DIGRAPHS[m.group(0)], lowered)
    # Greek tonos and dialytika are combining marks after NFD; fold them first.
    lowered = "".join(
        _CHAR_MAP.get(ch, ch)
        for ch in unicodedata.normalize(
            "NFC",
            "".join(
                c
                for c in unicodedata.normalize("NFD", lowered)
                if not (unicodedata.combining(c) and _is_greek_mark(c))
            ),
        )
    )
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_LETTERS.sub(" ", stripped).strip()


def _is_greek_mark(ch: str) -> bool:
    return ch in ("\u0301", "\u0308", "\u0344")


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """One spelling per sound of a folded token (``"schewtschenko"`` -> ``"shevchenko"``)."""
    out = token
    for pattern, replacement in _PHONETIC_RULES:
        out = pattern.sub(replacement, out)
    return _DOUBLES.sub(r"\1", out)


def _build_name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for group in NAME_GROUPS:
        canonical = phonetic(fold(group[0]).replace(" ", ""))
        for variant in group:
            key = phonetic(fold(variant).replace(" ", ""))
            index.setdefault(key, canonical)
    return index


NAME_INDEX: dict[str, str] = _build_name_index()
FUZZY_MIN_LENGTH = 4


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _build_deletion_index() -> dict[str, frozenset[str]]:
    """Every known spelling and its one-letter deletions -> the canonical keys it reaches."""
    reach: dict[str, set[str]] = {}
    for key, canonical in NAME_INDEX.items():
        if len(key) < FUZZY_MIN_LENGTH - 1:
            continue
        for variant in {key, *_deletions(key)}:
            reach.setdefault(variant, set()).add(canonical)
    return {k: frozenset(v) for k, v in reach.items()}


_DELETION_INDEX = _build_deletion_index()
_KEYS_BY_CANONICAL: dict[str, tuple[str, ...]] = {}
for _key, _canonical in NAME_INDEX.items():
    _KEYS_BY_CANONICAL[_canonical] = (*_KEYS_BY_CANONICAL.get(_canonical, ()), _key)


def _close_variant(token: str, known: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours apart, same last letter.

    The last letter must agree: ``marian``/``maria``, ``daniel``/``daniela`` are different
    names (often of different sexes), not typing errors.
    """
    if token[-1] != known[-1] or abs(len(token) - len(known)) > 1:
        return False
    if len(token) == len(known):
        diffs = [i for i in range(len(token)) if token[i] != known[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and token[diffs[0]] == known[diffs[1]]
            and token[diffs[1]] == known[diffs[0]]
        )
    short, long = (token, known) if len(token) < len(known) else (known, token)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@lru_cache(maxsize=200_000)
def canonical_given_name(token: str) -> str:
    """The canonical key of one folded given name (itself when it is in no group).

    A spelling that is in no group but one typing error away from the spellings of
    exactly one group (``pieer``, ``jhon``, ``luacs``) gets that group's key; names
    shorter than four letters are taken as written.
    """
    key = phonetic(token)
    known = NAME_INDEX.get(key)
    if known is not None:
        return known
    if len(key) < FUZZY_MIN_LENGTH:
        return key
    candidates: set[str] = set()
    for variant in {key, *_deletions(key)}:
        for canonical in _DELETION_INDEX.get(variant, ()):
            if canonical not in candidates and any(
                _close_variant(key, spelling) for spelling in _KEYS_BY_CANONICAL[canonical]
            ):
                candidates.add(canonical)
    return candidates.pop() if len(candidates) == 1 else key


def skeleton(part: str) -> str:
    """First letter and the next consonants of a phonetic name (a blocking key)."""
    return (part[:1] + "".join(ch for ch in part[1:] if ch not in "aeiou"))[:4]


def lead_name(text: str) -> str:
    """The skeleton of the first name-like word of a field (particles and initials skipped).

    Applied alike to the first-names and the surname field, so the unordered pair of the
    two leads survives a record whose first names and surname were swapped.
    """
    for token in fold(text).split():
        if len(token) > 1 and token not in PARTICLES:
            return skeleton(phonetic(_strip_glued(token)))
    return ""


def order_free_key(first_names: str, surname: str) -> str:
    """The two fields' lead names in sorted order (``""`` when either is missing)."""
    first, last = lead_name(first_names), lead_name(surname)
    if not first or not last:
        return ""
    return "|".join(sorted((first, last)))


def _strip_glued(token: str) -> str:
    for prefix in GLUED_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= GLUED_MIN_REST:
            return token[len(prefix) :]
    return token


@lru_cache(maxsize=200_000)
def surname_parts(text: str) -> tuple[str, ...]:
    """Sorted, distinct surname components without particles, each in phonetic form.

    ``"Jansen-de Vries"``, ``"de Vries - Jansen"`` and ``"Vries, de-Jansen"`` all give
    ``("iansen", "vris")``; ``"de Vries"`` gives ``("vris",)``, so a married name
    contains the birth name.
    """
    tokens = fold(text).split()
    if not tokens:
        return ()
    core = [t for t in tokens if t not in PARTICLES]
    if not core:
        core = tokens
    parts = {phonetic(_strip_glued(t)) for t in core}
    return tuple(sorted(p for p in parts if p))


@dataclass(frozen=True)
class GivenNames:
    names: tuple[str, ...]  # canonical keys of the written-out names, in order
    initials: tuple[str, ...]  # initials of every name (written out or not), distinct

    @property
    def initials_only(self) -> bool:
        return not self.names and bool(self.initials)


@lru_cache(maxsize=200_000)
def given_names(text: str) -> GivenNames:
    """Given names as canonical keys plus their initials (``"M.J."`` -> initials only)."""
    names: list[str] = []
    initials: list[str] = []
    for token in fold(text).split():
        if len(token) == 1:
            initials.append(token)
            continue
        canonical = canonical_given_name(token)
        if canonical not in names:
            names.append(canonical)
        initials.append(token[0])
        initials.append(canonical[0])
    return GivenNames(tuple(names), tuple(dict.fromkeys(initials)))


# ----------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class PartialDate:
    """A date of birth whose day (and month) may be unknown."""

    year: int
    month: int | None
    day: int | None


_DATE_SPLIT = re.compile(r"[\s/.\-,]+")
_MISSING_PART = re.compile(r"^(0{1,2}|x{1,2}|\?{1,2}|-)$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _year(value: int, digits: int, reference_year: int) -> int:
    if digits == 2:
        pivot = reference_year % 100
        return (2000 if value <= pivot else 1900) + value
    return value


def _valid(day: int | None, month: int | None) -> bool:
    if month is None:
        return day is None
    if not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= _DAYS_IN_MONTH[month - 1]


def current_year() -> int:
    """This year (UTC): the reference for two-digit years. Near New Year the data owner's
    local year may differ for an hour, which moves no plausible date of birth."""
    return datetime.now(UTC).year


def parse_date(text: str, *, reference_year: int | None = None) -> PartialDate | None:
    """Parse a date of birth; ``None`` for an empty value, PPRLInputError when unreadable.

    Accepted: ISO (``1990-03-14``, ``19900314``, ``1990-03``, ``1990``), day first
    (``14-03-1990``, ``14/3/90``, ``14.03.1990``, ``14 maart 1990``, ``mrt 1990``),
    month first when the day cannot be a month (``3/14/1990``, ``March 14, 1990``), and
    an unknown day written as ``00``, ``XX`` or ``??``. When day and month are both 12 or
    less, the day is taken first (the Dutch order); the matcher tolerates a swap.
    """
    raw = text.strip()
    if not raw:
        return None
    ref = reference_year if reference_year is not None else current_year()
    folded = unicodedata.normalize("NFKD", raw.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    if re.fullmatch(r"\d{8}", folded):
        parts = [folded[:4], folded[4:6], folded[6:]]
    else:
        parts = [p for p in _DATE_SPLIT.split(folded) if p]
    numbers: list[tuple[int | None, int]] = []  # (value, digits); None = unknown part
    month_word: int | None = None
    month_word_at = -1
    for index, part in enumerate(parts):
        if part.isdigit():
            numbers.append((int(part), len(part)))
        elif _MISSING_PART.match(part):
            numbers.append((None, 2))
        else:
            word = re.sub(r"[^a-z]", "", part)
            found = MONTHS.get(word) or MONTHS.get(word[:3])
            if found is None or month_word is not None:
                raise PPRLInputError("not a readable date")
            month_word = found
            month_word_at = index
    result = _interpret(numbers, month_word, month_word_at, ref)
    if result is None:
        raise PPRLInputError("not a readable date")
    if not 1900 <= result.year <= ref:
        raise PPRLInputError("year of birth out of range")
    return result


def _interpret(
    numbers: list[tuple[int | None, int]], month_word: int | None, month_at: int, ref: int
) -> PartialDate | None:
    values = [v for v, _ in numbers]
    if month_word is not None:
        # "14 maart 1990", "maart 1990", "March 14, 1990", "1990 mrt 14"
        if len(numbers) == 1 and values[0] is not None:
            return PartialDate(_year(values[0], numbers[0][1], ref), month_word, None)
        if len(numbers) != 2:
            return None
        (a, a_digits), (b, b_digits) = numbers
        if a_digits == 4 and a is not None:
            year, day = _year(a, 4, ref), b
        elif b is not None:
            year, day = _year(b, b_digits, ref), a
        else:
            return None
        day = day if day else None
        return PartialDate(year, month_word, day) if _valid(day, month_word) else None
    if len(numbers) == 1:
        value, digits = numbers[0]
        if value is None or digits != 4:
            return None
        return PartialDate(value, None, None)
    if len(numbers) == 2:
        # "1990-03" or "03-1990"
        (a, a_digits), (b, b_digits) = numbers
        if a_digits == 4 and a is not None and b is not None:
            return PartialDate(a, b, None) if _valid(None, b) else None
        if b_digits == 4 and b is not None and a is not None:
            return PartialDate(b, a, None) if _valid(None, a) else None
        return None
    if len(numbers) != 3:
        return None
    (a, a_digits), (b, b_digits), (c, c_digits) = numbers
    if a_digits == 4 and a is not None:  # year first: Y-M-D
        month, day = b, (c or None)
        if month is None:
            return None
        if _valid(day, month):
            return PartialDate(a, month, day)
        if day is not None and _valid(month, day):
            return PartialDate(a, day, month)
        return None
    if c is None:
        return None
    year = _year(c, c_digits, ref)
    first, second = a or None, b
    if second is None:
        return None
    if first is None:  # "00-03-1990": day unknown
        return PartialDate(year, second, None) if _valid(None, second) else None
    if _valid(first, second):  # day first (Dutch order)
        return PartialDate(year, second, first)
    if _valid(second, first):  # month first (3/14/1990)
        return PartialDate(year, first, second)
    return None


_SEX = {
    "m": "m",
    "man": "m",
    "male": "m",
    "mannelijk": "m",
    "jongen": "m",
    "boy": "m",
    "v": "f",
    "f": "f",
    "w": "f",
    "vrouw": "f",
    "female": "f",
    "vrouwelijk": "f",
    "meisje": "f",
    "girl": "f",
}


def normalise_sex(text: str) -> str:
    """``"m"``, ``"f"`` or ``""`` (unknown, other or empty)."""
    return _SEX.get(fold(text).replace(" ", ""), "")
