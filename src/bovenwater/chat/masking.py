"""Mask contact details in a transcript with the ad-screening engine's extractors
(``bovenwater.adscan``).

Phone numbers (including obfuscated ones such as "nul zes een twee ..."), e-mail
addresses (also "naam (at) domein (punt) nl"), links and social-media handles are
replaced by a neutral placeholder before a transcript is kept for longer. The engine
works on its folded "base" view of the text; when folding keeps the length, the spans
are masked in the original text (its letters and case intact), otherwise in the base
view.
"""

from __future__ import annotations

import re

from bovenwater.adscan.extract import (
    AT_HANDLE_RE,
    EMAIL_RE,
    HANDLE_RE,
    LINK_HANDLE_RE,
    OBFUSCATED_EMAIL_RE,
    URL_RE,
)
from bovenwater.adscan.phones import extract_phones
from bovenwater.adscan.tokens import base_view

PLACEHOLDER = "[afgeschermd]"


def _phone_spans(base: str) -> list[tuple[int, int]]:
    """Every phone number's span; the engine reports a number once, so the found spans
    are blanked and the search repeated until nothing new turns up."""
    spans: list[tuple[int, int]] = []
    text = base
    for _round in range(20):
        hits = extract_phones(text, word_digits=True)
        if not hits:
            break
        for hit in hits:
            spans.append((hit.start, hit.end))
            text = text[: hit.start] + " " * (hit.end - hit.start) + text[hit.end :]
    return spans


def _spans(base: str) -> list[tuple[int, int]]:
    spans = _phone_spans(base)
    for pattern in (EMAIL_RE, OBFUSCATED_EMAIL_RE, URL_RE, LINK_HANDLE_RE, AT_HANDLE_RE):
        spans.extend(match.span() for match in pattern.finditer(base))
    spans.extend(match.span(4) for match in HANDLE_RE.finditer(base))
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_SPACE_RE = re.compile(r"\s+$")


def mask_contacts(text: str) -> str:
    """``text`` with phone numbers, e-mail addresses, links and handles masked."""
    base = base_view(text)
    spans = _merge(_spans(base))
    if not spans:
        return text
    source = text if len(base) == len(text) else base
    parts: list[str] = []
    at = 0
    for start, end in spans:
        chunk = source[start:end]
        trailing = _SPACE_RE.search(chunk)
        parts.append(source[at:start])
        parts.append(PLACEHOLDER + (trailing.group(0) if trailing else ""))
        at = end
    parts.append(source[at:])
    return "".join(parts)
