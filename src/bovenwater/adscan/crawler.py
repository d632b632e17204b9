"""A polite crawler for advertisement sites a beheerder configured.

Only sites with a recorded purpose, legal basis and authoriser can be crawled. The
crawler identifies itself with its user agent, honours ``robots.txt`` (via
``urllib.robotparser``, including ``Crawl-delay``), waits at least the configured
delay between two requests, stays on the configured host and path prefix, stops at
``max_pages`` and logs every request (allowed or refused) in ``CrawlResult.log``.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bovenwater.adscan.model import Ad

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "BovenwaterWebscan/1.0 (+ketenaanpak mensenhandel; contact: beheer)"


class ConfigurationError(ValueError):
    """The site is not configured for lawful crawling."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    name: str
    base_url: str
    purpose: str
    legal_basis: str
    authoriser: str
    start_paths: tuple[str, ...] = ("/",)
    ad_link_pattern: str = r"/ads?/"
    min_delay_s: float = 2.0
    max_pages: int = 200
    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 10.0

    def validate(self) -> None:
        missing = [
            name
            for name in ("purpose", "legal_basis", "authoriser")
            if not getattr(self, name).strip()
        ]
        if missing:
            raise ConfigurationError(
                f"site {self.name!r} lacks {', '.join(missing)}: crawling is refused"
            )
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(f"site {self.name!r}: base_url must be an http(s) URL")
        if self.min_delay_s < 0 or self.max_pages < 1:
            raise ConfigurationError(f"site {self.name!r}: invalid delay or page limit")


@dataclass(slots=True)
class LogEntry:
    at: str
    url: str
    action: str  # "fetched", "refused_robots", "refused_scope", "error"
    status: int | None = None
    detail: str = ""


@dataclass(slots=True)
class CrawlResult:
    site: str
    purpose: str
    legal_basis: str
    authoriser: str
    ads: list[Ad] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Links, and the parts of an ad page: ``h1`` title, ``itemprop``/class fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.title = ""
        self.fields: dict[str, list[str]] = {"body": [], "city": [], "posted_at": []}
        self._stack: list[str | None] = []
        self._in_h1 = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))
        if tag == "h1":
            self._in_h1 = True
        marker = f"{attributes.get('itemprop') or ''} {attributes.get('class') or ''}"
        target: str | None = None
        if re.search(r"\b(description|ad-body|body)\b", marker):
            target = "body"
        elif re.search(r"\b(addressLocality|city)\b", marker):
            target = "city"
        if tag == "time" and attributes.get("datetime"):
            self.fields["posted_at"].append(str(attributes["datetime"]))
        if tag not in ("br", "img", "meta", "link", "input", "hr"):
            self._stack.append(target)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "h1":
            self._in_h1 = False
        if tag not in ("br", "img", "meta", "link", "input", "hr") and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_h1:
            self.title += data
        for target in reversed(self._stack):
            if target is not None:
                self.fields[target].append(data)
                break


Fetcher = Callable[[str, str, float], tuple[int, str]]


def _urllib_fetch(url: str, user_agent: str, timeout: float) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            charset = response.headers.get_content_charset() or "utf-8"
            return int(response.status), response.read(2_000_000).decode(charset, "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), ""


class Crawler:
    def __init__(
        self,
        site: SiteConfig,
        fetch: Fetcher = _urllib_fetch,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        site.validate()
        self.site = site
        self._fetch = fetch
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._delay = site.min_delay_s
        self._robots = urllib.robotparser.RobotFileParser()
        parts = urlsplit(site.base_url)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._prefix = parts.path.rstrip("/")

    def _wait(self) -> None:
        if self._last is not None:
            remaining = self._delay - (self._clock() - self._last)
            if remaining > 0:
                self._sleep(remaining)
        self._last = self._clock()

    def _get(self, url: str, result: CrawlResult) -> str | None:
        self._wait()
        try:
            status, body = self._fetch(url, self.site.user_agent, self.site.timeout_s)
        except (OSError, ValueError) as exc:
            result.log.append(LogEntry(_now(), url, "error", None, str(exc)))
            logger.warning("webscan crawl error %s: %s", url, exc)
            return None
        result.log.append(LogEntry(_now(), url, "fetched", status))
        logger.info("webscan fetched %s (%s) for %s", url, status, self.site.name)
        return body if 200 <= status < 300 else None

    def _load_robots(self, result: CrawlResult) -> None:
        url = f"{self._origin}/robots.txt"
        self._wait()
        try:
            status, body = self._fetch(url, self.site.user_agent, self.site.timeout_s)
        except (OSError, ValueError) as exc:
            status, body = 0, ""
            result.log.append(LogEntry(_now(), url, "error", None, str(exc)))
        result.log.append(LogEntry(_now(), url, "fetched", status or None))
        # As urllib.robotparser.read(): 401/403 disallow everything, other 4xx allow all.
        if status in (401, 403):
            self._robots.parse(["User-agent: *", "Disallow: /"])
        elif 400 <= status < 500 or status == 0:
            self._robots.parse([])
        else:
            self._robots.parse(body.splitlines())
        delay = self._robots.crawl_delay(self.site.user_agent)
        if delay is not None:
            self._delay = max(self._delay, float(delay))

    def _in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self._origin and parts.path.startswith(
            self._prefix or "/"
        )

    def crawl(self) -> CrawlResult:
        site = self.site
        result = CrawlResult(site.name, site.purpose, site.legal_basis, site.authoriser)
        self._load_robots(result)
        queue = [urljoin(site.base_url + "/", path.lstrip("/")) for path in site.start_paths]
        seen: set[str] = set()
        ad_pattern = re.compile(site.ad_link_pattern)
        pages = 0
        while queue and pages < site.max_pages:
            url = queue.pop(0).split("#")[0]
            if url in seen:
                continue
            seen.add(url)
            if not self._in_scope(url):
                result.log.append(LogEntry(_now(), url, "refused_scope"))
                continue
            if not self._robots.can_fetch(site.user_agent, url):
                result.log.append(LogEntry(_now(), url, "refused_robots"))
                logger.info("webscan robots.txt refuses %s", url)
                continue
            html = self._get(url, result)
            pages += 1
            if html is None:
                continue
            parser = _PageParser()
            parser.feed(html)
            if ad_pattern.search(urlsplit(url).path):
                ad = _ad_from_page(url, parser)
                if ad is not None:
                    result.ads.append(ad)
            for link in parser.links:
                absolute = urljoin(url, link).split("#")[0]
                if absolute not in seen and self._in_scope(absolute):
                    queue.append(absolute)
        return result


def _ad_from_page(url: str, parser: _PageParser) -> Ad | None:
    body = " ".join(" ".join(parser.fields["body"]).split())
    if not body:
        return None
    city = " ".join(" ".join(parser.fields["city"]).split()) or None
    posted = parser.fields["posted_at"][0] if parser.fields["posted_at"] else None
    ad_id = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or url
    return Ad(ad_id, " ".join(parser.title.split()), body, city, posted, url)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
