"""Interpretable network templates chosen by minimum description length.

In the spirit of InfoShield (Lee et al., 2021): the ads of a network are encoded as
one shared *template* (a sequence of constant tokens with variable *slots* between
them) plus, per ad, what fills the slots and which constants it lacks. The template
that needs the fewest bits overall is kept; comparing its total with the bits needed
to encode every ad on its own gives a compression ratio (lower = more templated).

Implementation (our own, from the idea): the medoid ad is the reference; every ad
is aligned to it token by token (``difflib.SequenceMatcher``); each reference token
gets a support (share of ads that contain it at the aligned place). For support
thresholds 0.5 .. 1.0 the constants are the tokens at or above the threshold; the
cost of the template is ``|C| * log2(V)`` plus one flag per gap, the cost of an ad is
``log2(|C|+1)`` per missing constant, ``log2(Lmax)`` per slot for the fill length and
``log2(V)`` per filled token. The threshold with the lowest total wins.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from bovenwater.adscan.municipalities import lookup
from bovenwater.adscan.normalise import TOKEN_RE, NormalisedText, normalise

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
_PHONEISH = re.compile(r"^[\d\s+\-./()]{8,}$")


@dataclass(slots=True)
class Slot:
    index: int
    kind: str
    examples: list[str]


@dataclass(slots=True)
class Template:
    text: str
    segments: list[dict[str, Any]]
    slots: list[Slot]
    support_threshold: float
    description_bits: float
    baseline_bits: float
    docs_used: int
    constants: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def compression(self) -> float:
        return round(self.description_bits / self.baseline_bits, 4) if self.baseline_bits else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "segments": self.segments,
            "slots": [
                {"index": s.index, "kind": s.kind, "examples": s.examples} for s in self.slots
            ],
            "support_threshold": self.support_threshold,
            "description_bits": round(self.description_bits, 1),
            "baseline_bits": round(self.baseline_bits, 1),
            "compression": self.compression,
            "docs_used": self.docs_used,
        }


@dataclass(slots=True)
class _Doc:
    norm: NormalisedText
    keys: list[str]
    spans: list[tuple[int, int]]

    def display(self, first: int, last: int) -> str:
        """Original text from token ``first`` through token ``last`` (inclusive)."""
        start = self.spans[first][0]
        end = self.spans[last][1]
        return self.norm.original_slice(start, end)


def _doc(text: str) -> _Doc:
    norm = normalise(text)
    matches = list(TOKEN_RE.finditer(norm.folded))
    return _Doc(norm, [m.group(0) for m in matches], [(m.start(), m.end()) for m in matches])


def _medoid(docs: list[_Doc]) -> int:
    sets = [set(d.keys) for d in docs]
    best, best_score = 0, -1.0
    for i, a in enumerate(sets):
        score = sum(len(a & b) / (len(a | b) or 1) for j, b in enumerate(sets) if j != i)
        if score > best_score:
            best, best_score = i, score
    return best


def _slot_kind(fills: list[str]) -> str:
    if not fills:
        return "text"
    if all(_PHONEISH.match(f) for f in fills):
        return "phone"
    if all(lookup(f) is not None for f in fills):
        return "city"
    if all(f.replace(",", "").replace(".", "").isdigit() for f in fills):
        return "number"
    if all(re.fullmatch(r"[A-Z][a-z]+", f) for f in fills):
        return "name"
    return "text"


def build_template(texts: list[str], max_docs: int = 12) -> Template:
    if len(texts) > max_docs:
        step = len(texts) / max_docs
        texts = [texts[int(k * step)] for k in range(max_docs)]
    docs = [_doc(t) for t in texts]
    ref_index = _medoid(docs)
    ref = docs[ref_index]
    length = len(ref.keys)
    # mapping[j][p] = position in doc j aligned to reference position p (or -1)
    mappings: list[list[int]] = []
    for doc in docs:
        mapping = [-1] * length
        matcher = SequenceMatcher(None, ref.keys, doc.keys, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                mapping[a + k] = b + k
        mappings.append(mapping)
    m = len(docs)
    support = [sum(1 for mp in mappings if mp[p] >= 0) / m for p in range(length)]
    vocabulary = len({k for d in docs for k in d.keys}) or 1
    bits = math.log2(vocabulary + 1)
    length_bits = math.log2(max(len(d.keys) for d in docs) + 2)
    baseline = sum(len(d.keys) * bits + length_bits for d in docs)

    best: tuple[float, float, list[int], set[int]] | None = None
    for threshold in THRESHOLDS:
        constants = [p for p in range(length) if support[p] >= threshold]
        slots: set[int] = set()  # gap k lies before constant k (k == len: after the last)
        doc_bits = 0.0
        for doc, mapping in zip(docs, mappings, strict=True):
            matched = [(k, mapping[p]) for k, p in enumerate(constants) if mapping[p] >= 0]
            missing = len(constants) - len(matched)
            previous = -1
            for k, q in matched:
                if q - previous - 1 > 0:
                    slots.add(k)
                previous = q
            if len(doc.keys) - previous - 1 > 0:
                slots.add(len(constants))
            fill_tokens = len(doc.keys) - len(matched)
            doc_bits += missing * math.log2(len(constants) + 1) + fill_tokens * bits
        total = (
            len(constants) * bits + (len(constants) + 1) + doc_bits + len(slots) * length_bits * m
        )
        if best is None or total < best[0]:
            best = (total, threshold, constants, slots)
    assert best is not None
    total, threshold, constants, slots = best
    return _render(docs, ref, mappings, constants, slots, threshold, total, baseline)


def _render(
    docs: list[_Doc],
    ref: _Doc,
    mappings: list[list[int]],
    constants: list[int],
    slots: set[int],
    threshold: float,
    total: float,
    baseline: float,
) -> Template:
    segments: list[dict[str, Any]] = []
    slot_list: list[Slot] = []
    text_parts: list[str] = []

    def add_slot(gap: int) -> None:
        fills: list[str] = []
        lo = constants[gap - 1] if gap > 0 else None
        hi = constants[gap] if gap < len(constants) else None
        for doc, mapping in zip(docs, mappings, strict=True):
            qa = mapping[lo] if lo is not None else -1
            qb = mapping[hi] if hi is not None else len(doc.keys)
            if (lo is not None and qa < 0) or (hi is not None and qb < 0):
                continue
            if qb - qa - 1 > 0:
                fill = doc.display(qa + 1, qb - 1)
                if fill not in fills:
                    fills.append(fill)
        kind = _slot_kind(fills)
        slot = Slot(len(slot_list) + 1, kind, fills[:5])
        slot_list.append(slot)
        segments.append({"type": "slot", "index": slot.index, "kind": kind})
        text_parts.append(f"[{kind.upper()}{slot.index}]")

    run_start: int | None = None
    for k, p in enumerate(constants):
        if k in slots:
            if run_start is not None:
                _flush(ref, constants, run_start, k - 1, segments, text_parts)
                run_start = None
            add_slot(k)
        if run_start is None:
            run_start = k
        elif p != constants[k - 1] + 1:
            _flush(ref, constants, run_start, k - 1, segments, text_parts)
            run_start = k
    if run_start is not None:
        _flush(ref, constants, run_start, len(constants) - 1, segments, text_parts)
    if len(constants) in slots:
        add_slot(len(constants))
    return Template(
        text=" ".join(text_parts),
        segments=segments,
        slots=slot_list,
        support_threshold=threshold,
        description_bits=total,
        baseline_bits=baseline,
        docs_used=len(docs),
        constants=len(constants),
    )


def _flush(
    ref: _Doc,
    constants: list[int],
    first: int,
    last: int,
    segments: list[dict[str, Any]],
    text_parts: list[str],
) -> None:
    text = ref.display(constants[first], constants[last])
    segments.append({"type": "text", "text": text})
    text_parts.append(text)
