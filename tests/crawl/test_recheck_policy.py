"""Daily re-checks of recent pages: skipped when a source's sitemaps carry <lastmod> (edits show there); for sources
that announce nothing, each recent page once, a day after it was first fetched (never on every run); edits announced
in a sitemap are fetched again in any case. The machine's clock is a FakeClock: no test waits a day."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from khabar.crawl import Crawler, CrawlSettings, Incremental, load_sources
from khabar.crawl.clock import FakeClock
from khabar.warehouse.crawl_state import load_state, save_batch_state
from khabar.warehouse.db import open_db, transaction
from khabar.warehouse.raw import write_fetch_log, write_pages

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
PUBLISHED = NOW - timedelta(days=1)


class Site:
    """One small agency site: a home page, an RSS feed, optionally a sitemap with <lastmod>, two articles."""

    def __init__(self, with_sitemap: bool) -> None:
        self.with_sitemap = with_sitemap
        self.modified = {"/news/1": PUBLISHED, "/news/2": PUBLISHED}
        self.log: list[tuple[str, int]] = []

    def edit(self, path: str, when: datetime) -> None:
        self.modified[path] = when

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        response = self._respond(request, path)
        self.log.append((path, response.status_code))
        return response

    def _respond(self, request: httpx.Request, path: str) -> httpx.Response:
        if path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nAllow: /\n")
        if path == "/":
            return httpx.Response(
                200,
                html='<html><head><link rel="alternate" type="application/rss+xml" '
                'href="/rss"></head><body></body></html>',
            )
        if path == "/rss":
            items = "".join(
                f"<item><title>خبر {p[-1]}</title><link>http://site.test{p}</link>"
                f"<pubDate>{format_datetime(PUBLISHED)}</pubDate></item>"
                for p in self.modified
            )
            return self._conditional(request, f"<rss><channel>{items}</channel></rss>", PUBLISHED, "xml")
        if path == "/sitemap.xml" and self.with_sitemap:
            urls = "".join(
                f"<url><loc>http://site.test{p}</loc><lastmod>{m.isoformat()}</lastmod></url>"
                for p, m in self.modified.items()
            )
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return self._conditional(request, body, max(self.modified.values()), "xml")
        if path in self.modified:
            body = f"<html><head><title>خبر {path}</title></head><body><p>متن خبر {self.modified[path]}</p></body></html>"
            return self._conditional(request, body, self.modified[path], "html")
        return httpx.Response(404)

    @staticmethod
    def _conditional(request: httpx.Request, body: str, modified: datetime, kind: str) -> httpx.Response:
        stamp = format_datetime(modified, usegmt=True)
        if request.headers.get("if-modified-since") == stamp:
            return httpx.Response(304)
        ctype = "application/xml" if kind == "xml" else "text/html; charset=utf-8"
        return httpx.Response(200, text=body, headers={"Last-Modified": stamp, "Content-Type": ctype})


@pytest.fixture
def sources(tmp_path: Path):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - id: site\n    url: http://site.test/\n    agency: test\n", encoding="utf-8"
    )
    return load_sources(path)


def daily(con, sources, site: Site, now: datetime, policy: str, clock: FakeClock | None = None) -> None:
    def sink(batch):
        with transaction(con):
            write_pages(con, batch.pages)
            write_fetch_log(con, batch.fetch_log)
            save_batch_state(con, batch)

    clock = clock or FakeClock(now)
    state = load_state(con, ["site"], now=now, wall_now=clock.now())
    crawler = Crawler(
        sources,
        CrawlSettings.fast(recheck_policy=policy),
        transport=httpx.MockTransport(site.handler),
        state=state,
        run_id="t",
        now=now,
        clock=clock,
    )
    asyncio.run(crawler.run(Incremental(), sink))


def article_requests(site: Site) -> list[tuple[str, int]]:
    return [(p, s) for p, s in site.log if p.startswith("/news/")]


@pytest.mark.parametrize(
    ("with_sitemap", "policy", "rechecks"),
    [
        # lastmod in the sitemap: nothing to re-check blindly, ever
        (True, "auto", [0, 0, 0]),
        # a feed only: nothing the same day, each recent page once a day after its first fetch, then never again
        (False, "auto", [0, 2, 0]),
        (True, "always", [2, 2, 2]),
        (False, "always", [2, 2, 2]),
        (False, "never", [0, 0, 0]),
    ],
)
def test_nothing_new_rechecks_follow_the_policy(tmp_path, sources, with_sitemap, policy, rechecks):
    site = Site(with_sitemap)
    con = open_db(tmp_path / "r.duckdb")
    clock = FakeClock(NOW)
    daily(con, sources, site, NOW, policy, clock)
    assert sorted(article_requests(site)) == [("/news/1", 200), ("/news/2", 200)]
    got = []
    for hours in (6, 15, 24):  # runs at +6 h, +21 h, +45 h (the window: published a day before the first run)
        site.log.clear()
        clock.advance(hours * 3600)
        daily(con, sources, site, NOW + timedelta(seconds=clock.monotonic()), policy, clock)
        requests = sorted(article_requests(site))
        assert set(requests) <= {("/news/1", 304), ("/news/2", 304)}, requests
        got.append(len(requests))
    assert got == rechecks


@pytest.mark.parametrize("policy", ["auto", "never"])
def test_an_edit_announced_in_the_sitemap_is_fetched_again(tmp_path, sources, policy):
    site = Site(with_sitemap=True)
    con = open_db(tmp_path / "e.duckdb")
    daily(con, sources, site, NOW, policy)
    site.edit("/news/2", NOW + timedelta(days=4))  # past the re-check window of its publication
    site.log.clear()
    daily(con, sources, site, NOW + timedelta(days=4, hours=2), policy)
    assert article_requests(site) == [("/news/2", 200)]
