"""`khabar sources check`: fetch each discovery surface of each source once and say what it yields."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from khabar.crawl.http import Fetcher
from khabar.crawl.parse import parse_feed, parse_html_links, parse_sitemap, robots_sitemaps
from khabar.crawl.settings import CrawlSettings
from khabar.crawl.sources import Source


@dataclass
class SurfaceCheck:
    source_id: str
    kind: str
    url: str
    status: int | None
    links: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)


async def check_sources(sources: list[Source], settings: CrawlSettings | None = None,
                        transport: httpx.AsyncBaseTransport | None = None) -> list[SurfaceCheck]:  # fmt: skip
    settings = settings or CrawlSettings()
    out: list[SurfaceCheck] = []
    async with Fetcher(settings, transport) as f:

        async def one(src: Source) -> list[SurfaceCheck]:
            rows: list[SurfaceCheck] = []
            root = f"{urlsplit(src.url).scheme}://{urlsplit(src.url).netloc}"
            robots = await f.get(root + "/robots.txt", source_id=src.id, allows=src.allows, check_robots=False)
            sitemaps = list(src.sitemaps)
            if robots.ok:
                sitemaps = sitemaps or robots_sitemaps(robots.body.decode("utf-8", "replace"))
            rows.append(SurfaceCheck(src.id, "robots", robots.url, robots.status, len(sitemaps), robots.error))
            home = await f.get(src.url, source_id=src.id, allows=src.allows)
            feeds, archive, n = list(src.feeds), src.archive_start, 0
            if home.ok:
                links = parse_html_links(home.body.decode(home.encoding or "utf-8", "replace"), home.final_url)
                feeds = feeds or links.feeds
                archive = archive or links.archive
                n = len(links.items)
            rows.append(SurfaceCheck(src.id, "home", src.url, home.status, n, home.error))
            for feed in feeds[:3]:
                r = await f.get(feed, source_id=src.id, allows=src.allows)
                rows.append(SurfaceCheck(src.id, "feed", feed, r.status, len(parse_feed(r.body, feed)) if r.ok else 0,
                                         r.error))  # fmt: skip
            for sm in (sitemaps or [root + "/sitemap.xml"])[:3]:
                r = await f.get(sm, source_id=src.id, allows=src.allows)
                links_n, err = 0, r.error
                if r.ok:
                    try:
                        doc = parse_sitemap(r.body, sm)
                        links_n = len(doc.children) + len(doc.urls)
                    except ValueError as exc:
                        err = str(exc)
                rows.append(SurfaceCheck(src.id, "sitemap", sm, r.status, links_n, err))
            if archive:
                r = await f.get(archive, source_id=src.id, allows=src.allows)
                items = len(parse_html_links(r.body.decode(r.encoding or "utf-8", "replace"), archive).items) if r.ok else 0
                rows.append(SurfaceCheck(src.id, "listing", archive, r.status, items, r.error))
            else:
                rows.append(SurfaceCheck(src.id, "listing", "", None, 0, "no archive listing found"))
            return rows

        for rows in await asyncio.gather(*(one(s) for s in sources)):
            out.extend(rows)
    return out
