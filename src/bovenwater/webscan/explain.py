"""Explanations and safe markup for webscan evidence.

Advertisement texts come from the open internet and may contain HTML or script. They
are never marked safe as they are: highlight markup is built here by escaping every
segment of the source text and wrapping only the indicator spans in ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from bovenwater.adscan.pipeline import rule_catalogue
from bovenwater.lib import formatting

if TYPE_CHECKING:
    from bovenwater.webscan.models import Ad, Network


@dataclass(frozen=True)
class RuleText:
    code: str
    label: str
    label_nl: str
    label_en: str
    weight: float
    evidence: str


@cache
def _catalogue() -> dict[str, dict[str, Any]]:
    return {rule["code"]: rule for rule in rule_catalogue()}


def rule_text(code: str) -> RuleText:
    rule = _catalogue().get(code)
    if rule is None:
        return RuleText(code, code, code, code, 0.0, "")
    english = (get_language() or "nl").startswith("en")
    return RuleText(
        code,
        rule["label_en"] if english else rule["label_nl"],
        rule["label_nl"],
        rule["label_en"],
        float(rule["weight"]),
        rule["evidence"] if english else rule.get("evidence_nl") or rule["evidence"],
    )


# The engine's names for what varies in a template slot, as a reader says them.
SLOT_KINDS = {
    "text": gettext_lazy("tekst"),
    "phone": gettext_lazy("telefoonnummer"),
    "city": gettext_lazy("plaats"),
    "number": gettext_lazy("getal"),
    "name": gettext_lazy("naam"),
}


def slot_kind(kind: object) -> str:
    return str(SLOT_KINDS.get(str(kind), SLOT_KINDS["text"]))


def slot_rows(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The template's variable places with the kind in words (for the slots table)."""
    return [
        {
            "index": slot.get("index"),
            "kind": slot_kind(slot.get("kind")),
            "examples": slot.get("examples", []),
        }
        for slot in template.get("slots", [])
    ]


def _join(parts: Sequence[SafeString], separator: str) -> SafeString:
    """Join already escaped parts (``format_html_join`` escapes anything that is not)."""
    return format_html_join(separator, "{}", ((part,) for part in parts))


def highlight(text: str, spans: Sequence[tuple[int, int, str]]) -> SafeString:
    """``text`` escaped, with each (start, end, code) span wrapped in ``<mark>``.

    Overlapping or out-of-range spans are skipped; everything outside the marks and
    inside them is escaped, so no markup of the source survives.
    """
    parts: list[SafeString] = []
    position = 0
    for start, end, code in sorted(spans):
        if start < position or end <= start or end > len(text):
            continue
        parts.append(escape(text[position:start]))
        parts.append(
            format_html('<mark title="{}">{}</mark>', rule_text(code).label, text[start:end])
        )
        position = end
    parts.append(escape(text[position:]))
    return _join(parts, "")


def ad_spans(ad: Ad, field: str) -> list[tuple[int, int, str]]:
    return [
        (int(item["start"]), int(item["end"]), str(item["code"]))
        for item in ad.evidence
        if item.get("field") == field and "start" in item and "end" in item
    ]


def highlighted_title(ad: Ad) -> SafeString:
    return highlight(ad.title, ad_spans(ad, "title"))


def highlighted_body(ad: Ad) -> SafeString:
    return highlight(ad.body, ad_spans(ad, "body"))


def template_markup(template: dict[str, Any]) -> SafeString:
    """The network template: constant text escaped, slots as ``<mark>`` with their kind."""
    slots = {slot["index"]: slot for slot in template.get("slots", [])}
    parts: list[SafeString] = []
    for segment in template.get("segments", []):
        if segment.get("type") == "slot":
            slot = slots.get(segment.get("index"), {})
            examples = ", ".join(str(e) for e in slot.get("examples", [])[:3])
            parts.append(
                format_html(
                    '<mark class="bw-slot" title="{}">[{} {}]</mark>',
                    examples,
                    slot_kind(segment.get("kind", "text")),
                    segment.get("index", ""),
                )
            )
        else:
            parts.append(escape(str(segment.get("text", ""))))
    return _join(parts, " ")


def indicator_rows(network: Network) -> list[dict[str, Any]]:
    """Network-level and ad-level indicators with their explanation, strongest first."""
    rows: list[dict[str, Any]] = []
    for code in network.indicators:
        rows.append({"rule": rule_text(code), "ads": None, "network": True})
    for code, count in network.ad_indicators.items():
        rows.append({"rule": rule_text(code), "ads": count, "network": False})
    rows.sort(key=lambda row: (-row["rule"].weight, row["rule"].code))
    return rows


def evidence_examples(ads: Sequence[Ad], limit: int = 3) -> dict[str, list[SafeString]]:
    """Per indicator code, up to ``limit`` highlighted snippets from the network's ads."""
    found: dict[str, list[SafeString]] = {}
    for ad in ads:
        for item in ad.evidence:
            code = str(item.get("code", ""))
            if "start" not in item or len(found.get(code, [])) >= limit:
                continue
            text = ad.title if item.get("field") == "title" else ad.body
            start, end = int(item["start"]), int(item["end"])
            lo, hi = max(0, start - 40), min(len(text), end + 40)
            snippet = highlight(text[lo:hi], [(start - lo, end - lo, code)])
            prefix = "…" if lo > 0 else ""
            suffix = "…" if hi < len(text) else ""
            found.setdefault(code, []).append(format_html("{}{}{}", prefix, snippet, suffix))
    return found


def signal_description(network: Network, ads: Sequence[Ad]) -> str:
    """Plain-text evidence of a network for the intake signal, in Dutch words and formats.

    The signal is read by organisations that never saw the webscan: indicators by their
    Dutch names (no rule codes), dates and numbers as Dutch readers write them.
    """
    features = network.features
    risk = formatting.number_in("nl", network.risk, 2)
    lines = [
        f"Webscan: netwerk {network.cluster_id} uit scan {network.run_id} "
        f"({formatting.number_in('nl', network.ad_count)} advertenties, "
        f"risico {risk} op een schaal van 0 tot 1).",
        "",
        "Sjabloon: " + str(network.template.get("text", "")),
        "",
        "Indicatoren:",
    ]
    for code in network.indicators:
        lines.append(f"- {rule_text(code).label_nl} (netwerk)")
    for code, count in network.ad_indicators.items():
        lines.append(
            f"- {rule_text(code).label_nl} ({formatting.number_in('nl', count)} advertenties)"
        )
    phones = features.get("phones") or []
    if phones:
        lines += ["", "Telefoonnummers: " + ", ".join(phones)]
    emails = features.get("emails") or []
    if emails:
        lines.append("E-mailadressen: " + ", ".join(emails))
    handles = features.get("handles") or []
    if handles:
        lines.append("Accounts: " + ", ".join(handles))
    names = features.get("names") or []
    if names:
        lines.append("Namen: " + ", ".join(names))
    cities = [c.get("name", "") for c in features.get("cities") or []]
    if cities:
        lines.append("Plaatsen: " + ", ".join(cities))
    if features.get("first_seen"):
        lines.append(
            f"Periode: {formatting.date_in('nl', features.get('first_seen'))} tot en met "
            f"{formatting.date_in('nl', features.get('last_seen'))}"
            + (" (wisselt van stad)" if features.get("city_hopping") else "")
        )
    urls = [ad.url for ad in ads if ad.url]
    if urls:
        lines += ["", "Advertenties:"] + [f"- {url}" for url in urls[:50]]
        if len(urls) > 50:
            lines.append(f"- ... en {len(urls) - 50} meer")
    return "\n".join(lines)


# The engine reports malformed input lines in English (its CLI speaks English); the
# review pages say the same in the interface language. Unknown reasons pass unchanged.
_INGEST_REASONS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"expected a JSON object, got (\w+)"),
        lambda m: _("geen JSON-object maar %(kind)s") % {"kind": m[1]},
    ),
    (
        re.compile(r"missing field\(s\): (.+)"),
        lambda m: _("ontbrekend(e) veld(en): %(fields)s") % {"fields": m[1]},
    ),
    (
        re.compile(r"field 'id' must be a string or an integer"),
        lambda m: _("het veld 'id' moet tekst of een geheel getal zijn"),
    ),
    (re.compile(r"field 'id' is empty"), lambda m: _("het veld 'id' is leeg")),
    (
        re.compile(r"field '(\w+)' must be a string"),
        lambda m: _("het veld '%(field)s' moet tekst zijn") % {"field": m[1]},
    ),
    (
        re.compile(r"field '(\w+)' is longer than (\d+) characters"),
        lambda m: _("het veld '%(field)s' is langer dan %(n)s tekens") % {"field": m[1], "n": m[2]},
    ),
    (
        re.compile(r"not valid UTF-8 \((.*)\)"),
        lambda m: _("geen geldige UTF-8 (%(detail)s)") % {"detail": m[1]},
    ),
    (
        re.compile(r"invalid JSON \((.*)\)"),
        lambda m: _("ongeldige JSON (%(detail)s)") % {"detail": m[1]},
    ),
    (
        re.compile(r"duplicate id (.+)"),
        lambda m: _("dubbele id %(id)s") % {"id": m[1]},
    ),
    (
        re.compile(r"header lacks column\(s\): (.+)"),
        lambda m: _("de kopregel mist kolom(men): %(columns)s") % {"columns": m[1]},
    ),
    (
        re.compile(r"more fields than the header"),
        lambda m: _("meer velden dan de kopregel"),
    ),
)


def ingest_reason(reason: str) -> str:
    """The engine's reason for refusing an input line, in the interface language."""
    for pattern, text in _INGEST_REASONS:
        match = pattern.fullmatch(reason)
        if match:
            return text(match)
    return reason
