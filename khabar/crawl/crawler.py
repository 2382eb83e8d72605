"""The crawler: per source, discover surfaces, collect candidate links, fetch what is new or changed, and hand
bounded batches to a sink.

- **Incremental** (the daily job): feeds, recent sitemaps and the first listing pages, each with a conditional GET;
  new URLs are fetched, URLs published in the last `recheck_days` are re-checked conditionally (edits), URLs that
  failed before are retried; the walk over listings stops at the first page with nothing unseen.
- **Backfill** `[start, end)` (Tehran days): sitemap entries dated in range (or listings walked newest → oldest
  when a site has no dated sitemap); sources already completed for the same range are skipped (checkpoint), and
  the incremental watermark never moves.

Batches go to `sink(batch)` in a worker thread, one at a time, so fetching continues while the previous batch is
extracted and loaded, and memory stays bounded. A surface's validators (ETag/Last-Modified) are only handed over
after every link it yielded was fetched, so a crash never hides links behind a 304.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from khabar.crawl import postback
from khabar.crawl.clock import SYSTEM_CLOCK, Clock
from khabar.crawl.discovery import HomePage, Surfaces, article_links, choose_surfaces, is_article_link
from khabar.crawl.http import Fetched, Fetcher
from khabar.crawl.parse import (
    Entry,
    HtmlLinks,
    SitemapDoc,
    next_page_by_number,
    parse_feed,
    parse_html_links,
    parse_sitemap,
    url_shape,
)
from khabar.crawl.settings import CrawlSettings
from khabar.crawl.sources import Source
from khabar.crawl_records import CrawlBatch, CrawlState, SourceState, SurfaceState, UrlState
from khabar.records import FetchLogEntry, RawPage
from khabar.urls import host_key, strip_tracking, url_key

log = logging.getLogger("khabar.crawl")
TEHRAN = ZoneInfo("Asia/Tehran")


@dataclass(frozen=True)
class Incremental:
    """The daily run."""


@dataclass(frozen=True)
class Backfill:
    start: date  # inclusive, Tehran day
    end: date  # exclusive

    @property
    def lo(self) -> datetime:
        return datetime.combine(self.start, dtime(0), TEHRAN)

    @property
    def hi(self) -> datetime:
        return datetime.combine(self.end, dtime(0), TEHRAN)


Mode = Incremental | Backfill


@dataclass
class SourceReport:
    surfaces: int = 0
    candidates: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped_robots: int = 0
    surface_failures: int = 0  # a feed/sitemap/listing that failed: links may be missing, re-run later
    challenges: int = 0  # responses that were a CDN/WAF challenge page, not the page asked for
    answered: int = 0  # responses that were the page asked for (200/304 on a surface or a page)
    postbacks: int = 0  # archive pages reached by a form post (WebForms pagers)
    errors: Counter[str] = field(default_factory=Counter)
    fatal: str | None = None

    @property
    def blocked(self) -> bool:
        """Every answer was a challenge page: the site (or its CDN) keeps us out; nothing of it was read."""
        return self.challenges > 0 and self.answered == 0


@dataclass
class CrawlReport:
    sources: dict[str, SourceReport] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        tot = Counter[str]()
        for r in self.sources.values():
            tot.update(
                {
                    "surfaces": r.surfaces,
                    "candidates": r.candidates,
                    "fetched": r.fetched,
                    "not_modified": r.not_modified,
                    "failed": r.failed,
                    "robots_disallowed": r.skipped_robots,
                    "challenges": r.challenges,
                    "postbacks": r.postbacks,
                }
            )
        errors = Counter[str]()
        for r in self.sources.values():
            errors.update(r.errors)
        return {
            **tot,
            "requests": self.requests,
            "seconds": round(self.seconds, 1),
            "failed_sources": {k: v.fatal for k, v in self.sources.items() if v.fatal},
            "blocked_sources": sorted(k for k, v in self.sources.items() if v.blocked),
            "errors": dict(errors.most_common(12)),
        }


@dataclass
class _Cand:
    url: str
    key: str
    via: str
    published: datetime | None = None
    modified: datetime | None = None
    recheck: UrlState | None = None


class Crawler:
    """`await Crawler(sources, settings, transport=…, state=…).run(mode, sink)`; the report says what happened."""

    def __init__(
        self,
        sources: Iterable[Source],
        settings: CrawlSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        state: CrawlState | None = None,
        run_id: str | None = None,
        now: datetime | None = None,
        stop: threading.Event | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.clock = clock  # wall time of fetches and of the revalidation schedule; politeness waits
        self.stop = (
            stop or threading.Event()
        )  # set: discover and fetch nothing more; what was fetched is flushed
        self.now = now  # the simulated web has its own clock; None = the wall clock at the start of run()
        self.sources = [s for s in sources if s.enabled]
        self.settings = settings or CrawlSettings()
        self.transport = transport
        self.state = state or CrawlState()
        self.run_id = run_id
        self.report = CrawlReport()
        self._pending = CrawlBatch()
        self._flushing: asyncio.Task[None] | None = None
        self._flush_lock = asyncio.Lock()  # re-made in run(): a lock binds to the loop that first uses it
        self._last_flush = time.monotonic()
        self._sink: Callable[[CrawlBatch], None] | None = None

    # ------------------------------------------------------------------------------------------ batches ---
    def _log(self, entry: FetchLogEntry) -> None:
        self.report.requests += 1
        self._pending.fetch_log.append(entry)

    def _due(self, force: bool) -> bool:
        if force:
            return bool(self._pending)
        return len(self._pending.pages) >= self.settings.batch_size or bool(
            time.monotonic() - self._last_flush >= self.settings.batch_seconds and self._pending.pages
        )

    async def _maybe_flush(self, force: bool = False) -> None:
        """Hand the pending batch to the sink (in a worker thread) when it is due.

        Double buffering with back-pressure: one batch loads while the next one fills; a worker that finds the next
        one due waits here, without fetching, until the load in flight is done. (Swapping before waiting let every
        worker queue a full batch of its own whenever fetching outran loading: memory grew with the run's length.)
        The FIFO lock also keeps batches in order, one sink thread at a time: the sink runs one transaction on one
        DuckDB connection, so two at once would break per-batch atomicity."""
        if not self._due(force):
            return
        async with self._flush_lock:
            if self._flushing is not None:
                await self._flushing  # errors surface here
                self._flushing = None
            if not self._due(force):  # another worker flushed it while this one waited
                return
            batch, self._pending = self._pending, CrawlBatch()
            self._last_flush = time.monotonic()
            assert self._sink is not None
            self._flushing = asyncio.create_task(asyncio.to_thread(self._sink, batch))
            if force:
                await self._flushing
                self._flushing = None

    # ------------------------------------------------------------------------------------------ run ---
    async def run(self, mode: Mode, sink: Callable[[CrawlBatch], None]) -> CrawlReport:
        self._sink = sink
        self._flush_lock = asyncio.Lock()
        self.now = self.now or self.clock.now()
        t0 = time.perf_counter()
        async with Fetcher(
            self.settings, self.transport, self.run_id, self._log, clock=self.clock
        ) as fetcher:
            for src in [] if self.settings.override_source_limits else self.sources:
                if src.rate_limit:
                    fetcher.host_rates[host_key(src.host)] = src.rate_limit
                if src.concurrency:
                    fetcher.host_concurrency[host_key(src.host)] = src.concurrency
            tasks = [asyncio.create_task(self._source(fetcher, src, mode)) for src in self.sources]
            for task in asyncio.as_completed(tasks):
                await task
                await self._maybe_flush()
        await self._maybe_flush(force=True)
        if self._flushing is not None:
            await self._flushing
        self.report.seconds = time.perf_counter() - t0
        return self.report

    async def _source(self, fetcher: Fetcher, src: Source, mode: Mode) -> None:
        rep = self.report.sources.setdefault(src.id, SourceReport())
        if isinstance(mode, Backfill) and (src.id, mode.start, mode.end) in self.state.backfills_done:
            log.info("%s: backfill %s..%s already complete", src.id, mode.start, mode.end)
            return
        try:
            await self._crawl_source(fetcher, src, mode, rep)
        except Exception as exc:  # one source failing never stops the others
            rep.fatal = f"{type(exc).__name__}: {exc}"
            log.exception("source %s failed", src.id)
            return
        if (
            rep.fatal is None
            and not self.stop.is_set()
            and rep.answered == 0
            and rep.challenges == 0
            and (rep.surface_failures or rep.failed)
        ):
            # not one surface or page answered: the source failed (blocked, all challenges, is told apart)
            why, n = (rep.errors.most_common(1) or [("no response", 0)])[0]
            others = sum(rep.errors.values()) - n
            rep.fatal = f"no answer: {why}" + (f" (and {others} other errors)" if others else "")
        if rep.fatal is not None:
            log.warning("source %s failed: %s", src.id, rep.fatal)

    async def _crawl_source(self, fetcher: Fetcher, src: Source, mode: Mode, rep: SourceReport) -> None:
        """Discover, fetch, and hand over the source's state: each step is a method of `_SourceRun`."""
        run = _SourceRun(self, fetcher, src, mode, rep)
        if not await run.read_robots():
            return
        surfaces = await run.discover()
        await run.read_feeds(surfaces.feeds)
        dated, lastmods = await run.read_sitemaps(surfaces)
        if not isinstance(mode, Backfill) or dated == 0:  # listings: always daily; in backfills without dates
            await run.walk(surfaces.archive)
        announces_edits = run.announces_edits(surfaces, lastmods)
        run.queue_rechecks(announces_edits)
        rep.candidates += len(run.cands)
        newest = await self._fetch_all(fetcher, src, list(run.cands.values()), rep)
        if (
            self.stop.is_set()
        ):  # cut short: no validators, watermark or checkpoint, so the next run does the rest
            await self._maybe_flush()
            return
        self._hand_over(run, surfaces, announces_edits, newest)
        await self._maybe_flush()

    def _hand_over(
        self, run: _SourceRun, surfaces: Surfaces, announces_edits: bool, newest: datetime | None
    ) -> None:
        """Queue the source's validators, surfaces found, watermark and backfill checkpoint for the sink."""
        rep, mode, src = run.rep, run.mode, run.src
        complete = rep.failed == 0 and rep.surface_failures == 0
        if complete:
            # validators only when everything the surfaces led to is in: else the next run must read them again
            self._pending.surfaces.extend(run.surface_updates)
        found: dict[str, Any] = {
            "feeds": surfaces.feeds,
            "sitemaps": [u for u in surfaces.sitemaps if u not in run.absent],
            "archive": surfaces.archive,
            "shapes": sorted(run.shapes)[:20],
            "lastmod": announces_edits,
        }
        watermark = None
        if isinstance(mode, Incremental):
            prev = run.prev.watermark if run.prev else None
            watermark = max([d for d in (newest, prev) if d is not None], default=None)
        self._pending.sources.append(SourceState(src.id, watermark, found))
        if isinstance(mode, Backfill) and complete and rep.fatal is None:
            self._pending.backfills.append((src.id, mode.start, mode.end))

    async def _fetch_all(
        self, fetcher: Fetcher, src: Source, cands: list[_Cand], rep: SourceReport
    ) -> datetime | None:
        """Fetch candidates newest first; pages that failed transiently get one more round at the end of the
        source (the server has had time to recover), then their failure is recorded for the next run."""
        newest: list[datetime | None] = [None]
        order = sorted(cands, key=lambda c: c.published or datetime.min.replace(tzinfo=UTC), reverse=True)
        width = max(1, min(len(cands), (src.concurrency or self.settings.per_host_concurrency) * 2))
        again: list[_Cand] = []
        for final in (False, True):
            queue: asyncio.Queue[_Cand] = asyncio.Queue()
            for c in order:
                queue.put_nowait(c)

            async def worker(
                queue: asyncio.Queue[_Cand] = queue, again: list[_Cand] = again, final: bool = final
            ) -> None:
                while not queue.empty() and not self.stop.is_set():
                    c = queue.get_nowait()
                    if await self._fetch_one(fetcher, src, c, rep, newest, final):
                        again.append(c)
                    await self._maybe_flush()

            await asyncio.gather(*(worker() for _ in range(width)))
            if not again or self.stop.is_set():
                break
            order, again = again, []
            await self.clock.sleep(self.settings.backoff_max / 2)
        return newest[0]

    async def _fetch_one(
        self,
        fetcher: Fetcher,
        src: Source,
        c: _Cand,
        rep: SourceReport,
        newest: list[datetime | None],
        final: bool = True,
    ) -> bool:
        """Fetch one page; True when it failed transiently and may be tried again later in this run."""
        r = c.recheck
        res = await fetcher.get(
            c.url,
            source_id=src.id,
            allows=src.allows,
            kind=c.via,
            etag=r.etag if r else None,
            last_modified=r.last_modified if r else None,
        )
        if res.error == "robots-disallowed":
            rep.skipped_robots += 1
            return False
        if res.error == "challenge":
            rep.challenges += 1
        elif res.ok or res.not_modified:
            rep.answered += 1
        if res.not_modified:
            rep.not_modified += 1
            self._pending.urls.append(
                UrlState(
                    c.key,
                    src.id,
                    c.url,
                    True,
                    res.fetched_at,
                    304,
                    res.headers.get("etag"),
                    res.headers.get("last-modified"),
                    c.published,
                )
            )
            return False
        if not res.ok:
            if not final and _transient(res):
                return True
            rep.failed += 1
            rep.errors[res.error or f"HTTP {res.status}"] += 1
            gone = res.status in (404, 410)
            self._pending.urls.append(
                UrlState(
                    c.key,
                    src.id,
                    c.url,
                    gone,
                    res.fetched_at,
                    res.status,
                    published=c.published,
                    last_error=res.error,
                )
            )
            return False
        rep.fetched += 1
        if c.published and (newest[0] is None or c.published > newest[0]):
            newest[0] = c.published
        self._pending.pages.append(
            RawPage(
                url=c.url,
                final_url=res.final_url,
                source_id=src.id,
                status=200,
                headers=res.headers,
                body=res.body,
                fetched_at=res.fetched_at,
                run_id=self.run_id,
                discovered_via=c.via,
                published_hint=c.published,
                encoding=res.encoding,
            )
        )
        self._pending.urls.append(
            UrlState(
                c.key,
                src.id,
                c.url,
                True,
                res.fetched_at,
                200,
                res.headers.get("etag"),
                res.headers.get("last-modified"),
                c.published,
            )
        )
        return False


class _SourceRun:
    """One source in one run: its window, what it has seen, the candidates its surfaces yield and the validators
    to hand over. The crawl's steps are its methods; they share state through its attributes."""

    def __init__(
        self, crawler: Crawler, fetcher: Fetcher, src: Source, mode: Mode, rep: SourceReport
    ) -> None:
        self.crawler, self.fetcher, self.src, self.mode, self.rep = crawler, fetcher, src, mode, rep
        self.settings = crawler.settings
        self.state = crawler.state
        self.prev = crawler.state.sources.get(src.id)
        self.seen = crawler.state.seen.get(src.id, set())
        self.lo, self.hi = self._window(crawler.now or crawler.clock.now())
        self.known: dict[str, Any] = (self.prev.surfaces if self.prev and self.prev.surfaces else None) or {}
        self.shapes: set[str] = set(self.known.get("shapes", []))
        self.cands: dict[str, _Cand] = {}
        self.surface_updates: list[SurfaceState] = []
        self.absent: set[str] = set()  # guessed surfaces that do not exist (404)
        self.find_date = _date_finder()
        self.home: Fetched | None = None
        self.home_links: HtmlLinks | None = None

    def _window(self, now: datetime) -> tuple[datetime, datetime | None]:
        """[lo, hi) of publication times wanted: the backfill's range, or since the watermark less the re-check
        window (the first daily run: the initial look-back)."""
        if isinstance(self.mode, Backfill):
            return self.mode.lo, self.mode.hi
        s = self.settings
        base = (
            self.prev.watermark
            if self.prev and self.prev.watermark
            else now - timedelta(days=s.initial_lookback_days)
        )
        return base - timedelta(days=s.recheck_days), None

    @property
    def stopped(self) -> bool:
        return self.crawler.stop.is_set()

    # ------------------------------------------------------------------------------------------ candidates ---
    def add(self, entry: Entry, via: str) -> None:
        """A link a surface offers: a candidate when it is an article, unseen and in the window, or seen and
        announced (lastmod) as changed since the copy held."""
        src = self.src
        if not src.allows(entry.url):
            return
        if via in ("feed", "sitemap"):
            self.shapes.add(url_shape(entry.url))
        elif not is_article_link(entry.url, src, self.shapes):
            return  # a menu or sidebar link, not an article
        key = url_key(entry.url)
        if key in self.seen:
            if not self._changed(key, entry):
                return
        elif not self._in_window(entry):
            return
        if key not in self.cands:
            self.cands[key] = _Cand(strip_tracking(entry.url), key, via, entry.published, entry.modified)

    def _changed(self, key: str, entry: Entry) -> bool:
        last = self.state.fetched_at.get(key)
        return bool(entry.modified and last and entry.modified > last + timedelta(seconds=1))

    def _in_window(self, entry: Entry) -> bool:
        lo, hi = self.lo, self.hi
        if isinstance(self.mode, Backfill) and entry.published is None and entry.modified is not None:
            # lastmod is a modification time: a page published in range may have been edited since
            return entry.modified >= lo and hi is not None and entry.modified < hi + timedelta(days=30)
        when = entry.published or entry.modified
        return when is None or (when >= lo and (hi is None or when < hi))

    # ------------------------------------------------------------------------------------------ surfaces ---
    async def surface(
        self,
        url: str,
        kind: str,
        conditional: bool = True,
        *,
        data: dict[str, str] | None = None,
        optional: bool = False,
    ) -> Fetched | None:
        """Fetch a discovery surface; None when unchanged (304) or failed. With `data` it is a form post (a
        postback page: no validators). `optional`: a guessed address, whose 404 only says it is absent."""
        src, rep = self.src, self.rep
        if not src.allows(url):
            return None
        st = self.state.surfaces.get(url) if conditional and data is None else None
        res = await self.fetcher.get(
            url,
            source_id=src.id,
            allows=src.allows,
            kind=kind,
            etag=st.etag if st else None,
            last_modified=st.last_modified if st else None,
            method="GET" if data is None else "POST",
            data=data,
        )
        rep.surfaces += 1
        if res.error == "challenge":
            rep.challenges += 1
        elif res.ok or res.not_modified:
            rep.answered += 1
        if res.not_modified:
            return None
        if not res.ok:
            if optional and res.status in (404, 410):
                self.absent.add(url)
                return None
            rep.errors[f"{kind}: {res.error}"] += 1
            rep.surface_failures += 1
            return None
        if data is None:
            etag, lm = res.headers.get("etag"), res.headers.get("last-modified")
            self.surface_updates.append(SurfaceState(url, src.id, kind, res.fetched_at, etag, lm))
        return res

    async def read_robots(self) -> bool:
        """robots.txt (cached per host, Protego). False when it cannot be read: kept out this run (RFC 9309: an
        unreadable robots.txt disallows all), and that is a failure of the source with its network reason."""
        self.robots = await self.fetcher.robots(self.src.url, self.src.id, self.src.allows)
        unreachable = self.fetcher.robots_failure(self.src.url)
        if unreachable is not None and self.settings.respect_robots:
            self.rep.fatal = f"robots.txt unreachable: {unreachable}"
            self.rep.errors[f"robots: {unreachable}"] += 1
            return False
        return True

    async def discover(self) -> Surfaces:
        """The home page (conditional once the source is known), then the surfaces chosen by the shared rule."""
        src = self.src
        self.home = await self.surface(src.url, "home", conditional=bool(self.known))
        page = None
        if self.home is not None:
            text = _decode(self.home)
            self.home_links = parse_html_links(
                text, self.home.final_url, find_date=self.find_date, link_selector=src.link_selector
            )
            page = HomePage(self.home.final_url, text, self.home_links)
        return choose_surfaces(src, self.robots, page, self.known)

    async def read_feeds(self, feeds: list[str]) -> None:
        for feed in feeds[:5]:
            if self.stopped:
                break
            res = await self.surface(feed, "feed")
            if res is not None:
                for e in parse_feed(res.body, res.final_url):
                    self.add(e, "feed")

    async def read_sitemaps(self, surfaces: Surfaces) -> tuple[int, int]:
        """Sitemaps, index → children (loop-safe), children chosen by lastmod against the window. Returns how many
        page entries were dated and how many carried a lastmod."""
        dated = lastmods = 0
        todo: list[tuple[str, int]] = [(u, 0) for u in surfaces.sitemaps]
        visited: set[str] = set()
        while todo and len(visited) < self.settings.max_sitemaps and not self.stopped:
            url, depth = todo.pop(0)
            if url in visited or depth > 3:
                continue
            visited.add(url)
            doc = await self._sitemap(url, optional=surfaces.sitemap_guessed and depth == 0)
            if doc is None:
                continue
            for e in doc.urls:
                dated += e.published is not None or e.modified is not None
                lastmods += e.modified is not None
                self.add(e, "sitemap")
            todo += [(c, depth + 1) for c in self._children_wanted(doc.children)]
        return dated, lastmods

    async def _sitemap(self, url: str, *, optional: bool) -> SitemapDoc | None:
        """One sitemap: parsed when it changed; when unchanged (304) its children as remembered, no page URLs."""
        res = await self.surface(url, "sitemap", optional=optional)
        if res is None:
            st = self.state.surfaces.get(url)
            remembered = (st.children or []) if st else []
            return SitemapDoc([Entry(url, None, _dt(lastmod)) for url, lastmod in remembered if url], [])
        try:
            doc = parse_sitemap(res.body, res.final_url)
        except ValueError as exc:
            self.rep.errors[f"sitemap: {exc}"] += 1
            return None
        self.surface_updates[-1].children = [
            [c.url, c.modified.isoformat() if c.modified else None] for c in doc.children
        ]
        return doc

    def _children_wanted(self, children: list[Entry]) -> list[str]:
        """Child sitemaps modified within the window; undated ones too (only the first three on daily runs)."""
        out: list[str] = []
        undated = 0
        for c in children:
            if c.modified is not None and c.modified < self.lo:
                continue
            if c.modified is None:
                undated += 1
                if undated > 3 and not isinstance(self.mode, Backfill):
                    continue
            out.append(c.url)
        return out

    # ------------------------------------------------------------------------------------------ listings ---
    async def walk(self, archive: str | None) -> None:
        """Listing pages newest → oldest until the date floor (backfill) or a page with nothing unseen (daily).

        The next page is the pager's «بعدی» link, the configured `{page}` pattern, a postback pager's next page
        (a form post built from the page just read: its own __VIEWSTATE, never an earlier page's), or `?page=n+1`.
        When the home page is the archive it is not requested twice; unchanged (304), nothing is paged through."""
        src, home = self.src, self.home
        backfill = isinstance(self.mode, Backfill)
        if self.home_links is not None and not backfill:
            for e in self.home_links.items:
                self.add(e, "listing")
        if archive is not None and home is None and url_key(archive) == url_key(src.url):
            return  # the home page is the archive, and it did not change (304)
        first = home if home is not None and archive == home.final_url else None
        url: str | None = archive
        post: dict[str, str] | None = None
        visited: set[str] = set()
        pages_seen: set[frozenset[str]] = set()
        n = 0
        while (
            url
            and (post is not None or url not in visited)
            and n < self.settings.max_listing_pages
            and not self.stopped
        ):
            visited.add(url)
            n += 1
            res = first if n == 1 and first is not None else await self._listing_page(url, post, n)
            if res is None:
                break
            text = _decode(res)
            links = parse_html_links(
                text, res.final_url, find_date=self.find_date, link_selector=src.link_selector
            )
            if not self._read_listing(links, pages_seen):
                break
            url, post = self._next_listing(text, res.final_url, links, url, n)

    async def _listing_page(self, url: str, post: dict[str, str] | None, n: int) -> Fetched | None:
        if post is None:
            return await self.surface(url, "listing", conditional=(n == 1))
        res = await self.surface(url, "postback", data=post)
        self.rep.postbacks += res is not None
        return res

    def _read_listing(self, links: HtmlLinks, pages_seen: set[frozenset[str]]) -> bool:
        """Queue a listing page's articles; False when the walk ends here: no items, nothing unseen (daily), a
        page served again (a pager that ignores its parameter), or items older than the window."""
        items = article_links(links.items, self.src, self.shapes)
        unseen = [e for e in items if url_key(e.url) not in self.seen]
        dates = [e.published for e in items if e.published is not None]
        for e in items:
            self.add(e, "listing")
        page_key = frozenset(url_key(e.url) for e in items)
        if not items or (not isinstance(self.mode, Backfill) and not unseen) or page_key in pages_seen:
            return False
        pages_seen.add(page_key)
        return not (dates and min(dates) < self.lo)

    def _next_listing(
        self, text: str, final_url: str, links: HtmlLinks, url: str, n: int
    ) -> tuple[str | None, dict[str, str] | None]:
        """The next listing page: (url, None) for a GET, (action, form fields) for a postback, (None, None) at
        the end."""
        src = self.src
        prefer_postback = src.archive_spec is not None and src.archive_spec.kind == "postback"
        nxt = None if prefer_postback else (links.next_page or src.archive_page(n + 1))
        pb = postback.next_request(text, final_url, n, src.postback_target) if nxt is None else None
        if pb is not None and src.allows(pb[0]):
            return pb[0], pb[1]
        return nxt or (None if prefer_postback else next_page_by_number(url)), None

    # ------------------------------------------------------------------------------------------ re-checks ---
    def announces_edits(self, surfaces: Surfaces, lastmods: int) -> bool:
        """A source whose sitemaps carry <lastmod> announces its edits there (an edit changes the sitemap, so it is
        no longer 304 and the page's newer lastmod queues it in `add`): no blind re-check of its pages needed."""
        return bool(lastmods) or (
            bool(self.known.get("lastmod")) and surfaces.sitemaps == self.known.get("sitemaps")
        )

    def queue_rechecks(self, announces_edits: bool) -> None:
        """Daily runs: blind re-checks of recent pages as the policy says (see `revalidation_due`); every run:
        retries of pages that failed in an earlier one."""
        s = self.settings
        blind = s.recheck_policy == "always" or (s.recheck_policy == "auto" and not announces_edits)
        if isinstance(self.mode, Incremental) and blind:
            wall = self.crawler.clock.now()
            after = timedelta(hours=s.recheck_after_hours)
            for u in self.state.recent.get(self.src.id, []):
                if s.recheck_policy == "always" or revalidation_due(u, wall, after):
                    self.cands.setdefault(u.key, _Cand(u.url, u.key, "recheck", u.published, None, u))
        for u in self.state.failed.get(self.src.id, []):
            self.cands.setdefault(u.key, _Cand(u.url, u.key, "retry", u.published))


def revalidation_due(u: UrlState, now: datetime, after: timedelta) -> bool:
    """A page no surface announces edits for is re-checked blindly once: `after` past its first fetch (by then
    the day's corrections are in), and never again unless a surface signals a change. A quiet re-run the same day
    asks for no article; daily runs re-check each recent page once instead of on every run of its window.
    Both times are the machine's clock (fetch times), never the crawl's simulated one."""
    first = u.first_seen or u.last_fetched
    if first is None or u.last_fetched is None:
        return True
    return now - first >= after and u.last_fetched - first < after


def _transient(res: Fetched) -> bool:
    err = res.error or ""
    if err == "challenge":  # a browser check does not go away by asking again now: a later run retries it
        return False
    if res.status is not None:
        return res.status in (408, 425, 429) or res.status >= 500
    return not err.startswith(("redirect", "too-", "content-type", "robots"))


def _decode(res: Fetched) -> str:
    return res.body.decode(res.encoding or "utf-8", "replace")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _date_finder() -> Callable[[str], datetime | None]:
    """Listing rows show dates in Persian; reuse the extractor's date reader (pure, no I/O)."""
    from khabar.extractors.dates import find_dates

    def find(text: str) -> datetime | None:
        found = find_dates(text[:400]) if text else []
        return found[0] if found else None

    return find


__all__ = ["Backfill", "CrawlReport", "Crawler", "Incremental", "Mode", "revalidation_due"]
