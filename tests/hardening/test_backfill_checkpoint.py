"""Issue 8 ("nothing lost"): a backfill checkpoint (`crawl_backfills`) makes every later backfill of the same range
skip the source, so it must only be written when the source was really crawled. A source whose discovery surfaces
(home, sitemaps, listings) or whose host were unreachable during the run must not be marked complete."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx

from khabar.crawl import Backfill, Crawler, CrawlSettings
from khabar.crawl.sources import parse_sources

MODE = Backfill(date(2024, 3, 16), date(2024, 3, 19))
SETTINGS = CrawlSettings.fast(max_attempts=2, total_timeout=2.0)
SITEMAP = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://{host}/news/1</loc><lastmod>2024-03-17T10:00:00+03:30</lastmod></url></urlset>"""
PAGE = "<html><head><meta charset='utf-8'><title>خبر</title></head><body><article><p>متن خبر</p></article></body></html>"


def backfill(handler) -> tuple[list[tuple[str, date, date]], list[str], object]:
    sources = parse_sources("sources:\n- id: s\n  url: http://s.test/\n")
    done: list[tuple[str, date, date]] = []
    pages: list[str] = []

    def sink(batch):
        done.extend(batch.backfills)
        pages.extend(p.url for p in batch.pages)

    crawler = Crawler(sources, SETTINGS, transport=httpx.MockTransport(handler), run_id="t")
    report = asyncio.run(crawler.run(MODE, sink))
    return done, pages, report


def site(fail: set[str]):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host != "s.test":
            raise httpx.ConnectError("name resolution failed", request=request)
        path = request.url.path
        if path in fail:
            return httpx.Response(503, text="down")
        if path == "/robots.txt":
            return httpx.Response(404)
        if path == "/":
            return httpx.Response(200, html="<html><body><a href='/news/1'>خبر</a></body></html>")
        if path == "/sitemap.xml":
            return httpx.Response(
                200, text=SITEMAP.format(host="s.test"), headers={"content-type": "application/xml"}
            )
        if path == "/news/1":
            return httpx.Response(200, html=PAGE)
        return httpx.Response(404)

    return handler


def test_healthy_source_is_checkpointed():
    done, pages, _ = backfill(site(set()))
    assert pages == ["http://s.test/news/1"]
    assert done == [("s", MODE.start, MODE.end)]


def test_failed_page_is_not_checkpointed():
    done, pages, _ = backfill(site({"/news/1"}))
    assert pages == [] and done == []


def test_source_with_failed_surfaces_is_not_checkpointed():
    """Home and sitemap answer 503 all run: the failures are known, so the range is not marked complete."""
    done, pages, report = backfill(site({"/", "/sitemap.xml"}))
    assert pages == []
    assert report.sources["s"].errors  # the failures are known …
    assert done == []  # … so the range must not be marked complete


def test_unreachable_source_is_not_checkpointed():
    """DNS failure: robots.txt unreachable → disallow-all for the run; that must not read as "nothing to fetch"."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("name resolution failed", request=request)

    done, pages, _ = backfill(handler)
    assert pages == []
    assert done == []
