"""The first-contact crawler: what a newcomer must never see on a page.

``page_defects`` reads one HTML page and returns the defects a user would stumble on:
internal codes (``UPPER_SNAKE`` words, ``snake_case`` identifiers, ``app.model`` labels),
ISO dates and timestamps, words of the other interface language, and numbers written in
the other language's convention. ``crawl`` follows the links of the navigation as a
user would (GET only, same site, bounded) and checks every page it reaches.

Text inside an element that declares another language (``lang="en"`` on a Dutch page)
or that is marked ``translate="no"`` (names, user-written text, quoted sources) is data,
not interface: it is left out of the language and number checks, never out of the code
and ISO-date checks.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client

APP_LABELS = (
    "accounts",
    "audit",
    "reference",
    "intake",
    "cases",
    "registry",
    "monitor",
    "estimation",
    "kompas",
    "webscan",
    "linkage",
    "chat",
    "notifications",
    "core",
)

UPPER_SNAKE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b")
UPPER_KEBAB = re.compile(r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+){2,}\b")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
APP_LABEL = re.compile(r"\b(?:" + "|".join(APP_LABELS) + r")\.[a-z_]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b")

# Words of the interface that betray an untranslated text.
ENGLISH_ON_DUTCH = frozenset(
    [
        "the",
        "and",
        "with",
        "from",
        "your",
        "this",
        "that",
        "which",
        "should",
        "please",
        "none",
        "true",
        "false",
        "yes",
        "save",
        "submit",
        "search",
        "delete",
        "cancel",
        "back",
        "next",
        "previous",
        "case",
        "cases",
        "scenario",
        "scenarios",
        "name",
        "add",
    ]
)
DUTCH_ON_ENGLISH = frozenset(
    [
        "opslaan",
        "zoeken",
        "annuleren",
        "versturen",
        "bewaren",
        "uitloggen",
        "inloggen",
        "filteren",
        "wissel",
        "casussen",
        "signalen",
        "verwijzingen",
        "toestemming",
        "geen",
        "niet",
        "wordt",
        "alleen",
        "bijvoorbeeld",
        "terug",
        "volgende",
        "vorige",
        "bekijken",
        "wijzigen",
        "toevoegen",
        "verwijderen",
    ]
)
WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:-[A-Za-zÀ-ÿ]+)*")  # "break-the-glass" is one term

# Numbers in the other convention: 1,000 or 0.93 on a Dutch page; 1.064 or 0,93 on an
# English page; an ungrouped number of five or more digits on either.
NUMBER_EN_ON_NL = (
    re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])"),
    re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])"),
)
NUMBER_NL_ON_EN = (
    re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.])"),
    re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d,])"),
)
VERSION_OF = re.compile(r"\b[A-Z]{2,}\)?\s$")
# Dutch clock times are written with a dot: 9.00–17.00, om 03.15 uur.
CLOCK_TIME = re.compile(r"^\d{1,2}\.\d{2}$")
UNGROUPED = re.compile(r"(?<![\w.,\-/:+])\d{5,}(?![\w.,\-/:])")

SKIPPED_TAGS = {"script", "style", "template", "noscript"}
# File formats and keyboard keys are written as they must be typed: left out entirely.
LITERAL_TAGS = {"code", "kbd", "samp"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
ATTRIBUTES_READ = ("title", "aria-label", "placeholder", "alt")


class _PageText(HTMLParser):
    """Visible text of a page, split into interface text and data text."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool, bool]] = []  # tag, skipped, data
        self.interface: list[str] = []
        self.data: list[str] = []
        self.links: list[str] = []

    def _flags(self) -> tuple[bool, bool]:
        if not self.stack:
            return False, False
        return self.stack[-1][1], self.stack[-1][2]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        skipped, data = self._flags()
        if tag in SKIPPED_TAGS or tag in LITERAL_TAGS:
            skipped = True
        lang = values.get("lang", "")
        if (lang and not lang.startswith(self.language)) or values.get("translate") == "no":
            data = True
        elif values.get("translate") == "yes" or lang.startswith(self.language):
            data = False  # interface text again inside a data region (a role's label)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if not skipped:
            for name in ATTRIBUTES_READ:
                if values.get(name):
                    (self.data if data else self.interface).append(values[name])
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped, data))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, text: str) -> None:
        skipped, data = self._flags()
        if skipped or not text.strip():
            return
        (self.data if data else self.interface).append(text)


@dataclass
class Defect:
    url: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.url}: {self.kind}: {self.text!r}"


def _context(text: str, match: re.Match[str]) -> str:
    start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
    return " ".join(text[start:end].split())


def _clock_time(text: str, match: re.Match[str]) -> bool:
    """A Dutch clock time (9.00–17.00, om 03.15 uur), not a decimal in English form."""
    if not CLOCK_TIME.match(match.group()):
        return False
    after = text[match.end() : match.end() + 4]
    before = text[max(0, match.start() - 1) : match.start()]
    return after.startswith(("–", "-", " uur")) or before in ("–", "-")


def text_defects(interface: str, data: str, language: str, url: str = "") -> list[Defect]:
    """The defects in a page's interface text (and the code/date checks on its data)."""
    defects: list[Defect] = []
    everything = interface + "\n" + data
    for kind, pattern in (
        ("code (UPPER_SNAKE)", UPPER_SNAKE),
        ("code (UPPER-KEBAB)", UPPER_KEBAB),
        ("code (snake_case)", SNAKE_CASE),
        ("code (app.model)", APP_LABEL),
        ("ISO date", ISO_DATE),
    ):
        defects.extend(
            Defect(url, kind, _context(everything, m)) for m in pattern.finditer(everything)
        )
    stop = ENGLISH_ON_DUTCH if language == "nl" else DUTCH_ON_ENGLISH
    for match in WORD.finditer(interface):
        if match.group().lower() in stop:
            defects.append(
                Defect(
                    url, f"word of the other language ({match.group()})", _context(interface, match)
                )
            )
    for pattern in NUMBER_EN_ON_NL if language == "nl" else NUMBER_NL_ON_EN:
        defects.extend(
            Defect(url, "number in the other language's format", _context(interface, m))
            for m in pattern.finditer(interface)
            if not VERSION_OF.search(interface, 0, m.start())  # "WCAG 2.1" is a name
            and not (language == "nl" and _clock_time(interface, m))
        )
    defects.extend(
        Defect(url, "number without digit grouping", _context(interface, m))
        for m in UNGROUPED.finditer(interface)
    )
    return defects


def page_defects(html: str, language: str, url: str = "") -> tuple[list[Defect], list[str]]:
    """Defects of one HTML page, and the links on it."""
    parser = _PageText(language)
    parser.feed(html)
    parser.close()
    interface = "\n".join(parser.interface)
    data = "\n".join(parser.data)
    return text_defects(interface, data, language, url), parser.links


NOT_FOLLOWED = (
    "/account/uitloggen",
    "/i18n/",
    "/static/",
    "/media/",
    "/api/",
    "/beheer/",  # Django's admin has its own crawl (tests/core/test_admin_pages.py)
)


@dataclass
class CrawlResult:
    pages: dict[str, int] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)


def _shape(path: str, query: str) -> str:
    """Pages of one kind: the path with its numbers blanked, and the query's keys."""
    keys = sorted(part.split("=", 1)[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", path) + "?" + "&".join(keys)


def crawl(
    client: Client,
    language: str,
    start: str = "/",
    limit: int = 90,
    per_kind: int = 2,
    kinds: dict[str, int] | None = None,
) -> CrawlResult:
    """Follow the links a user can click from ``start``, breadth first, GET only.

    At most ``per_kind`` pages of one kind (``/casussen/12/`` and ``/casussen/13/`` are
    one kind) and ``limit`` pages in all, so every kind of page is reached. Pass the same
    ``kinds`` to crawls of several users to visit a kind only ``per_kind`` times in all
    (the start page is always visited).
    """
    result = CrawlResult()
    queue: deque[str] = deque([start])
    seen: set[str] = {start}
    kinds = {} if kinds is None else kinds
    while queue and len(result.pages) < limit:
        url = queue.popleft()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        result.pages[url] = response.status_code
        if response.status_code >= 500:
            result.defects.append(Defect(url, "server error", str(response.status_code)))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        defects, links = page_defects(response.content.decode(), language, url)
        result.defects.extend(defects)
        for link in links:
            target, _fragment = urldefrag(link)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if any(parts.path.startswith(prefix) for prefix in NOT_FOLLOWED):
                continue
            if parts.query and parts.query.count("&") > 1:
                continue  # filter combinations: the page itself is already visited
            kind = _shape(parts.path, parts.query)
            if target not in seen and kinds.get(kind, 0) < per_kind:
                seen.add(target)
                kinds[kind] = kinds.get(kind, 0) + 1
                queue.append(target)
    return result
