"""Plain data types shared by the engine's steps."""

from __future__ import annotations

from dataclasses import dataclass, field

from bovenwater.adscan.extract import Extraction
from bovenwater.adscan.indicators import Hit


@dataclass(frozen=True, slots=True)
class Ad:
    """One advertisement as ingested (original text kept as it was)."""

    id: str
    title: str
    body: str
    city: str | None = None
    posted_at: str | None = None
    url: str | None = None

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}" if self.title else self.body


@dataclass(slots=True)
class Analysis:
    """Per-ad result of normalise + extract + indicators (+ the sketch tokens)."""

    ad: Ad
    extraction: Extraction
    hits: list[Hit]
    token_hashes: list[int] = field(default_factory=list)
    # the text's base view (normalise.NormalisedText.base), kept from tokenising so that
    # locating the evidence need not fold the text again; "" once released
    base: str = ""

    @property
    def codes(self) -> list[str]:
        return [hit.code for hit in self.hits]
