from __future__ import annotations

import gzip
import time

from khabar.crawl.parse import parse_feed, parse_html_links, parse_sitemap, url_shape
from khabar.simweb.hostile import FEED_XXE

RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>\xd8\xae\xd8\xa8\xd8\xb1</title><link>/fa/news/1/a?utm_source=rss</link><pubDate>Wed, 02 Aug 2023 10:00:00 +0330</pubDate></item>
<item><title>b</title><guid isPermaLink="true">https://x.ir/fa/news/2</guid></item></channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title>
<link rel="alternate" href="https://x.ir/fa/news/3"/><published>2023-08-03T14:35:00+03:30</published>
<updated>2023-08-04T09:00:00+03:30</updated></entry></feed>"""


def test_rss_and_atom():
    rss = parse_feed(RSS, "https://x.ir/")
    assert [e.url for e in rss] == ["https://x.ir/fa/news/1/a?utm_source=rss", "https://x.ir/fa/news/2"]
    assert rss[0].published.isoformat() == "2023-08-02T10:00:00+03:30"
    (atom,) = parse_feed(ATOM, "https://x.ir/")
    assert atom.published.isoformat() == "2023-08-03T14:35:00+03:30" and atom.modified.day == 4


def test_malformed_feed_still_yields_links():
    broken = RSS.replace(b"</channel></rss>", b"<item><link>https://x.ir/fa/news/9</link>")
    assert "https://x.ir/fa/news/9" in [e.url for e in parse_feed(broken, "https://x.ir/")]


def test_entity_expansion_and_external_entities_are_not_expanded():
    items = "<item><title>x</title><link>http://hostile.test/news/ok-1</link></item>"
    t0 = time.perf_counter()
    entries = parse_feed(FEED_XXE.format(items=items).encode(), "http://hostile.test/")
    assert time.perf_counter() - t0 < 2.0  # a billion laughs would take minutes and gigabytes
    assert "http://hostile.test/news/ok-1" in [e.url for e in entries]
    assert all("root:" not in (e.title or "") for e in entries)


def test_sitemap_index_gzip_and_news():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.ir/s1.xml.gz</loc>
    <lastmod>2024-03-01T00:00:00Z</lastmod></sitemap></sitemapindex>"""
    doc = parse_sitemap(index, "https://x.ir/")
    assert [c.url for c in doc.children] == ["https://x.ir/s1.xml.gz"] and doc.urls == []
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.ir/fa/news/5</loc>
    <lastmod>2024-03-02T10:00:00+03:30</lastmod><news:news><news:publication_date>2024-03-01T09:00:00+03:30</news:publication_date>
    </news:news></url></urlset>"""
    (u,) = parse_sitemap(gzip.compress(urlset), "https://x.ir/").urls
    assert u.published.day == 1 and u.modified.day == 2


def test_html_links_feeds_archive_next_and_items():
    html = """<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head><body>
    <a href="/fa/page/1">خانه</a><a href="/fa/archive?page=1">آرشیو اخبار</a>
    <div class="row"><a href="/fa/news/12/slug">نشست شورای هماهنگی بهزیستی استان کرمان برگزار شد</a>
    <span>۱۲ مرداد ۱۴۰۲</span></div><a href="?page=2">بعدی</a></body></html>"""
    links = parse_html_links(
        html, "https://x.ir/fa/archive?page=1", find_date=lambda t: "d" if "۱۴۰۲" in t else None
    )
    assert links.feeds == ["https://x.ir/rss"]
    assert links.archive == "https://x.ir/fa/archive?page=1"
    assert links.next_page == "https://x.ir/fa/archive?page=2"
    assert [(e.url, e.published) for e in links.items] == [("https://x.ir/fa/news/12/slug", "d")]


def test_url_shape():
    assert url_shape("https://x.ir/fa/news/123/slug") == url_shape("http://www.x.ir/fa/news/9?utm_source=a")
    assert url_shape("http://x.ir/Default.aspx?tabid=3&ArticleID=9") == "default.aspx?articleid&tabid"
    assert url_shape("https://x.ir/fa/system/0") != url_shape("https://x.ir/fa/news/1")
