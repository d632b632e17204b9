"""Text normalisation that keeps the way back to the original text.

Three views are derived from an advertisement's original text:

* ``nfkc``: Unicode NFKC with invisible characters (zero-width space/joiners, soft
  hyphen, BOM) removed. This is the only step that may change the length; a position
  map leads every ``nfkc`` position back to the original text.
* ``base``: ``nfkc`` lower-cased, with homoglyphs (Cyrillic/Greek look-alikes),
  accents and all white space folded to plain ASCII where possible. Same length as
  ``nfkc``, so positions are shared. Used for extraction (phones, prices, ages).
* ``folded``: ``base`` with leetspeak folded inside words (``s3xy`` -> ``sexy``,
  ``h0t`` -> ``hot``). Same length again. Used for indicator phrases and sketches.

Emoji are kept: the tokenizer returns each emoji as a token of its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f")

# Look-alike letters used to dodge keyword filters ("Сеху" in Cyrillic).
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ь": "b",
    "ɡ": "g", "ı": "i",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "σ": "o",
}  # fmt: skip

_LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
}  # fmt: skip

EMOJI_CLASS = (
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u3030\u303d\u3297\u3299]"
)
TOKEN_RE = re.compile(r"[^\W_]+|" + EMOJI_CLASS)
EMOJI_RE = re.compile(EMOJI_CLASS)
_LEET_CANDIDATE = re.compile(
    r"(?<![a-z0-9@$])(?:[a-z]+[013457@$][a-z0-9@$]*|[013457@$]+[a-z][a-z0-9@$]*)(?![a-z0-9@$])"
)
_NUMBER_UNIT = re.compile(r"\d+[a-z]{1,5}|[a-z]{1,2}\d+")
_LEET_TABLE = str.maketrans(_LEET)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """Lower-case, homoglyph- and accent-fold one character to one character."""
    if ch.isspace():
        return " "
    low = ch.lower()
    if len(low) != 1:
        low = low[0]
    mapped = _HOMOGLYPHS.get(low)
    if mapped is not None:
        return mapped
    if not low.isascii():
        decomposed = unicodedata.normalize("NFKD", low)
        if decomposed and decomposed[0].isascii() and decomposed[0].isalpha():
            return decomposed[0]
    return low


def _leet_replace(match: re.Match[str]) -> str:
    token = match.group(0)
    if _NUMBER_UNIT.fullmatch(token):
        return token
    letters = sum(1 for ch in token if "a" <= ch <= "z")
    if letters < 2:
        return token
    return token.translate(_LEET_TABLE)


# Every leetspeak candidate has a letter next to one of the characters it folds; most
# texts have none. This search starts at one of those characters (the candidate
# pattern's look-behind must be tried at every position of the text: about four
# times slower), so texts without a candidate are returned as they are.
_LEET_NEIGHBOUR = re.compile(r"[013457@$](?:(?<=[a-z][013457@$])|(?=[a-z]))")


def fold_leet(base: str) -> str:
    """Fold leetspeak inside words; plain numbers and number+unit tokens stay."""
    if _LEET_NEIGHBOUR.search(base) is None:
        return base
    return _LEET_CANDIDATE.sub(_leet_replace, base)


@dataclass(slots=True)
class NormalisedText:
    original: str
    nfkc: str
    base: str
    folded: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span in the normalised views to the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.to_original(start, end)
        return self.original[a:b]


def _nfkc_with_map(text: str) -> tuple[str, list[int], list[int]]:
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        segment = text[i:j]
        if segment[0] in INVISIBLE:
            segment = segment[1:]
        normalised = unicodedata.normalize("NFKC", segment)
        pieces.append(normalised)
        starts.extend([i] * len(normalised))
        ends.extend([j] * len(normalised))
        i = j
    return "".join(pieces), starts, ends


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_match(match: re.Match[str]) -> str:
    return _fold_char(match.group(0))


_SPACE_BYTES = bytes(0x20 if chr(b) in "\t\n\r\f\v" else b for b in range(256))


def fold_base(nfkc: str) -> str:
    """Lower-case and fold homoglyphs, accents and white space; keeps the length."""
    if nfkc.isascii():
        return nfkc.lower().encode("ascii").translate(_SPACE_BYTES).decode("ascii")
    low = nfkc.lower()
    if len(low) != len(nfkc):
        return "".join([_fold_char(ch) for ch in nfkc])
    # bytes.translate: str.translate with a dict is a slow per-character path
    folded = _NON_ASCII.sub(_fold_match, low)
    return folded.encode("utf-8").translate(_SPACE_BYTES).decode("utf-8")


_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")


def needs_nfkc(text: str) -> bool:
    return not text.isascii() and (
        not unicodedata.is_normalized("NFKC", text) or _INVISIBLE_RE.search(text) is not None
    )


def to_nfkc(text: str) -> str:
    """NFKC without invisible characters (what ``NormalisedText.nfkc`` holds)."""
    if not needs_nfkc(text):
        return text
    return _nfkc_with_map(text)[0]


def normalise(text: str) -> NormalisedText:
    """Build the three views of ``text`` (see the module docstring)."""
    starts: list[int] | None = None
    ends: list[int] | None = None
    nfkc = text
    if needs_nfkc(text):
        nfkc, starts, ends = _nfkc_with_map(text)
    base = fold_base(nfkc)
    return NormalisedText(text, nfkc, base, fold_leet(base), starts, ends)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Word and emoji tokens with their ``[start, end)`` positions."""
    return [(m.group(0), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
