"""Discovery surfaces: RSS 2.0 / Atom feeds, sitemap indexes and sitemaps (news, monthly, gzipped), robots.txt.

They list exactly the items visible at the end of the server's day, with links in the variants real sites use
(absolute canonical in sitemaps, ``utm_*`` tracking in feeds), so a crawler can be checked against the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape as xesc

from khabar.simweb import clock
from khabar.simweb.sites import SiteProfile
from khabar.simweb.urls import feed_path, sitemap_index_path, sitemap_month_path


@dataclass(frozen=True)
class Entry:
    """One item as a surface shows it."""

    url: str  # canonical
    title: str
    summary: str
    published_at: datetime
    modified_at: datetime
    feed_url: str  # the link the feed uses (canonical + tracking on some sites)


def rss(site: SiteProfile, entries: list[Entry]) -> str:
    items = "".join(
        f"<item><title>{xesc(x.title)}</title><link>{xesc(x.feed_url)}</link>"
        f'<guid isPermaLink="true">{xesc(x.url)}</guid><description>{xesc(x.summary)}</description>'
        f"<pubDate>{clock.rfc822(x.published_at)}</pubDate></item>"
        for x in entries
    )
    last = clock.rfc822(entries[0].published_at) if entries else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{xesc(site.spec.name)}</title><link>{site.origin}/</link>"
        f"<description>آخرین اخبار {xesc(site.spec.name)}</description><language>fa-IR</language>"
        f'<atom:link href="{site.origin}{xesc(feed_path(site))}" rel="self" type="application/rss+xml"/>'
        f"<lastBuildDate>{last}</lastBuildDate>{items}</channel></rss>"
    )


def atom(site: SiteProfile, entries: list[Entry]) -> str:
    items = "".join(
        f'<entry><title>{xesc(x.title)}</title><link rel="alternate" href="{xesc(x.feed_url)}"/>'
        f"<id>{xesc(x.url)}</id><published>{clock.iso(x.published_at)}</published>"
        f"<updated>{clock.iso(x.modified_at)}</updated><summary>{xesc(x.summary)}</summary></entry>"
        for x in entries
    )
    updated = clock.iso(max(x.modified_at for x in entries)) if entries else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fa">'
        f"<title>{xesc(site.spec.name)}</title><id>{site.origin}/</id>"
        f'<link rel="self" href="{site.origin}{feed_path(site)}"/><link rel="alternate" href="{site.origin}/"/>'
        f"<updated>{updated}</updated>{items}</feed>"
    )


def sitemap_index(site: SiteProfile, months: list[tuple[int, int, datetime]], with_news: bool) -> str:
    """``months``: (year, month, lastmod) newest first; news-agency CMSs add a rolling news sitemap."""
    rows = []
    if with_news:
        rows.append(f"<sitemap><loc>{site.origin}/sitemap/news.xml</loc></sitemap>")
    for y, m, lastmod in months:
        rows.append(
            f"<sitemap><loc>{xesc(site.origin + sitemap_month_path(site, y, m))}</loc>"
            f"<lastmod>{clock.iso(lastmod)}</lastmod></sitemap>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(rows)
        + "</sitemapindex>"
    )


def urlset(entries: list[Entry], news_name: str | None = None) -> str:
    """A sitemap; with ``news_name`` each URL carries ``news:publication_date`` (Google News sitemap)."""
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news_name else ""
    rows = []
    for x in entries:
        news = (
            (
                f"<news:news><news:publication><news:name>{xesc(news_name)}</news:name>"
                f"<news:language>fa</news:language></news:publication>"
                f"<news:publication_date>{clock.iso(x.published_at)}</news:publication_date>"
                f"<news:title>{xesc(x.title)}</news:title></news:news>"
            )
            if news_name
            else ""
        )
        rows.append(f"<url><loc>{xesc(x.url)}</loc><lastmod>{clock.iso(x.modified_at)}</lastmod>{news}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>' + "".join(rows) + "</urlset>"
    )


def robots(site: SiteProfile, disallow: tuple[str, ...] = ()) -> str:
    lines = ["User-agent: *", "Disallow: /search", "Disallow: /admin/", "Disallow: /comment"]
    lines += [f"Disallow: {p}" for p in disallow]
    lines += [
        "",
        "User-agent: BadBot",
        "Disallow: /",
        "",
        f"Sitemap: {site.origin}{sitemap_index_path(site)}",
        "",
    ]
    return "\n".join(lines)


def month_span(start: date, today: date) -> list[tuple[int, int]]:
    """Gregorian (year, month) pairs from ``start`` to ``today``, newest first."""
    out = []
    y, m = today.year, today.month
    while (y, m) >= (start.year, start.month):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out
