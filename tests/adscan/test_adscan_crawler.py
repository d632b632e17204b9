from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bovenwater.adscan.crawler import ConfigurationError, Crawler, SiteConfig, _urllib_fetch

SITE = Path(__file__).parent / "fixtures" / "site"


class _Handler(SimpleHTTPRequestHandler):
    requests: list[tuple[str, float, str]] = []

    def do_GET(self) -> None:
        _Handler.requests.append((self.path, time.monotonic(), self.headers.get("User-Agent", "")))
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(SITE)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def site(base_url: str, **overrides: object) -> SiteConfig:
    values: dict[str, object] = {
        "name": "fixture",
        "base_url": base_url,
        "purpose": "Signalering mensenhandel (test)",
        "legal_basis": "Test fixture, no personal data",
        "authoriser": "beheerder test",
        "start_paths": ("/index.html",),
        "min_delay_s": 0.15,
        "user_agent": "BovenwaterWebscan-test/1.0",
    }
    values.update(overrides)
    return SiteConfig(**values)  # type: ignore[arg-type]


def test_crawler_honours_robots_rate_limit_and_scope(server: str) -> None:
    # The delay is checked on the crawler's own clock (a fake one that moves only when
    # the crawler sleeps, plus 10 ms per request), not on the server's arrival times,
    # which a busy machine can bring closer together than the crawler spaced them.
    now = [0.0]
    sent: list[float] = []

    def fetch(url: str, agent: str, timeout: float) -> tuple[int, str]:
        sent.append(now[0])
        answer = _urllib_fetch(url, agent, timeout)
        now[0] += 0.01
        return answer

    def sleep(seconds: float) -> None:
        now[0] += seconds

    result = Crawler(site(server), fetch, lambda: now[0], sleep).crawl()
    paths = [path for path, _, _ in _Handler.requests]
    assert paths == ["/robots.txt", "/index.html", "/ads/101.html", "/ads/102.html"]
    assert "/private/ads/103.html" not in paths
    assert len(sent) == len(paths)
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= 0.15 - 1e-9
    assert {agent for _, _, agent in _Handler.requests} == {"BovenwaterWebscan-test/1.0"}
    actions = {(entry.url.replace(server, ""), entry.action) for entry in result.log}
    assert ("/private/ads/103.html", "refused_robots") in actions
    assert ("http://other.invalid/ads/999.html", "refused_scope") not in actions  # never queued
    assert [ad.id for ad in result.ads] == ["101.html", "102.html"]
    anna = result.ads[0]
    assert anna.title == "Nieuw meisje Anna"
    assert anna.body == "Zij is jong en lief, dag en nacht bereikbaar. Bel 06-12345678."
    assert anna.city == "Utrecht"
    assert anna.posted_at == "2025-03-01T10:00"
    assert "alert" not in anna.body
    assert result.ads[1].city == "Zwolle"
    assert result.purpose
    assert result.legal_basis
    assert result.authoriser


def test_crawler_stops_at_max_pages(server: str) -> None:
    result = Crawler(site(server, max_pages=2, min_delay_s=0.0)).crawl()
    assert [path for path, _, _ in _Handler.requests] == [
        "/robots.txt",
        "/index.html",
        "/ads/101.html",
    ]
    assert len(result.ads) == 1


def test_crawl_delay_from_robots_is_honoured() -> None:
    now = [0.0]
    slept: list[float] = []

    def clock() -> float:
        return now[0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pages = {
        "http://fixture.test/robots.txt": "User-agent: *\nCrawl-delay: 5\n",
        "http://fixture.test/": '<a href="/ads/1">1</a>',
        "http://fixture.test/ads/1": '<h1>t</h1><div class="ad-body">b</div>',
    }

    def fetch(url: str, agent: str, timeout: float) -> tuple[int, str]:
        return (200, pages[url]) if url in pages else (404, "")

    config = site("http://fixture.test", min_delay_s=1.0, start_paths=("/",))
    result = Crawler(config, fetch, clock, sleep).crawl()
    assert slept == [5.0, 5.0]
    assert len(result.ads) == 1


def test_everything_disallowed_fetches_nothing_but_robots() -> None:
    fetched: list[str] = []

    def fetch(url: str, agent: str, timeout: float) -> tuple[int, str]:
        fetched.append(url)
        return 200, "User-agent: *\nDisallow: /\n"

    result = Crawler(site("http://fixture.test", min_delay_s=0.0), fetch).crawl()
    assert fetched == ["http://fixture.test/robots.txt"]
    assert result.log[-1].action == "refused_robots"


@pytest.mark.parametrize("missing", ["purpose", "legal_basis", "authoriser"])
def test_site_without_purpose_or_legal_basis_is_refused(missing: str) -> None:
    with pytest.raises(ConfigurationError, match=missing):
        Crawler(site("http://fixture.test", **{missing: " "}))
