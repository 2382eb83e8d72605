"""URL shapes of the three CMS families, the variants surfaces link with, and the router from a path to a page.

Canonical article URLs (the truth's ``url``):
- newsagency: ``https://{host}/fa/news/{code}/{percent-encoded-slug}``
- portal:     ``https://{host}/fa/news/{id}/{slug}`` (also served as ``/index.php?newsid={id}`` and without slug)
- aspnet:     ``http://{host}/Default.aspx?tabid={tab}&ArticleID={id}`` (also ``/News/ShowNews.aspx?Code={id}``)
Any scheme, any www / non-www alias, any slug and any extra query parameter (``utm_*``) serve the same article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote

from khabar.simweb.sites import SiteProfile, h64

_SLUG_DROP = re.compile(r"[^\w\u200c\s-]+")
_SPACES = re.compile(r"[\s-]+")
TRACKING = (
    "utm_source=rss&utm_medium=rss",
    "utm_source=telegram",
    "utm_medium=referral&utm_campaign=home",
    "ref=archive",
    "from=list",
)


def slug(title: str, max_words: int = 9) -> str:
    """A percent-encoded Persian slug from a title, as news CMSs build them."""
    words = _SPACES.split(_SLUG_DROP.sub(" ", title).strip())[:max_words]
    return quote("-".join(w for w in words if w), safe="-")


def article_path(site: SiteProfile, code: str, title: str, kind: str = "original") -> str:
    t = site.template
    if kind == "video":
        if t == "aspnet":
            return f"/Default.aspx?tabid={site.tabid}&VideoID={code}"
        return f"/fa/video/{code}/{slug(title)}"
    if t == "aspnet":
        return f"/Default.aspx?tabid={site.tabid}&ArticleID={code}"
    return f"/fa/news/{code}/{slug(title)}"


def canonical_url(site: SiteProfile, code: str, title: str, kind: str = "original") -> str:
    return site.origin + article_path(site, code, title, kind)


def alt_path(site: SiteProfile, code: str) -> str:
    """The family's second URL shape for the same article (old links still found in listings)."""
    if site.template == "aspnet":
        return f"/News/ShowNews.aspx?Code={code}"
    if site.template == "portal":
        return f"/index.php?newsid={code}"
    return f"/fa/news/{code}"


def link_variant(
    site: SiteProfile, path: str, key: object, *, tracking: bool = True, absolute_share: float = 0.5
) -> str:
    """One of the ways real sites link to their pages: relative or absolute, http/https, www or not, utm_*."""
    hv = h64("variant", site.site_id, path, key)
    pick = hv % 100
    if pick < 100 * (1 - absolute_share):
        url = path
    else:
        host = site.hosts[(hv >> 8) % len(site.hosts)]
        scheme = site.scheme if (hv >> 16) % 4 else ("http" if site.scheme == "https" else "https")
        url = f"{scheme}://{host}{path}"
    if tracking and (hv >> 24) % 5 == 0:
        url += ("&" if "?" in url else "?") + TRACKING[(hv >> 32) % len(TRACKING)]
    return url


def archive_path(site: SiteProfile, page: int) -> str:
    t = site.template
    if t == "aspnet":
        return f"/NewsArchive.aspx?Page={page}"
    if t == "portal":
        return f"/fa/archive?p={page}"
    return f"/fa/archive?page={page}"


def feed_path(site: SiteProfile) -> str:
    return {"aspnet": "/RSS.aspx", "portal": "/fa/feed/atom", "newsagency": "/fa/rss/allnews"}[site.template]


def sitemap_index_path(site: SiteProfile) -> str:
    return "/sitemap.aspx" if site.template == "aspnet" else "/sitemap.xml"


@dataclass(frozen=True)
class Route:
    """What a request path names: ``kind`` plus its parameters."""

    kind: str  # home, article, print, archive, feed, sitemap_index, sitemap_month, sitemap_news, robots,
    #                    redirect, search, notfound
    code: str | None = None
    page: int = 1
    year: int = 0
    month: int = 0
    gz: bool = False
    video: bool = False


_NEWS_RE = re.compile(r"^/fa/(news|video)/(\d+)(?:/[^/]*)?/?$")
_PRINT_RE = re.compile(r"^/print/(\d+)/?$")
_SM_GREG = re.compile(r"^/sitemap/(\d{4})-(\d{2})\.xml(\.gz)?$")
_REDIR_RE = re.compile(r"^/r/(\d+)$")


def _int(v: str | None, default: int = 1) -> int:
    try:
        return max(1, int(v)) if v is not None else default
    except ValueError:
        return default


def route(site: SiteProfile, path: str, query: str) -> Route:
    """Map a request target (path already percent-decoded or not, it does not matter) to a Route."""
    q = {k.lower(): v[0] for k, v in parse_qs(query).items()}
    p = path.rstrip("/") or "/"
    pl = p.lower()
    if pl == "/robots.txt":
        return Route("robots")
    if pl in ("/", "/default.aspx", "/fa", "/index.php") and not (
        "articleid" in q or "newsid" in q or "videoid" in q
    ):
        return Route("home")
    m = _REDIR_RE.match(p)
    if m:
        return Route("redirect", page=int(m.group(1)))
    if pl == "/default.aspx":
        if "articleid" in q:
            return Route("article", code=q["articleid"])
        return Route("article", code=q["videoid"], video=True)
    if pl == "/news/shownews.aspx" and "code" in q:
        return Route("article", code=q["code"])
    if pl == "/index.php" and "newsid" in q:
        return Route("article", code=q["newsid"])
    m = _NEWS_RE.match(p)
    if m:
        return Route("article", code=m.group(2), video=m.group(1) == "video")
    m = _PRINT_RE.match(p)
    if m:
        return Route("print", code=m.group(1))
    if pl in ("/newsarchive.aspx", "/fa/archive"):
        return Route("archive", page=_int(q.get("page") or q.get("p")))
    if pl in ("/rss.aspx", "/fa/feed/atom", "/fa/rss/allnews", "/feed", "/rss"):
        return Route("feed")
    if pl == "/sitemap.aspx":
        if "y" in q and "m" in q:
            return Route("sitemap_month", year=_int(q["y"]), month=_int(q["m"]))
        return Route("sitemap_index")
    if pl == "/sitemap.xml":
        return Route("sitemap_index")
    if pl == "/sitemap/news.xml":
        return Route("sitemap_news")
    m = _SM_GREG.match(p)
    if m:
        return Route("sitemap_month", year=int(m.group(1)), month=int(m.group(2)), gz=bool(m.group(3)))
    if pl.startswith("/search"):
        return Route("search")
    return Route("notfound")


def sitemap_month_path(site: SiteProfile, year: int, month: int) -> str:
    """Monthly sitemaps: Gregorian months; gzipped on news-agency CMSs, a query string on ASP.NET ones.

    Portal sitemaps use Jalali year-month numbers in the same ``/sitemap/YYYY-MM.xml`` shape.
    """
    if site.template == "aspnet":
        return f"/sitemap.aspx?y={year}&m={month}"
    if site.template == "newsagency":
        return f"/sitemap/{year:04d}-{month:02d}.xml.gz"
    return f"/sitemap/{year:04d}-{month:02d}.xml"
