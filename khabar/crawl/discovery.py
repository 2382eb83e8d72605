"""Which discovery surfaces a source has, and which links on them are articles: one rule for the crawler and for
`khabar sources check`, so the check shows what a run will read.

Surfaces are chosen configured first, then remembered from an earlier run, then found (the home page's feed links
and archive link, a WebForms pager on the home page itself, robots.txt's `Sitemap:` lines read by Protego), and
only then guessed (`/sitemap.xml`, never when an earlier run already knows the source)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from protego import Protego

from khabar.crawl import postback
from khabar.crawl.parse import Entry, HtmlLinks, url_shape
from khabar.crawl.sources import Source

ArchiveVia = Literal["configured", "known", "linked", "pager"]


@dataclass(frozen=True)
class HomePage:
    """The source's home page as read this run: its URL after redirects, its text and the links parsed from it."""

    url: str
    text: str
    links: HtmlLinks


@dataclass(frozen=True)
class Surfaces:
    feeds: list[str]
    sitemaps: list[str]
    archive: str | None
    sitemap_guessed: bool = (
        False  # the one sitemap is the guessed /sitemap.xml: its 404 only says it is absent
    )
    archive_via: ArchiveVia | None = None


def root(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}"


def choose_surfaces(
    src: Source,
    robots: Protego | None,
    home: HomePage | None,
    known: Mapping[str, object] | None = None,
) -> Surfaces:
    """The surfaces a run reads for `src`. `known` is what an earlier run found (the crawl state's `surfaces`);
    `home` is None when the home page did not answer or did not change (304)."""
    known = known or {}
    feeds = list(src.feeds) or _strings(known.get("feeds"))
    if not feeds and home is not None:
        feeds = [u for u in home.links.feeds if src.allows(u)]
    sitemaps = list(src.sitemaps) or _strings(known.get("sitemaps"))
    if not sitemaps and robots is not None:
        sitemaps = [u for u in robots.sitemaps if src.allows(u)]
    guessed = False
    if not sitemaps and not known:
        sitemaps, guessed = [root(src.url) + "/sitemap.xml"], True
    archive, via = _archive(src, home, known)
    return Surfaces(feeds, sitemaps, archive, guessed, via)


def _archive(
    src: Source, home: HomePage | None, known: Mapping[str, object]
) -> tuple[str | None, ArchiveVia | None]:
    if src.archive_start:
        return src.archive_start, "configured"
    remembered = known.get("archive")
    if isinstance(remembered, str) and remembered:
        return remembered, "known"
    if home is None:
        return None, None
    if home.links.archive:
        return home.links.archive, "linked"
    if postback.has_pager(home.text):
        return home.url, "pager"  # the home page's own list pages back: it is the archive
    return None, None


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def is_article_link(url: str, src: Source, shapes: set[str]) -> bool:
    """A listing link is an article when the source allows it and, once feeds or sitemaps have shown the URL shapes
    of its articles (and no `link_selector` picks them), it has one of those shapes (not a menu or sidebar link)."""
    return src.allows(url) and (not shapes or bool(src.link_selector) or url_shape(url) in shapes)


def article_links(items: Iterable[Entry], src: Source, shapes: set[str]) -> list[Entry]:
    return [e for e in items if is_article_link(e.url, src, shapes)]


__all__ = [
    "HomePage",
    "Surfaces",
    "article_links",
    "choose_surfaces",
    "is_article_link",
    "root",
]
