"""Phone numbers, including obfuscated ones, normalised to E.164.

Advertisers hide numbers from keyword filters: ``0 6 - 1 2 3 4 5 6 7 8``,
``nul zes een twee ...``, ``zero six one two ...`` or mixed forms such as
``06-1two3 45 six78``. Extraction works on the ``base`` view (lower-case, homoglyphs
folded): a run of *digit units* (a digit, a Dutch or English number word, or a lone
letter ``o``/``l`` standing for 0/1) joined by short separators is collected, text
that is known not to be a phone number (prices, dates, times, postcodes, ages,
measurements, "24/7") is blanked out first (the stop-list), and the digit string is
segmented into valid numbers with ``phonenumbers`` (default region NL).

A number that is written like a phone number but is not valid in the numbering plan
(a Dutch ``06-0...`` or ``06-7...`` number, a foreign number of an unassigned range)
is still an identifier: repeated across ads, it links them as surely as a dialable
one. Such *phone keys* are kept with ``valid=False``: ten digits starting with a
single ``0`` (national form) or an international number of 8 to 15 digits after
``+``/``00``, found at the start of a digit group and ending where the run or a digit
group ends (so a longer digit string is not cut into a "number"), after the same
stop-list. A Dutch key is written in its national form (``0601234567``, also for
``+31 6 01234567``), any other as ``+`` and digits. Keys never count as a dialable
phone (indicators, network counts); they serve as linking keys only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "NL"

WORD_DIGITS: dict[str, str] = {
    "nul": "0", "zero": "0", "een": "1", "one": "1", "twee": "2", "two": "2",
    "drie": "3", "three": "3", "vier": "4", "four": "4", "vijf": "5", "five": "5",
    "zes": "6", "six": "6", "zeven": "7", "seven": "7", "acht": "8", "eight": "8",
    "negen": "9", "nine": "9", "o": "0", "l": "1",
}  # fmt: skip

_WORDS = "|".join(sorted(WORD_DIGITS, key=len, reverse=True))
_UNIT = rf"(?:\d|(?<![a-z])(?:{_WORDS})(?![a-z]))"
_SEP = r"[ \-./()_*~|,\\–—]{0,4}"
RUN_RE = re.compile(rf"(?:\+ ?)?{_UNIT}(?:{_SEP}{_UNIT}){{7,24}}")
UNIT_RE = re.compile(_UNIT)

# Text that looks numeric but is never a phone number. Blanked (same length) before
# phone runs are collected.
_STOP_PATTERNS = [
    # dates: 01-05-2024, 1/5/24, 2024-05-01 (not when the digits run on, as in a phone)
    r"(?<![\d\-./])\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})(?![\-./]?\d)",
    r"(?<![\d\-./])(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?![\-./]?\d)",
    # opening hours: 10:00-22:00, 10.00 tot 02.00, 21u
    r"(?<![\d\-./])\d{1,2}[:.h]\d{2}(?:\s?(?:-|–|tot|to|till|until)\s?\d{1,2}[:.h]\d{2})?(?![\d\-./])",
    # prices: € 150, eur 150,-, 150 euro, 150,- 100$
    r"(?:€|\beur(?:o)?\b)\s?\d+(?:[.,]\d{1,2}|[.,]-)?",
    r"\d+(?:[.,]\d{1,2}|[.,]-)?\s?(?:€|\beuro?s?\b|,-|\$)",
    # postcodes: 1012 ab
    r"(?<!\d)[1-9]\d{3}\s?[a-z]{2}(?![a-z])",
    # ages, sizes, measurements: 19 jaar, 21 years, 170 cm, 55 kg, 90-60-90
    r"\d{1,3}\s?(?:jaar|jr|years?|yrs|yo|cm|kg|min|minuten|minutes|uur|hours?)(?![a-z])",
    r"(?<![\d\-./])\d{2,3}[-/]\d{2}[-/]\d{2,3}(?![\-./]?\d)",
    # availability: 24/7, 24-7
    r"24\s?[/-]\s?7",
]
STOP_RE = re.compile("|".join(f"(?:{p})" for p in _STOP_PATTERNS))

_STANDARD_SEPARATORS = frozenset(" -.()/+")


@dataclass(frozen=True, slots=True)
class PhoneHit:
    """A phone number found in the text. ``valid=False``: a phone key (see above);
    ``e164`` then holds the key (national form for Dutch numbers)."""

    e164: str
    start: int
    end: int
    obfuscated: bool
    valid: bool = True


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def mask_stop_list(text: str) -> str:
    """Blank out prices, dates, times, postcodes, ages and measurements."""
    return STOP_RE.sub(_blank, text)


@lru_cache(maxsize=262144)
def _parse_international(number: str) -> str | None:
    """``number`` is ``+`` and digits; return E.164 when valid."""
    try:
        parsed = phonenumbers.parse(number, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def _nl_prefix_valid(prefix: str) -> bool:
    """Validity of a 10-digit Dutch national number depends only on its first digits.

    Dutch numbers have a fixed length of ten digits (with the trunk ``0``) and the
    number plan distinguishes types by the leading digits, so the answer of
    ``phonenumbers`` for one number with a given 5-digit prefix holds for all of them.
    This cache avoids a full ``phonenumbers`` parse (about 40 microseconds) per ad;
    a test checks the shortcut against ``phonenumbers`` on random numbers.
    """
    return _parse_international("+31" + prefix[1:] + "00000") is not None


def nl_national_to_e164(digits: str) -> str | None:
    """``0612345678`` -> ``+31612345678`` when a valid Dutch number."""
    if len(digits) != 10 or digits[0] != "0" or digits[1] == "0":
        return None
    if not _nl_prefix_valid(digits[:5]):
        return None
    return "+31" + digits[1:]


def _segment(digits: str, plus: bool, starts: set[int]) -> list[tuple[str, int, int, bool]]:
    """Split a digit string into numbers: (E.164 or key, first index, end index, valid).

    A number may only begin where a group of digits begins (``starts``), so the tail
    of one number ("100 200 ...") never starts another. Where no valid number begins,
    a phone key (module docstring) may.
    """
    found: list[tuple[str, int, int, bool]] = []
    n = len(digits)
    i = 0
    while i < n:
        hit: tuple[str, int] | None = None
        if plus and i == 0:
            if digits.startswith("310"):  # +31 (0)6 ...
                number = nl_national_to_e164(digits[2:12])
                hit = (number, 12) if number is not None else None
            if hit is None:
                hit = _international(digits, 0, 0)
        elif i in starts:
            if digits.startswith("00", i):
                hit = _international(digits, i, 2)
            elif digits.startswith("316", i) and n - i >= 11:
                number = nl_national_to_e164("0" + digits[i + 2 : i + 11])
                hit = (number, 11) if number is not None else None
            elif digits[i] == "0" and n - i >= 10:
                number = nl_national_to_e164(digits[i : i + 10])
                hit = (number, 10) if number is not None else None
        if hit is not None:
            found.append((hit[0], i, i + hit[1], True))
            i += hit[1]
            continue
        key = _phone_key(digits, i, plus, starts) if (plus and i == 0) or i in starts else None
        if key is not None:
            found.append((key[0], i, i + key[1], False))
            i += key[1]
        else:
            i += 1
    return found


def _phone_key(digits: str, i: int, plus: bool, starts: set[int]) -> tuple[str, int] | None:
    """A phone-like identifier at ``i`` that is not a valid number: (key, length).

    It must end where the digit run ends or a new digit group starts.
    """
    n = len(digits)

    def ends_well(end: int) -> bool:
        return end == n or end in starts

    if (plus and i == 0) or digits.startswith("00", i):
        offset = 0 if plus and i == 0 else 2
        rest = digits[i + offset :]
        if rest.startswith("31"):  # Dutch: national form, with or without the trunk 0
            national = rest[2:]
            if national.startswith("0"):
                national = national[1:]
                if len(national) >= 9 and national[0] != "0" and ends_well(i + offset + 12):
                    return "0" + national[:9], offset + 12
                return None
            if len(national) >= 9 and national[0] != "0" and ends_well(i + offset + 11):
                return "0" + national[:9], offset + 11
            return None
        for length in range(min(15, n - i - offset), 7, -1):
            if ends_well(i + offset + length) and rest[0] != "0":
                return "+" + rest[:length], offset + length
        return None
    if digits.startswith("316", i) and ends_well(i + 11):
        return "0" + digits[i + 2 : i + 11], 11
    if digits[i] == "0" and n - i >= 10 and digits[i + 1] != "0" and ends_well(i + 10):
        return digits[i : i + 10], 10
    return None


def _international(digits: str, i: int, offset: int) -> tuple[str, int] | None:
    for length in range(min(15, len(digits) - i - offset), 7, -1):
        number = _parse_international("+" + digits[i + offset : i + offset + length])
        if number is not None:
            return number, offset + length
    return None


FAST_RUN_RE = re.compile(r"[+\d](?:[ \-./()_*~|,\\–—]{0,4}\d){7,24}")
# The same runs in ASCII text, about a third faster: ASCII digits and separators only,
# and the separators are taken possessively (they never match a digit, so giving some
# back can never help; the matches are identical).
_FAST_RUN_ASCII_RE = re.compile(r"[+0-9](?:[ \-./()_*~|,\\]{0,4}+[0-9]){7,24}")
_DIGIT_RE = re.compile(r"\d")


def _units(text: str, unit_re: re.Pattern[str]) -> tuple[list[tuple[str, int, int]], str, set[int]]:
    units = [(m.group(0), m.start(), m.end()) for m in unit_re.finditer(text)]
    digits = "".join(u if u.isdigit() else WORD_DIGITS[u] for u, _, _ in units)
    starts = {
        k
        for k in range(len(units))
        if k == 0 or units[k - 1][2] != units[k][1] or not units[k][0].isdigit()
    }
    return units, digits, starts


_GROUP_RE = re.compile(r"\d+")


def _digit_units(text: str) -> tuple[list[tuple[str, int, int]], str, set[int]]:
    """:func:`_units` for runs of plain digits (cheaper: works per digit group)."""
    units: list[tuple[str, int, int]] = []
    starts: set[int] = set()
    for group in _GROUP_RE.finditer(text):
        starts.add(len(units))
        first = group.start()
        units.extend((ch, first + k, first + k + 1) for k, ch in enumerate(group.group(0)))
    return units, "".join(u for u, _, _ in units), starts


def extract_phones(
    base: str, word_digits: bool = True, plain: bool | None = None
) -> list[PhoneHit]:
    """All phone numbers in ``base`` (positions are positions in ``base``).

    ``word_digits=False`` skips numbers spelled with words (a fast path for texts
    whose tokens show no spelled digits). A run that is exactly one valid number is
    taken as it is; otherwise the stop-list is applied around the run first.
    ``plain`` says that ``base`` has no non-ASCII characters other than the euro sign
    and plain emoji (so no non-ASCII digits or dashes), which allows the ASCII scan;
    ``None``: only when ``base`` is ASCII.
    """
    regex = RUN_RE if word_digits else FAST_RUN_RE
    if plain is None:
        plain = base.isascii()
    scan = regex if word_digits or not plain else _FAST_RUN_ASCII_RE
    unit_re = UNIT_RE if word_digits else _DIGIT_RE
    hits: list[PhoneHit] = []
    seen: set[str] = set()
    for match in scan.finditer(base):
        text = match.group(0)
        if not word_digits:
            single = _single_number(text)
            if single is not None:  # the common case: the run is exactly one number
                if single[0] not in seen:
                    seen.add(single[0])
                    hits.append(PhoneHit(single[0], match.start(), match.end(), single[1]))
                continue
        units, digits, starts = _units(text, unit_re) if word_digits else _digit_units(text)
        found = _segment(digits, text.startswith("+"), starts)
        pieces = [(match.start(), text, units, found)]
        if not (
            len(found) == 1 and found[0][1] == 0 and found[0][2] == len(digits) and found[0][3]
        ):
            pieces = []
            lo = max(0, match.start() - 12)
            window = base[lo : min(len(base), match.end() + 16)]
            masked = mask_stop_list(window)
            for inner in regex.finditer(masked):
                if inner.end() > match.start() - lo and inner.start() < match.end() - lo:
                    inner_text = inner.group(0)
                    inner_units, inner_digits, inner_starts = _units(inner_text, unit_re)
                    inner_found = _segment(inner_digits, inner_text.startswith("+"), inner_starts)
                    pieces.append((lo + inner.start(), inner_text, inner_units, inner_found))
        for offset, piece, piece_units, piece_found in pieces:
            plus = piece.startswith("+")
            for e164, first, last, valid in piece_found:
                used = piece_units[first:last]
                if e164 in seen:
                    continue
                seen.add(e164)
                start = offset + (0 if plus and first == 0 else used[0][1])
                obfuscated = _is_obfuscated(piece, used)
                hits.append(PhoneHit(e164, start, offset + used[-1][2], obfuscated, valid))
    return hits


_NON_DIGIT_BYTES = bytes(b for b in range(256) if not 0x30 <= b <= 0x39)
_DIGIT_BYTES = b"0123456789"
_STANDARD_SEPARATOR_BYTES = "".join(sorted(_STANDARD_SEPARATORS)).encode("ascii")
_GAP_RE = re.compile(r"\D+")


def _single_number(text: str) -> tuple[str, bool] | None:
    """``(E.164, obfuscated)`` when a plain-digit run is exactly one valid number.

    The fast path of :func:`extract_phones`: the same answer as segmenting the run
    unit by unit (a test compares both), without building per-digit units. ``None``
    sends the run to the general path (several numbers, stop-list, non-ASCII digits).
    """
    if not text.isascii():
        return None
    raw = text.encode("ascii")
    digits = raw.translate(None, _NON_DIGIT_BYTES).decode("ascii")
    n = len(digits)
    hit: tuple[str, int] | None = None
    if text[0] == "+":
        if digits.startswith("310"):
            number = nl_national_to_e164(digits[2:12])
            hit = (number, 12) if number is not None else None
        elif n == 11 and digits.startswith("31"):
            # +31 6 1234 5678: the whole run is one number exactly when this Dutch number
            # is valid (the answer of phonenumbers for "+31" + 9 digits; a test checks),
            # so the Dutch prefix cache decides without a full parse
            number = nl_national_to_e164("0" + digits[2:])
            if number is None:
                return None
            hit = (number, 11)
        if hit is None:
            hit = _international(digits, 0, 0)
    elif digits.startswith("00"):
        hit = _international(digits, 0, 2)
    elif digits.startswith("316") and n >= 11:
        number = nl_national_to_e164("0" + digits[2:11])
        hit = (number, 11) if number is not None else None
    elif digits[0] == "0" and n >= 10:
        number = nl_national_to_e164(digits[:10])
        hit = (number, 10) if number is not None else None
    if hit is None or hit[1] != n:
        return None
    first = text.index(digits[0])
    # the separators after the first digit; fewer than six characters cannot make six
    # gaps, so the gaps are counted only for longer ones
    separators = raw[first:].translate(None, _DIGIT_BYTES)
    obfuscated = bool(separators.translate(None, _STANDARD_SEPARATOR_BYTES)) or (
        len(separators) >= 6 and len(_GAP_RE.findall(text, first)) >= 6
    )
    return hit[0], obfuscated


def _is_obfuscated(text: str, used: list[tuple[str, int, int]]) -> bool:
    if any(not unit.isdigit() for unit, _, _ in used):
        return True
    gaps = [text[used[k][2] : used[k + 1][1]] for k in range(len(used) - 1)]
    separated = [gap for gap in gaps if gap]
    if len(separated) >= 6:  # digits written one by one
        return True
    return any(ch not in _STANDARD_SEPARATORS for gap in separated for ch in gap)
