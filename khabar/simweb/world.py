"""The simulated web as a pure function: (config with its day, host, path, headers) → response.

No sockets and no faults here (``server.py`` adds both), so tests and the truth export can call it directly.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from khabar.extractors.jalali import parse_day
from khabar.simweb import (
    clock,
    surfaces,
    tpl_aspnet,
    tpl_nastooh,
    tpl_newsagency,
    tpl_portal,
    tpl_provportal,
    tpl_webforms,
    tpl_wordpress,
    webforms_site,
)
from khabar.simweb.boilerplate import Link
from khabar.simweb.catalog import Catalog, Item, catalog_for
from khabar.simweb.clock import TEHRAN, LiveClock
from khabar.simweb.config import SimWebConfig
from khabar.simweb.model import PageTruth, Release
from khabar.simweb.sites import CONTROL_HOST, SiteProfile, build_sites, h64, sites_by_host
from khabar.simweb.urls import (
    TRACKING,
    Route,
    alt_path,
    archive_path,
    canonical_url,
    link_variant,
    route,
)
from khabar.simweb.views import ArticleView, ListingView

# By page family (``SiteProfile.family``); URL shapes, feeds and sitemaps follow the platform (``.template``).
_TEMPLATES = {
    "newsagency": tpl_newsagency,
    "portal": tpl_portal,
    "aspnet": tpl_aspnet,
    "nastooh": tpl_nastooh,
    "wordpress": tpl_wordpress,
    "provportal": tpl_provportal,
    "webforms": tpl_webforms,
}
_NEWS_SITEMAP_DAYS = 2


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    kind: str = ""  # what was served: article, listing, feed, sitemap, robots, …
    fault_eligible: bool = True
    url_key: str = ""  # canonical identity of the resource (for per-URL attempt counting)


def _html(text: str, charset: str = "utf-8") -> bytes:
    """Encode a page; windows-1256 pages write Farsi yeh as Arabic ي (as old sites did), the rest as char refs."""
    if charset == "windows-1256":
        return text.replace("ی", "ي").encode("cp1256", "xmlcharrefreplace")
    return text.encode("utf-8")


class World:
    """A world at a given day, or on a running clock. ``set_today`` fixes the day (everything published by its end
    is visible), ``set_live`` starts a live clock (an item is visible once its publication instant has come);
    everything else is derived on demand.

    ``monotonic`` is the real clock a live clock runs on (injectable: tests move it by hand). A request sees one
    instant throughout: ``handle`` calls ``tick`` first; direct callers of the views call ``tick`` themselves."""

    def __init__(self, config: SimWebConfig, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._monotonic = monotonic
        self._live: LiveClock | None = None
        self._now: datetime | None = None
        self.catalog: Catalog = catalog_for(config)
        self.sites = build_sites(config)
        self.by_host = sites_by_host(config)
        self._robots_site = self._pick_robots_site()
        self._webforms = webforms_site.webforms_styles(config)  # site index → pager style
        self._oversized = self._pick_oversized()

    # ------------------------------------------------------------------------------------ clock
    @property
    def today(self) -> date:
        return self.config.today

    @property
    def now(self) -> datetime | None:
        """The simulated instant of the current request on a live clock; None on a fixed day."""
        return self._now

    @property
    def live(self) -> LiveClock | None:
        return self._live

    @property
    def cut(self) -> date:
        """What the catalog is read as of: the instant on a live clock, else the end of ``today``."""
        return self._now if self._now is not None else self.config.today

    def set_today(self, d: date) -> None:
        """Fix the day (and stop a live clock): the fixed-day world every test and the demo rely on."""
        self._live = None
        self._now = None
        self.config = replace(self.config, today=d)
        self.catalog = catalog_for(self.config)

    def set_live(self, start: datetime, speed: float = 1.0) -> None:
        """Run the clock from ``start`` (aware) at ``speed`` simulated seconds per real second, from now on."""
        self._live = LiveClock(start, speed, self._monotonic())
        self.tick()

    def tick(self) -> datetime | None:
        """Read the live clock once (the instant every view uses until the next tick); the day follows it."""
        if self._live is None:
            return None
        now = self._live.at(self._monotonic())
        self._now = now
        d = now.date()
        if d != self.config.today:
            self.config = replace(self.config, today=d)
            self.catalog = catalog_for(self.config)  # cached per world: cheap unless the horizon is passed
        return now

    # ------------------------------------------------------------------------------------ structure
    def _pick_robots_site(self) -> SiteProfile | None:
        if not self.config.faults.robots_disallow:
            return None
        for s in self.sites:
            if s.template == "portal":
                return s
        return self.sites[0]

    def robots_disallowed(self, site: SiteProfile) -> tuple[str, ...]:
        """Sections the site's robots.txt disallows beyond the usual (/search, /admin/)."""
        return ("/fa/video/", "/print/") if site is self._robots_site else ()

    def _pick_oversized(self) -> set[tuple[int, int]]:
        n = self.config.faults.oversized_pages
        out: set[tuple[int, int]] = set()
        agency = [s for s in self.sites if s.spec.kind == "agency"]
        for k in range(n):
            s = agency[h64(self.config.seed, "oversize", k) % len(agency)]
            total = self.catalog.count_through(s, self.config.today)
            o = max(0, total - 1 - h64(self.config.seed, "oversize-o", k) % 40)
            if self.catalog.item(s, o).is_article:
                out.add((s.index, o))
        return out

    # ------------------------------------------------------------------------------------ items
    def visible(self, item: Item) -> bool:
        if self._now is not None:
            return item.published_at <= self._now
        return item.day <= self.today

    def release(self, item: Item) -> Release:
        return self.catalog.release(item, self.cut)

    def code(self, item: Item) -> str:
        return self.catalog.news_code(item.site, item.ordinal)

    def title(self, item: Item) -> str:
        r = self.catalog.release(item, self.cut)
        if item.kind == "video":
            return f"فیلم | {r.title}"
        if item.kind == "app":
            return f"اپلیکیشن {item.site.spec.name} را دریافت کنید"
        return r.title

    def url(self, item: Item) -> str:
        return self._url(item.site.index, item.ordinal)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - URLs never change (edits keep titles)
    def _url(self, site_index: int, ordinal: int) -> str:
        item = self.catalog.item(self.sites[site_index], ordinal)
        return canonical_url(item.site, self.code(item), self.title(item), item.kind)

    def modified(self, item: Item) -> datetime | None:
        m = self.catalog.modified_at(item, self.cut)
        return m if m != item.published_at else None

    def item_by_code(self, site: SiteProfile, code: str) -> Item | None:
        o = self.catalog.ordinal_of_code(site, code)
        if o is None:
            return None
        item = self.catalog.item(site, o)
        return item if self.visible(item) else None

    def charset(self, item: Item) -> str:
        return self.catalog.encoding(item)

    # ------------------------------------------------------------------------------------ truth
    def truth(self, item: Item) -> PageTruth:
        kind: Literal["article", "video", "app"] = (
            "video" if item.kind == "video" else "app" if item.kind == "app" else "article"
        )
        r = self.release(item)
        pub = item.published_at.astimezone(TEHRAN)
        if kind != "article":  # what the truth knows of a video or app page: its site's, and the title
            return PageTruth(
                url=self.url(item),
                site_id=item.site.site_id,
                page_kind=kind,
                title=self.title(item),
                lead=None,
                body=None,
                published_at=clock.iso(pub),
                published_jalali=clock.jalali_iso(pub.date()),
                published_day=pub.date(),
                news_code=self.code(item),
                agency=item.site.spec.agency,
                province=item.site.spec.province,
                attribution=None,
                persons=(),
                quantities=(),
                event_type=None,
                cluster_id=None,
                version=1,
                encoding=self.charset(item),
                template=item.site.family,
            )
        return PageTruth(
            url=self.url(item),
            site_id=item.site.site_id,
            page_kind=kind,
            title=r.title,
            lead=r.lead,
            body="\n\n".join(r.paragraphs),
            published_at=clock.iso(pub),
            published_jalali=clock.jalali_iso(pub.date()),
            published_day=pub.date(),
            news_code=self.code(item),
            agency=r.agency,
            province=r.province,
            attribution=r.attribution,
            persons=r.persons,
            quantities=r.quantities,
            event_type=r.event_type,
            cluster_id=r.cluster_id,
            version=r.version,
            encoding=self.charset(item),
            template=item.site.family,
        )

    # ------------------------------------------------------------------------------------ views
    def _date_label(self, site: SiteProfile, dt: datetime) -> str:
        if site.template == "portal":
            return clock.byline_numeric(dt, site.script)
        if site.template == "aspnet":
            return clock.byline_aspnet(dt)
        return clock.byline_words(dt)

    def _link(self, item: Item, key: object, absolute_share: float = 0.5) -> Link:
        site = item.site
        code = self.code(item)
        canon = self.url(item)
        path = canon.split(site.host, 1)[1]
        if item.kind in ("original", "templated", "copy") and h64("alt", site.site_id, item.ordinal) % 6 == 0:
            path = alt_path(site, code)
        return Link(
            self.title(item),
            link_variant(site, path, key, absolute_share=absolute_share),
            self._date_label(site, item.published_at),
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def _popular(self, site_index: int, today: date) -> tuple[Link, ...]:  # today: a day or an instant
        site = self.sites[site_index]
        items = [i for i in self.catalog.latest(site, today, 12) if i.is_article][:5]
        return tuple(self._link(i, "popular") for i in items)

    def popular(self, site: SiteProfile) -> list[Link]:
        return list(self._popular(site.index, self.cut))

    def article_view(self, item: Item, printable: bool = False) -> ArticleView:
        site = item.site
        r = self.release(item)
        related = [
            self._link(self.catalog.item(site, o), ("rel", item.ordinal))
            for o in range(item.ordinal - 1, max(-1, item.ordinal - 5), -1)
        ]
        pad = self.config.faults.oversized_bytes if (site.index, item.ordinal) in self._oversized else 0
        is_article = item.is_article
        return ArticleView(
            site=site,
            kind=item.kind,
            title=self.title(item),
            lead=r.lead if is_article else None,
            paragraphs=r.paragraphs if is_article else (),
            published_at=item.published_at,
            modified_at=self.modified(item),
            code=self.code(item),
            url=self.url(item),
            keywords=r.keywords,
            related=related,
            popular=self.popular(site),
            charset=self.charset(item),
            pad_bytes=pad,
            printable=printable,
        )

    def render_article(self, item: Item, printable: bool = False) -> tuple[bytes, str]:
        v = self.article_view(item, printable)
        return _html(_TEMPLATES[item.site.family].article(v), v.charset), v.charset

    def listing_view(self, site: SiteProfile, page: int, home: bool = False) -> ListingView | None:
        size = 12 if home else self.config.listing_page_size
        total = self.catalog.count_through(site, self.cut)
        n_pages = max(1, -(-total // size))
        if page > n_pages:
            return None
        items = self.catalog.latest(site, self.cut, size, (page - 1) * size)
        links = [self._link(i, ("list", page)) for i in items]
        leads = [
            (self.release(i).lead or "") if i.is_article and site.template != "aspnet" else "" for i in items
        ]
        heading = "آخرین اخبار" if home else "آرشیو اخبار"
        return ListingView(
            site=site,
            heading=heading,
            items=links,
            leads=leads,
            page=page,
            n_pages=n_pages,
            is_home=home,
            popular=self.popular(site),
        )

    # ------------------------------------------------------------------------------------ surfaces
    def _entry(self, item: Item, tracking: bool) -> surfaces.Entry:
        r = self.release(item)
        url = self.url(item)
        feed_url = url
        if tracking and item.site.template != "aspnet":
            feed_url += ("&" if "?" in url else "?") + TRACKING[0]
        summary = r.lead or (r.paragraphs[0][:200] if r.paragraphs else "")
        m = self.catalog.modified_at(item, self.cut)
        return surfaces.Entry(
            url=url,
            title=self.title(item),
            summary=summary if item.is_article else "",
            published_at=item.published_at,
            modified_at=m,
            feed_url=feed_url,
        )

    def feed(self, site: SiteProfile) -> bytes:
        items = [i for i in self.catalog.latest(site, self.cut, self.config.feed_items) if i.is_article]
        tracking = h64("feedtrack", site.site_id) % 2 == 0
        entries = [self._entry(i, tracking) for i in items]
        text = surfaces.atom(site, entries) if site.template == "portal" else surfaces.rss(site, entries)
        return text.encode()

    def month_items(self, site: SiteProfile, year: int, month: int) -> list[Item]:
        out: list[Item] = []
        d = date(year, month, 1)
        while d.month == month and d <= self.today:
            out.extend(self.catalog.items_on(site, d))
            d = date.fromordinal(d.toordinal() + 1)
        return [i for i in out if self.visible(i)] if self._now is not None else out

    def sitemap_index(self, site: SiteProfile) -> bytes:
        months = []
        for y, m in surfaces.month_span(self.config.start_day, self.today):
            items = self.month_items(site, y, m) if (y, m) == (self.today.year, self.today.month) else None
            if items is not None and not items:
                continue
            month_end = date.fromordinal(date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1)
            last_day = min(self.today, month_end)
            months.append((y, m, clock.tehran(last_day, 23 * 60)))
        return surfaces.sitemap_index(site, months, with_news=site.template == "newsagency").encode()

    def sitemap_month(self, site: SiteProfile, year: int, month: int) -> bytes | None:
        if (
            not (1 <= month <= 12)
            or (year, month) > (self.today.year, self.today.month)
            or (year, month) < (self.config.start_day.year, self.config.start_day.month)
        ):
            return None
        entries = [self._entry(i, False) for i in self.month_items(site, year, month)]
        news = site.spec.name if site.template == "portal" else None
        return surfaces.urlset(entries, news).encode()

    def sitemap_news(self, site: SiteProfile) -> bytes:
        items = []
        for back in range(_NEWS_SITEMAP_DAYS):
            items += self.catalog.items_on(site, date.fromordinal(self.today.toordinal() - back))
        items = [i for i in items if self.visible(i)]
        entries = [self._entry(i, False) for i in reversed(items)]
        return surfaces.urlset(entries, site.spec.name).encode()

    # ------------------------------------------------------------------------------------ dispatch
    def handle(
        self, host: str, method: str, target: str, scheme: str = "http", body: bytes = b""
    ) -> Response:
        """Serve one request without faults; ``target`` is the request-target (path + query), ``body`` a POST's."""
        host = host.split(":", 1)[0].lower()
        self.tick()
        if host == CONTROL_HOST:
            return self._control(method, target)
        site = self.by_host.get(host)
        if site is None:
            return Response(404, b"unknown host", [("Content-Type", "text/plain")], "unknown", False)
        parts = urlsplit(target)
        r = route(site, unquote(parts.path), parts.query)
        style = self._webforms.get(site.index)
        if style is not None:
            resp = self._webforms_dispatch(site, style, r, method, target, body)
            if resp is not None:
                return resp
        if method == "POST":  # only a WebForms portal's forms post anywhere
            return Response(405, b"", [("Allow", "GET, HEAD")], "error", False)
        return self._dispatch(site, r, scheme, host, target)

    def _webforms_dispatch(
        self, site: SiteProfile, style: str, r: Route, method: str, target: str, body: bytes
    ) -> Response | None:
        """A WebForms portal's own pages (``webforms_site``); None where it serves what its ASP.NET family does."""
        html_ct = "text/html; charset=utf-8"
        if r.kind == "robots":
            text = webforms_site.robots(site, self.config).encode()
            return Response(
                200, text, [("Content-Type", "text/plain; charset=utf-8")], "robots", False, "robots"
            )
        if r.kind in ("home", "archive") and method == "POST":
            status, page = webforms_site.postback_page(self, site, style, body)
            return Response(status, page, [("Content-Type", html_ct)], "postback", True, f"{site.site_id}:pb")
        if r.kind == "home":
            return self._surface(
                webforms_site.home(self, site), html_ct, "home", site, f"{site.site_id}:home"
            )
        if r.kind == "archive":
            listing = webforms_site.archive(
                self, site, 1, style
            )  # any ?Page= is ignored: only postbacks page
            assert listing is not None
            return self._surface(listing, html_ct, "listing", site, f"{site.site_id}:archive")
        if r.kind in ("feed", "sitemap_index", "sitemap_month", "sitemap_news"):
            return self._not_found(site)
        if r.kind == "article" and webforms_site.wants_print(target):
            item = self.item_by_code(site, r.code or "")
            if item is None or not item.is_article:
                return self._not_found(site)
            page, charset = self.render_article(item, printable=True)
            page = webforms_site.print_with_canonical(page, charset, self.url(item))
            mod = self.catalog.modified_at(item, self.cut)
            return Response(
                200,
                page,
                [("Content-Type", f"text/html; charset={charset}"), ("Last-Modified", clock.http_date(mod))],
                "print",
                True,
                f"{site.site_id}:print:{self.code(item)}",
            )
        return None

    def _dispatch(self, site: SiteProfile, r: Route, scheme: str, host: str, target: str) -> Response:
        html_ct = "text/html; charset=utf-8"
        xml_ct = "application/xml; charset=utf-8"
        if r.kind == "robots":
            body = surfaces.robots(site, self.robots_disallowed(site)).encode()
            return Response(
                200, body, [("Content-Type", "text/plain; charset=utf-8")], "robots", False, "robots"
            )
        if r.kind == "redirect":
            q = dict(p.split("=", 1) for p in urlsplit(target).query.split("&") if "=" in p)
            to = unquote(q.get("to", "/"))
            loc = f"{scheme}://{host}{to}" if r.page <= 0 else f"/r/{r.page - 1}?to={quote(to, safe='')}"
            code = (301, 302, 307)[r.page % 3]
            return Response(code, b"", [("Location", loc)], "redirect", False, f"redirect:{r.page}")
        if r.kind in ("article", "print"):
            item = self.item_by_code(site, r.code or "")
            if item is None or (r.kind == "print" and not item.is_article):
                return self._not_found(site)
            body, charset = self.render_article(item, printable=r.kind == "print")
            kind = "print" if r.kind == "print" else "article" if item.is_article else item.kind
            mod = self.catalog.modified_at(item, self.cut)
            version = self.release(item).version if item.is_article else 1
            etag = f'"{site.site_id}-{self.code(item)}-v{version}-{kind}"'
            return Response(
                200,
                body,
                [
                    ("Content-Type", f"text/html; charset={charset}"),
                    ("Last-Modified", clock.http_date(mod)),
                    ("ETag", etag),
                ],
                kind,
                True,
                f"{site.site_id}:{kind}:{self.code(item)}",
            )
        if r.kind in ("archive", "home"):
            v = self.listing_view(site, r.page, home=r.kind == "home")
            if v is None:
                return self._not_found(site)
            tpl = _TEMPLATES[site.family]
            body = tpl.listing(v).encode()
            return self._surface(
                body,
                html_ct,
                r.kind if r.kind == "home" else "listing",
                site,
                f"{site.site_id}:{r.kind}:{r.page}",
            )
        if r.kind == "feed":
            ct = (
                "application/atom+xml; charset=utf-8"
                if site.template == "portal"
                else "application/rss+xml; charset=utf-8"
            )
            return self._surface(self.feed(site), ct, "feed", site, f"{site.site_id}:feed")
        if r.kind == "sitemap_index":
            return self._surface(self.sitemap_index(site), xml_ct, "sitemap", site, f"{site.site_id}:smi")
        if r.kind == "sitemap_news":
            if site.template != "newsagency":
                return self._not_found(site)
            return self._surface(self.sitemap_news(site), xml_ct, "sitemap", site, f"{site.site_id}:smn")
        if r.kind == "sitemap_month":
            month = self.sitemap_month(site, r.year, r.month)
            want_gz = site.template == "newsagency"
            if month is None or r.gz != want_gz:
                return self._not_found(site)
            key = f"{site.site_id}:sm:{r.year}-{r.month}"
            if r.gz:
                return self._surface(
                    gzip.compress(month, mtime=0), "application/x-gzip", "sitemap", site, key
                )
            return self._surface(month, xml_ct, "sitemap", site, key)
        return self._not_found(site)

    def _surface(self, body: bytes, ct: str, kind: str, site: SiteProfile, key: str) -> Response:
        etag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
        last = self.catalog.latest(site, self.cut, 1)
        lm = self.catalog.modified_at(last[0], self.cut) if last else clock.end_of_day(self.config.start_day)
        return Response(
            200,
            body,
            [("Content-Type", ct), ("ETag", etag), ("Last-Modified", clock.http_date(lm))],
            kind,
            True,
            key,
        )

    def _not_found(self, site: SiteProfile) -> Response:
        body = (
            f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>صفحه پیدا نشد - '
            f"{site.spec.name}</title></head><body><h1>خطای ۴۰۴</h1><p>صفحه مورد نظر یافت نشد.</p>"
            f'<a href="/">بازگشت به صفحه اصلی</a> <a href="{archive_path(site, 1)}">آرشیو</a></body></html>'
        )
        return Response(404, body.encode(), [("Content-Type", "text/html; charset=utf-8")], "notfound", False)

    def _control(self, method: str, target: str) -> Response:
        parts = urlsplit(target)
        q = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        if parts.path == "/clock":
            if method == "POST":
                try:
                    self._set_clock(q)
                except ValueError as exc:
                    return Response(
                        400, str(exc).encode(), [("Content-Type", "text/plain")], "control", False
                    )
            state: dict[str, object] = {
                "today": self.today.isoformat(),
                "jalali": clock.jalali_iso(self.today),
            }
            if self._live is not None and self._now is not None:
                state |= {"now": clock.iso(self._now), "speed": self._live.speed}
            body = json.dumps(state)
            return Response(200, body.encode(), [("Content-Type", "application/json")], "control", False)
        if parts.path == "/hosts":
            body = json.dumps(sorted(self.by_host))
            return Response(200, body.encode(), [("Content-Type", "application/json")], "control", False)
        return Response(404, b"not found", [("Content-Type", "text/plain")], "control", False)

    def _set_clock(self, q: dict[str, str]) -> None:
        """``today=DAY`` fixes the day; ``now=ISO`` (Tehran when no offset) and/or ``speed=N`` run the clock live."""
        if "today" in q:
            self.set_today(parse_day(unquote(q["today"])))
            return
        if "now" not in q and "speed" not in q:
            return
        speed = float(q["speed"]) if "speed" in q else (self._live.speed if self._live else 1.0)
        if "now" in q:
            start = datetime.fromisoformat(unquote(q["now"]))
            if start.tzinfo is None:
                start = start.replace(tzinfo=TEHRAN)
        elif self._now is not None:
            start = self._now
        else:
            raise ValueError("a live clock needs now=ISO8601 to start from")
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.set_live(start, speed)

    # ------------------------------------------------------------------------------------ lookups
    def item_for_url(self, url: str) -> Item | None:
        """The catalog item a URL (any variant) serves, or None."""
        parts = urlsplit(url)
        site = self.by_host.get((parts.hostname or "").lower())
        if site is None:
            return None
        r = route(site, unquote(parts.path), parts.query)
        if r.kind != "article":
            return None
        return self.item_by_code(site, r.code or "")
