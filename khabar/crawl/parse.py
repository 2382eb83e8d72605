"""Pure parsers for discovery surfaces: RSS/Atom feeds, sitemaps (index, gzip, news), HTML listings. robots.txt
is read by Protego, in the fetcher.

XML is parsed with defusedxml (no entity expansion, no external entities, no network); a feed or sitemap that
declares entities or is malformed falls back to a tolerant scan of its `<link>`/`<loc>` elements, so one broken
surface still yields its links and never a billion laughs."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from selectolax.lexbor import LexborHTMLParser, LexborNode

from khabar.crawl_records import parse_date

MAX_XML = 50 * 1024 * 1024  # a decompressed sitemap is at most 50 MB (sitemaps.org)


@dataclass(frozen=True)
class Entry:
    """A link found on a surface, with what the surface says about its dates."""

    url: str
    published: datetime | None = None
    modified: datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class SitemapDoc:
    children: list[Entry]  # sitemap index → child sitemaps (modified = lastmod)
    urls: list[Entry]  # urlset → pages


def maybe_gunzip(body: bytes, limit: int = MAX_XML) -> bytes:
    """Sitemaps are often served gzipped as application/octet-stream: inflate by magic number, capped."""
    if body[:2] != b"\x1f\x8b":
        return body
    d = zlib.decompressobj(31)
    out = d.decompress(body, limit)
    if d.unconsumed_tail:
        raise ValueError(f"gzipped sitemap inflates beyond {limit} bytes")
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.S | re.I)


def _safe_xml(body: bytes) -> Element | None:
    try:
        return fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError):
        try:  # entity declarations or junk in the DTD: drop it, keep the document
            return fromstring(_DOCTYPE.sub(b"", body, count=1), forbid_dtd=True)
        except (DefusedXmlException, ParseError, ValueError):
            return None


def _text(el: Element, *names: str) -> str | None:
    for child in el.iter():
        if _local(child.tag) in names and (text := (child.text or "").strip()):
            return text
    return None


_SCAN_ITEM = re.compile(r"<(?:item|entry)\b", re.I)
_SCAN_LINK = re.compile(
    r"<link[^>]*?href=[\"']([^\"']+)[\"'][^>]*>|<link>\s*([^<\s]+)\s*</link>|"
    r"<guid[^>]*isPermaLink=[\"']true[\"'][^>]*>\s*([^<\s]+)\s*</guid>",
    re.I,
)
_SCAN_DATE = re.compile(r"<(pubDate|published|updated|dc:date)>\s*([^<]+?)\s*</\1>", re.I)
_SCAN_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.I)


def parse_feed(body: bytes, base: str) -> list[Entry]:
    """RSS 2.0 / Atom / RDF items → entries (link, published, updated). Tolerant of malformed feeds."""
    root = _safe_xml(body[:MAX_XML])
    out: list[Entry] = []
    if root is not None:
        for el in root.iter():
            if _local(el.tag) not in ("item", "entry"):
                continue
            link = None
            for child in el:
                name = _local(child.tag)
                if name == "link":
                    href = child.get("href")
                    if href and child.get("rel", "alternate") == "alternate":
                        link = href
                        break
                    if text := (child.text or "").strip():
                        link = text
                        break
            if link is None:
                guid = next((c for c in el if _local(c.tag) in ("guid", "id")), None)
                if guid is not None and guid.text and guid.text.startswith("http"):
                    link = guid.text.strip()
            if not link:
                continue
            published = parse_date(_text(el, "pubdate", "published", "date", "issued"))
            modified = parse_date(_text(el, "updated", "modified")) or published
            out.append(
                Entry(urljoin(base, unescape(link)), published or modified, modified, _text(el, "title"))
            )
        return out
    text = body[:MAX_XML].decode("utf-8", "replace")
    for chunk in _SCAN_ITEM.split(text)[1:]:  # unclosed items too: each chunk runs to the next item
        link = next((g for lm in _SCAN_LINK.finditer(chunk) for g in lm.groups() if g), None)
        if link:
            dm = _SCAN_DATE.search(chunk)
            when = parse_date(dm.group(2)) if dm else None
            out.append(Entry(urljoin(base, unescape(link)), when, when))
    return out


def parse_sitemap(body: bytes, base: str) -> SitemapDoc:
    """A sitemap index or urlset (gzip inflated first); `news:publication_date` beats `lastmod` for publication."""
    body = maybe_gunzip(body)
    root = _safe_xml(body)
    if root is None:
        locs = [Entry(urljoin(base, unescape(u))) for u in _SCAN_LOC.findall(body.decode("utf-8", "replace"))]
        is_index = b"<sitemapindex" in body[:2000]
        return SitemapDoc(children=locs if is_index else [], urls=[] if is_index else locs)
    kind = _local(root.tag)
    children: list[Entry] = []
    urls: list[Entry] = []
    for el in root:
        name = _local(el.tag)
        if name not in ("sitemap", "url"):
            continue
        loc = _text(el, "loc")
        if not loc:
            continue
        lastmod = parse_date(_text(el, "lastmod"))
        pub = parse_date(_text(el, "publication_date"))
        entry = Entry(urljoin(base, unescape(loc)), pub, lastmod, _text(el, "title"))
        (children if name == "sitemap" or kind == "sitemapindex" else urls).append(entry)
    return SitemapDoc(children, urls)


# ---------------------------------------------------------------------------------------------- HTML pages ---

_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
_NEXT_TEXT = re.compile(r"^\s*(بعدی|صفحه\s*بعد|بعد|next|›|»|>|&gt;|>>)\s*$", re.I)
_ARCHIVE_TEXT = re.compile(r"آرشیو|بایگانی|همه\s*اخبار|archive", re.I)
_PAGE_PARAM = re.compile(r"([?&](?:page|p|pageindex|pagenumber|pg)=)(\d+)", re.I)


@dataclass(frozen=True)
class HtmlLinks:
    feeds: list[str]
    archive: str | None
    next_page: str | None
    items: list[Entry]  # candidate article links with the date shown beside them, if any
    canonical: str | None


def _row_text(node: LexborNode, depth: int = 3) -> str:
    cur = node
    for _ in range(depth):
        parent = cur.parent
        if parent is None or parent.tag in ("body", "ul", "table", "tbody"):
            break
        cur = parent
    return cur.text(deep=True, separator=" ")


def parse_html_links(
    body: str,
    base: str,
    *,
    find_date: Callable[[str], datetime | None] | None = None,
    link_selector: str | None = None,
    min_title_chars: int = 20,
) -> HtmlLinks:
    """Feeds, archive and next-page links, and article candidates of an HTML listing or home page.

    Without a `link_selector`, a candidate is a link whose text reads like a headline (≥ 20 characters): menus,
    share bars and pagers are short. `find_date(text)` (from the extractor) reads the date shown in the item's row.
    """
    tree = LexborHTMLParser(body)
    feeds = [
        urljoin(base, n.attributes.get("href") or "")
        for n in tree.css('link[rel="alternate"]')
        if (n.attributes.get("type") or "").lower() in _FEED_TYPES and n.attributes.get("href")
    ]
    canonical = None
    c = tree.css_first('link[rel="canonical"]')
    if c is not None and c.attributes.get("href"):
        canonical = urljoin(base, c.attributes["href"] or "")
    archive = next_page = None
    archive_score = 0
    rel_next = tree.css_first('link[rel="next"], a[rel="next"]')
    if rel_next is not None and rel_next.attributes.get("href"):
        next_page = urljoin(base, rel_next.attributes["href"] or "")
    items: list[Entry] = []
    seen: set[str] = set()
    anchors = tree.css(link_selector) if link_selector else tree.css("a[href]")
    for a in anchors:
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = urljoin(base, href)
        text = " ".join(a.text(deep=True).split())
        score = (2 if "archive" in href.lower() else 0) + (
            1 if _ARCHIVE_TEXT.search(text) and len(text) < 30 else 0
        )
        if score > archive_score:
            archive, archive_score = url, score
        if next_page is None and _NEXT_TEXT.match(text):
            next_page = url
        if (link_selector or len(text) >= min_title_chars) and url not in seen:
            seen.add(url)
            when = find_date(_row_text(a)) if find_date is not None else None
            items.append(Entry(url, when, None, text))
    return HtmlLinks(feeds, archive, next_page, items, canonical)


def url_shape(url: str) -> str:
    """The shape of an article URL on its site: path segments before the first one with a digit, plus the query
    keys — `/fa/news/123/slug` → `fa/news?`, `/Default.aspx?tabid=3&ArticleID=9` → `default.aspx?articleid&tabid`.
    Listing links are kept when their shape matches one that feeds or sitemaps used for articles."""
    parts = urlsplit(url)
    segs = []
    for seg in parts.path.lower().strip("/").split("/"):
        if any(ch.isdigit() for ch in seg):
            break
        segs.append(seg)
    keys = sorted(
        {
            kv.split("=", 1)[0].lower()
            for kv in parts.query.split("&")
            if kv and not kv.lower().startswith("utm_")
        }
    )
    return "/".join(segs) + "?" + "&".join(keys)


def next_page_by_number(url: str) -> str | None:
    """`?page=3` → `?page=4` for listings whose pager has no recognisable «بعدی» link."""
    m = _PAGE_PARAM.search(url)
    if not m:
        return None
    return url[: m.start(2)] + str(int(m.group(2)) + 1) + url[m.end(2) :]


__all__ = [
    "Entry",
    "HtmlLinks",
    "SitemapDoc",
    "maybe_gunzip",
    "next_page_by_number",
    "parse_date",
    "parse_feed",
    "parse_html_links",
    "parse_sitemap",
]
