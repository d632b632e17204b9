"""Fast tokenisation with a per-token cache.

The hot path of the engine never runs a regular expression per token: the text is
lower-cased (homoglyphs and accents folded for non-ASCII text), punctuation becomes
white space, emoji become tokens of their own, and ``str.split`` cuts the tokens.
Everything that depends only on a token (its leetspeak-folded form, its hash for the
MinHash sketch, whether it spells a digit) is computed once per distinct token and
cached, so an advertisement costs a handful of dictionary look-ups per token.
"""

from __future__ import annotations

import re
import string
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from bovenwater.adscan.municipalities import AMBIGUOUS, name_index
from bovenwater.adscan.normalise import (
    EMOJI_RE,
    INVISIBLE,
    _fold_char,
    fold_base,
    fold_leet,
    to_nfkc,
)
from bovenwater.adscan.phones import WORD_DIGITS
from bovenwater.adscan.sketch import NUMBER_HASH_PLACEHOLDER, PLACE_HASH_PLACEHOLDER

# ASCII punctuation becomes white space; "@" and "$" stay inside words (leetspeak).
_PUNCT_TABLE = str.maketrans({ch: " " for ch in string.punctuation if ch not in "@$"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_MIXED_DIGITS = re.compile(r"(?:\d|" + "|".join(sorted(WORD_DIGITS, key=len, reverse=True)) + ")+")

NUMBER_HASH = zlib.crc32(b"<#>")
# Number words that make spelled-out phone numbers worth the slower search; "een",
# "o" and "l" are too common on their own.
SPELLED_TRIGGERS = frozenset(
    {"nul", "zero", "twee", "two", "drie", "three", "vier", "four", "vijf", "five",
     "zes", "six", "zeven", "seven", "acht", "eight", "negen", "nine"}
)  # fmt: skip


class TokenInfo(NamedTuple):
    folded: str
    hash: int
    digits: str | None  # the digits a number word or mixed token spells ("six78" -> "678")
    sketch: int  # the hash the MinHash sketch uses: a shared placeholder for number tokens
    spells: bool  # a number word or a letter/digit mix: worth the spelled-phone search


_CACHE_LIMIT = 400_000


def _compute(token: str) -> TokenInfo:
    if token.isdigit() and token.isascii():
        # plain numbers are most of the cache misses (phone groups, prices); for them
        # the general path below gives exactly this (a test compares them)
        return TokenInfo(
            token, zlib.crc32(token.encode("ascii")), token, NUMBER_HASH_PLACEHOLDER, False
        )
    return _compute_general(token)


_DIGIT_UNIT_RE = re.compile(r"\d|" + "|".join(WORD_DIGITS))


def _compute_general(token: str) -> TokenInfo:
    folded = token if token.isalpha() else fold_leet(token)
    digits: str | None = None
    if token in WORD_DIGITS:
        digits = WORD_DIGITS[token]
    elif (
        not token.isalpha() and any(ch.isdigit() for ch in token) and _MIXED_DIGITS.fullmatch(token)
    ):
        digits = "".join(
            m if m.isdigit() else WORD_DIGITS[m] for m in _DIGIT_UNIT_RE.findall(token)
        )
    hashed = zlib.crc32(folded.encode("utf-8"))
    numeric = token[:1].isdigit() or digits is not None
    spells = token in SPELLED_TRIGGERS or (
        not token.isdigit() and not token.isalpha() and any(ch.isdigit() for ch in token)
    )
    if numeric:
        sketch = NUMBER_HASH_PLACEHOLDER
    elif folded in _place_words():  # a slot value, like a number
        sketch = PLACE_HASH_PLACEHOLDER
    else:
        sketch = hashed
    return TokenInfo(folded, hashed, digits, sketch, spells)


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """One-word municipality names (not those that are also ordinary words)."""

    return frozenset(key for key in name_index() if key.isalpha() and key not in AMBIGUOUS)


class _TokenCache(dict[str, TokenInfo]):
    """Token -> :class:`TokenInfo`; a miss computes and stores the value.

    ``list(map(TOKEN_CACHE.__getitem__, tokens))`` then looks up a whole advertisement
    in a C-level loop. The values depend only on the token, so clearing the cache when
    it is full changes no result.
    """

    def __missing__(self, token: str) -> TokenInfo:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        info = _compute(token)
        self[token] = info
        return info


TOKEN_CACHE = _TokenCache()


def token_info(token: str) -> TokenInfo:
    return TOKEN_CACHE[token]


@lru_cache(maxsize=8192)
def _fold_for_tokens(ch: str) -> str:
    if ch in INVISIBLE:
        return ""
    if EMOJI_RE.fullmatch(ch):
        return f" {ch} "
    if ch == "€":
        return " € "
    folded = _fold_char(ch)
    category = unicodedata.category(folded[0]) if folded else "Zs"
    if category[0] in "LN":
        return folded
    return " "


def _fold_match(match: re.Match[str]) -> str:
    return _fold_for_tokens(match.group(0))


def base_view(text: str) -> str:
    """The ``base`` view of :func:`bovenwater.adscan.normalise.normalise` (no offsets)."""
    return fold_base(to_nfkc(text))


def split_tokens(text: str) -> list[str]:
    """Lower-cased tokens of ``text``: words, numbers, emoji and the euro sign."""
    low = text.lower()
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", low):
            low = unicodedata.normalize("NFKC", low).lower()
        low = _NON_ASCII.sub(_fold_match, low)
    return _punct_to_space(low).split()


# ``str.translate`` with a dict is a per-character lookup (about 20 us per advertisement
# for ASCII text, 250 us for non-ASCII text); ``bytes.translate`` on the UTF-8 form is
# a C table walk (about 2 us). Only ASCII bytes are mapped (to ASCII), so UTF-8 stays valid and
# the character count is unchanged.
_PUNCT_BYTES = bytes(
    0x20 if chr(b) in string.punctuation and chr(b) not in "@$" else b for b in range(256)
)


def _punct_to_space(text: str) -> str:
    if text.isascii():
        return text.encode("ascii").translate(_PUNCT_BYTES).decode("ascii")
    return text.encode("utf-8").translate(_PUNCT_BYTES).decode("utf-8")


def _simple_characters() -> str:
    """Non-ASCII characters that every view keeps as they are: the euro sign and the
    emoji that NFKC, lower-casing and folding leave unchanged. A text whose non-ASCII
    characters are all simple (most advertisements with emoji) needs no Unicode work."""
    candidates = ["€"] + [
        chr(c)
        for low, high in ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x2300, 0x23FF))
        for c in range(low, high + 1)
    ]
    simple = [
        ch
        for ch in candidates
        if unicodedata.normalize("NFKC", ch) == ch
        and not unicodedata.decomposition(ch)
        and unicodedata.combining(ch) == 0
        and ch not in INVISIBLE
        and not ch.isspace()
        and not ch.isdigit()
        and ch.lower() == ch
        and _fold_char.__wrapped__(ch) == ch
        and (ch == "€" or EMOJI_RE.fullmatch(ch) is not None)  # _fold_for_tokens: " ch "
    ]
    return "".join(simple)


def _character_class(chars: str) -> str:
    """``chars`` as a regular-expression class body of code-point ranges."""
    points = sorted(ord(ch) for ch in chars)
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


_SIMPLE_CLASS = _character_class(_simple_characters())
_NOT_SIMPLE_RE = re.compile(rf"[^\x00-\x7f{_SIMPLE_CLASS}]")
_SPACE_BYTES = bytes(0x20 if chr(b) in "\t\n\r\f\v" else b for b in range(256))


def tokenise(text: str) -> tuple[str, list[str]]:
    """``(base_view(text), split_tokens(text))`` in one pass (the engine's hot path).

    The tokens are cut from the base view (already NFKC, lower-cased and folded), so
    the Unicode work is done once per advertisement. Text whose only non-ASCII
    characters are the euro sign and plain emoji takes a shortcut: lower-case, fold
    white space, put spaces around those characters (a test compares it with the
    general path).
    """
    if not text.isascii() and _NOT_SIMPLE_RE.search(text) is None:
        base = text.lower().encode("utf-8").translate(_SPACE_BYTES).decode("utf-8")
        spaced = base
        # str.replace per distinct character: re.sub with a template expands every match
        # in Python (about 10 us per ad); an ad has only a few distinct emoji
        for ch in set(_NON_ASCII.findall(base)):  # all simple here
            spaced = spaced.replace(ch, f" {ch} ")
        return base, spaced.encode("utf-8").translate(_PUNCT_BYTES).decode("utf-8").split()
    base = base_view(text)
    if base.isascii():
        return base, base.encode("ascii").translate(_PUNCT_BYTES).decode("ascii").split()
    low = _NON_ASCII.sub(_fold_match, base)
    return base, _punct_to_space(low).split()


def positions(items: Sequence[str], wanted: Iterable[str]) -> list[int]:
    """Sorted indices of every occurrence of the ``wanted`` values (C-level search)."""
    if not isinstance(wanted, (set, frozenset)) or len(wanted) > 2:
        wanted = set(wanted)
        if len(wanted) > 2:
            return [i for i, item in enumerate(items) if item in wanted]
    found: list[int] = []
    index = items.index
    count = items.count
    for value in wanted:
        i = -1
        for _ in range(count(value)):
            i = index(value, i + 1)
            found.append(i)
    found.sort()
    return found
