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
from functools import lru_cache
from typing import NamedTuple

from bovenwater.webscan.normalise import (
    EMOJI_RE,
    INVISIBLE,
    _fold_char,
    fold_base,
    fold_leet,
    to_nfkc,
)
from bovenwater.webscan.phones import WORD_DIGITS

# ASCII punctuation becomes white space; "@" and "$" stay inside words (leetspeak).
_PUNCT_TABLE = str.maketrans({ch: " " for ch in string.punctuation if ch not in "@$"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_MIXED_DIGITS = re.compile(r"(?:\d|" + "|".join(sorted(WORD_DIGITS, key=len, reverse=True)) + ")+")

NUMBER_HASH = zlib.crc32(b"<#>")


class TokenInfo(NamedTuple):
    folded: str
    hash: int
    digits: str | None  # the digits a number word or mixed token spells ("six78" -> "678")


_CACHE: dict[str, TokenInfo] = {}
_CACHE_LIMIT = 400_000


def _compute(token: str) -> TokenInfo:
    folded = token if token.isalpha() else fold_leet(token)
    digits: str | None = None
    if token in WORD_DIGITS:
        digits = WORD_DIGITS[token]
    elif (
        not token.isalpha() and any(ch.isdigit() for ch in token) and _MIXED_DIGITS.fullmatch(token)
    ):
        digits = "".join(
            m if m.isdigit() else WORD_DIGITS[m]
            for m in re.findall(r"\d|" + "|".join(WORD_DIGITS), token)
        )
    return TokenInfo(folded, zlib.crc32(folded.encode("utf-8")), digits)


def token_info(token: str) -> TokenInfo:
    info = _CACHE.get(token)
    if info is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        info = _compute(token)
        _CACHE[token] = info
    return info


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
    """The ``base`` view of :func:`bovenwater.webscan.normalise.normalise` (no offsets)."""
    return fold_base(to_nfkc(text))


def split_tokens(text: str) -> list[str]:
    """Lower-cased tokens of ``text``: words, numbers, emoji and the euro sign."""
    low = text.lower()
    if not text.isascii():
        if not unicodedata.is_normalized("NFKC", low):
            low = unicodedata.normalize("NFKC", low).lower()
        low = _NON_ASCII.sub(_fold_match, low)
    return low.translate(_PUNCT_TABLE).split()
