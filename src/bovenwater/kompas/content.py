"""The handbook: Markdown chapters with YAML front matter, loaded and validated once.

A chapter file in ``content/chapters/`` starts with front matter (slug, title, summary,
order, part, sources) and ends with a ``## Bronnen`` heading; the loader fills that
section from ``sources``. Loading fails loudly (``ContentError``) on a chapter without a
summary, without sources or with an unknown part, so a broken chapter never ships.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown
import yaml
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONTENT_DIR = Path(__file__).resolve().parent / "content"
CHAPTER_DIR = CONTENT_DIR / "chapters"

PARTS: dict[str, Promise] = {
    "wat": _("Wat"),
    "hoe": _("Hoe"),
    "met-wie": _("Met wie"),
}
PART_DESCRIPTIONS: dict[str, Promise] = {
    "wat": _("Wat is mensenhandel, welke vormen zijn er en wat zeggen de cijfers?"),
    "hoe": _("Hoe herkent u signalen, hoe meldt u en hoe zijn zorg en opvang geregeld?"),
    "met-wie": _("Met wie werkt u samen, en hoe toetst u de aanpak van uw gemeente?"),
}
SOURCES_HEADING = "Bronnen"
REQUIRED_KEYS = ("slug", "title", "summary", "order", "part", "sources")
FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
H2 = re.compile(r"^## +(?P<title>.+?) *$", re.MULTILINE)
TAG = re.compile(r"<[^>]+>")
WORDS = re.compile(r"\w+(?:[-'’]\w+)*")
BLOCK_SPLIT = re.compile(r"\n[ \t]*\n")


class ContentError(ValueError):
    """A handbook file that cannot be published as it is."""


@dataclass(frozen=True)
class Source:
    label: str
    url: str


@dataclass(frozen=True)
class Paragraph:
    """One block of a section (a paragraph, list or table) with a fingerprint of its text,
    so a note on it can be found again after the chapter is edited."""

    key: str
    html: str
    text: str


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    markdown: str
    html: str
    text: str
    paragraphs: tuple[Paragraph, ...] = ()

    def paragraph(self, key: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.key == key), None)


@dataclass(frozen=True)
class Chapter:
    slug: str
    title: str
    summary: str
    order: int
    part: str
    sources: tuple[Source, ...]
    sections: tuple[Section, ...]
    intro_html: str
    summary_en: str = ""
    links: tuple[str, ...] = ()
    title_en: str = ""

    @property
    def display_title(self) -> str:
        """The title in the interface language: the English title in the English UI."""
        if self.title_en and not (get_language() or "nl").startswith("nl"):
            return self.title_en
        return self.title

    @property
    def display_lang(self) -> str:
        """The language of ``display_title``, for its ``lang`` attribute."""
        return "nl" if self.display_title == self.title else "en"

    @property
    def part_label(self) -> Promise:
        return PARTS[self.part]

    def section(self, anchor: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == anchor), None)

    @property
    def text(self) -> str:
        return "\n".join(
            [self.title, self.summary, *(s.title + "\n" + s.text for s in self.sections)]
        )

    @property
    def words(self) -> int:
        """Words of the chapter's own text (sections, not the sources list)."""
        return sum(len(WORDS.findall(s.text)) + len(WORDS.findall(s.title)) for s in self.sections)


def _source(raw: str) -> Source:
    label, _sep, url = raw.rpartition(" — ")
    if label and url.startswith(("https://", "http://")):
        return Source(label=label.strip(), url=url.strip())
    return Source(label=raw.strip(), url="")


def render_markdown(text: str) -> str:
    """Markdown to HTML for the handbook: tables get a class and column headers a scope."""
    rendered = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    rendered = rendered.replace("<table>", '<table class="utrecht-table bw-table">')
    rendered = rendered.replace("<th>", '<th scope="col">')
    rendered = rendered.replace("<p>", '<p class="utrecht-paragraph">')
    rendered = rendered.replace("<ul>", '<ul class="utrecht-unordered-list">')
    rendered = rendered.replace("<ol>", '<ol class="utrecht-ordered-list">')
    return rendered


def plain_text(rendered_html: str) -> str:
    return html.unescape(TAG.sub(" ", rendered_html)).replace("\xa0", " ").strip()


def fingerprint(text: str) -> str:
    """A short, stable key of a paragraph's text (spacing and case do not matter)."""
    normal = " ".join(text.lower().split())
    return hashlib.sha256(normal.encode()).hexdigest()[:12]


def _paragraphs(markdown_text: str) -> tuple[Paragraph, ...]:
    blocks = [b.strip() for b in BLOCK_SPLIT.split(markdown_text) if b.strip()]
    result: list[Paragraph] = []
    seen: set[str] = set()
    for block in blocks:
        rendered = render_markdown(block)
        text = plain_text(rendered)
        key = fingerprint(text)
        while key in seen:  # the same text twice in a section: keep both addressable
            key = fingerprint(key + text)
        seen.add(key)
        result.append(Paragraph(key=key, html=rendered, text=text))
    return tuple(result)


def _sections(body: str, path: Path) -> tuple[str, tuple[Section, ...]]:
    matches = list(H2.finditer(body))
    if not matches:
        raise ContentError(f"{path.name}: no sections (## headings)")
    intro = body[: matches[0].start()].strip()
    sections: list[Section] = []
    seen: set[str] = set()
    for index, match in enumerate(matches):
        title = match.group("title").strip()
        if title == SOURCES_HEADING:
            continue
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        text = body[match.end() : end].strip()
        if not text:
            raise ContentError(f"{path.name}: section {title!r} is empty")
        anchor = slugify(title) or f"paragraaf-{index + 1}"
        if anchor in seen:
            raise ContentError(f"{path.name}: duplicate section {title!r}")
        seen.add(anchor)
        paragraphs = _paragraphs(text)
        rendered = "\n".join(p.html for p in paragraphs)
        sections.append(
            Section(
                anchor=anchor,
                title=title,
                markdown=text,
                html=rendered,
                text=plain_text(rendered),
                paragraphs=paragraphs,
            )
        )
    if not any(m.group("title").strip() == SOURCES_HEADING for m in matches):
        raise ContentError(f"{path.name}: no '## {SOURCES_HEADING}' section")
    return intro, tuple(sections)


def parse_chapter(raw: str, path: Path) -> Chapter:
    match = FRONT_MATTER.match(raw)
    if match is None:
        raise ContentError(f"{path.name}: no front matter")
    meta = yaml.safe_load(match.group("meta")) or {}
    if not isinstance(meta, dict):
        raise ContentError(f"{path.name}: front matter is not a mapping")
    for key in REQUIRED_KEYS:
        value = meta.get(key)
        if value is None or (isinstance(value, str | list) and not value):
            raise ContentError(f"{path.name}: missing {key!r}")
    if meta["part"] not in PARTS:
        raise ContentError(f"{path.name}: unknown part {meta['part']!r}")
    sources = meta["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, str) and s for s in sources):
        raise ContentError(f"{path.name}: sources must be a list of texts")
    intro, sections = _sections(match.group("body"), path)
    return Chapter(
        slug=str(meta["slug"]),
        title=str(meta["title"]),
        summary=str(meta["summary"]).strip(),
        order=int(meta["order"]),
        part=str(meta["part"]),
        sources=tuple(_source(s) for s in sources),
        sections=sections,
        intro_html=render_markdown(intro) if intro else "",
        summary_en=str(meta.get("summary_en", "")).strip(),
        title_en=str(meta.get("title_en", "")).strip(),
        links=tuple(str(link) for link in meta.get("links", []) or []),
    )


def load_chapters(directory: Path = CHAPTER_DIR) -> tuple[Chapter, ...]:
    chapters = [parse_chapter(p.read_text(encoding="utf-8"), p) for p in directory.glob("*.md")]
    slugs = [c.slug for c in chapters]
    duplicates = {s for s in slugs if slugs.count(s) > 1}
    if duplicates:
        raise ContentError(f"duplicate chapter slugs: {sorted(duplicates)}")
    return tuple(sorted(chapters, key=lambda c: (c.order, c.slug)))


@cache
def chapters() -> tuple[Chapter, ...]:
    return load_chapters()


def chapter(slug: str) -> Chapter | None:
    return next((c for c in chapters() if c.slug == slug), None)
