"""`khabar sources check [URL…]`: what a site offers the crawler right now, or why it cannot be read.

For each target (a registry source, or any URL given on the command line) it fetches, through the crawler's own
`Fetcher` (politeness, retries, robots.txt via Protego, challenge detection): robots.txt (the rules for our user
agent, Crawl-delay, declared sitemaps), the page, its feeds (`<link rel=alternate>`), sitemaps (declared in
robots.txt, else the guessed /sitemap.xml), the archive listing, and one sample article run through the extractor.
Discovery is the crawler's: the same parsers (`parse.py`), the same choice of surfaces (configured first, then
found on the page, then robots.txt, then the guess) and the same filter of listing links by the URL shapes that
feeds and sitemaps use for articles. A target that cannot be read says why: DNS, connection refused, timeout, an
HTTP status, a challenge page, robots.txt.
"""

from __future__ import annotations

import asyncio
import socket
import zlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from khabar.crawl.discovery import HomePage, article_links, choose_surfaces
from khabar.crawl.http import Fetched, Fetcher
from khabar.crawl.parse import (
    Entry,
    HtmlLinks,
    maybe_gunzip,
    parse_feed,
    parse_html_links,
    parse_sitemap,
    url_shape,
)
from khabar.crawl.settings import CrawlSettings
from khabar.crawl.sources import Source
from khabar.records import FetchLogEntry
from khabar.urls import host_key, strip_tracking

Verdict = Literal["ok", "partial", "unreachable"]
MAX_FEEDS = 3
MAX_SITEMAPS = 3
MAX_SAMPLES = 3  # candidates tried until one is an article
_ARCHIVE_NOTES = {"configured": "configured", "pager": "the page pages back by form post (WebForms pager)"}
_TIMEOUTS = (
    "ConnectTimeout",
    "ReadTimeout",
    "WriteTimeout",
    "PoolTimeout",
    "TimeoutException",
    "TotalTimeout",
)


@dataclass
class RobotsCheck:
    url: str
    status: int | None = None
    error: str | None = None  # why robots.txt could not be read (the crawler then stays away)
    found: bool = False  # a robots.txt was read (absent = everything allowed)
    page_allowed: bool = True  # the checked page may be fetched by our user agent
    crawl_delay: float | None = None
    request_rate: str | None = None
    sitemaps: list[str] = field(default_factory=list)
    agent: str = ""


@dataclass
class SurfaceCheck:
    kind: str  # home | feed | sitemap | listing
    url: str
    status: int | None
    links: int = 0  # article candidates (feed items, sitemap URLs, listing items)
    error: str | None = None
    note: str = ""
    guessed: bool = False  # a guessed address (/sitemap.xml): its 404 only says it is absent


@dataclass
class SampleCheck:
    url: str
    via: str  # feed | sitemap | listing | home
    status: int | None = None
    error: str | None = None
    is_article: bool = False
    title: str | None = None
    published_at: str | None = None
    published_jalali: str | None = None
    body_chars: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class UrlCheck:
    """Everything `sources check` learnt about one target."""

    target: str  # the URL asked for (registry: the source's URL)
    source_id: str | None
    verdict: Verdict = "ok"
    reason: str | None = None  # unreachable: why; partial: what is missing
    robots: RobotsCheck | None = None
    surfaces: list[SurfaceCheck] = field(default_factory=list)
    sample: SampleCheck | None = None
    requests: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def source_for_url(url: str, index: int = 0) -> Source:
    """An ad-hoc source for a URL from the command line: its host is its domain, nothing else configured.
    Raises ValueError for anything that is not an absolute http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    sid = (
        "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in host_key(parts.hostname).lower())
        or "url"
    )
    if not sid[0].isalnum():
        sid = "u" + sid
    return Source(id=f"{sid}-{index}" if index else sid, url=url.strip())


async def check_urls(
    sources: list[Source],
    settings: CrawlSettings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[UrlCheck]:
    """Check every source (concurrently; per-host politeness still holds), in the order given."""
    settings = settings or CrawlSettings()
    logs: dict[str, list[FetchLogEntry]] = {s.id: [] for s in sources}
    robots: dict[str, FetchLogEntry] = {}  # host → its last robots.txt attempt (one fetch per host and run)

    def log(entry: FetchLogEntry) -> None:
        logs.setdefault(entry.source_id or "", []).append(entry)
        if entry.extra.get("kind") == "robots":
            robots[host_key(entry.host)] = entry

    async with Fetcher(settings, transport, log=log) as f:
        checks = await asyncio.gather(
            *(_check_one(f, s, robots, diagnose=transport is None) for s in sources)
        )
    for c, s in zip(checks, sources, strict=True):
        c.requests = len(logs[s.id])
    return list(checks)


async def check_sources(
    sources: list[Source],
    settings: CrawlSettings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[UrlCheck]:
    """The registry mode: the same check for each configured source (its feeds/sitemaps/archive used first)."""
    return await check_urls(sources, settings, transport)


def exit_code(checks: list[UrlCheck]) -> int:
    """README exit codes: 0 every target fully read; 2 none readable at all; 1 anything in between."""
    if not checks or all(c.verdict == "unreachable" for c in checks):
        return 2
    return 0 if all(c.verdict == "ok" for c in checks) else 1


# ------------------------------------------------------------------------------------------------ one target ---


async def _check_one(
    f: Fetcher, src: Source, robots: dict[str, FetchLogEntry], *, diagnose: bool
) -> UrlCheck:
    out = UrlCheck(src.url, src.id)
    try:
        await _discover(f, src, robots, out, diagnose)
    except Exception as exc:  # a check never takes the others down: the failure is the verdict
        out.verdict, out.reason = "unreachable", f"internal error: {type(exc).__name__}: {exc}"
    return out


async def _discover(
    f: Fetcher, src: Source, robots_log: dict[str, FetchLogEntry], out: UrlCheck, diagnose: bool
) -> None:
    agent = f.settings.agent
    parts = urlsplit(src.url)
    rules = await f.robots(src.url, src.id, src.allows)  # the crawler's: Protego, cached, sets Crawl-delay
    entry = robots_log.get(host_key(parts.hostname or ""))
    robots = RobotsCheck(f"{parts.scheme}://{parts.netloc}/robots.txt", agent=agent)
    if entry is not None:
        robots.status, robots.error = entry.status, entry.error_class
    if rules is not None and robots.status == 200:
        robots.found = True
        delay = rules.crawl_delay(agent)
        robots.crawl_delay = float(delay) if delay is not None else None
        rate = rules.request_rate(agent)
        robots.request_rate = f"{rate.requests}/{rate.seconds}s" if rate is not None else None
        robots.sitemaps = [u for u in rules.sitemaps if src.allows(u)]
    robots.page_allowed = rules is None or not f.settings.respect_robots or rules.can_fetch(src.url, agent)
    out.robots = robots
    failure = f.robots_failure(src.url)  # the crawler's own verdict on this host's robots.txt
    if failure is not None and f.settings.respect_robots:
        # the crawler stays away from a host whose robots.txt cannot be read: say why, fetch nothing more
        why = await _why(robots.error or failure, robots.url, diagnose)
        out.verdict, out.reason = "unreachable", f"robots.txt: {why} (the crawler stays away this run)"
        return
    if not robots.page_allowed:
        out.verdict, out.reason = "unreachable", f"robots.txt disallows this page for {agent}"
        return

    # the page itself (a feed or a sitemap given as the URL is read as one)
    home = await f.get(src.url, source_id=src.id, allows=src.allows, kind="home")
    links: HtmlLinks | None = None
    text = ""
    given = _xml_kind(home.body) if home.ok else None
    given_items: list[Entry] = []
    if home.ok and given is None:
        text = home.body.decode(home.encoding or "utf-8", "replace")
        links = parse_html_links(text, home.final_url, link_selector=src.link_selector)
    elif home.ok:
        given_items = (
            _feed_given(home, out) if given == "feed" else await _sitemap(f, src, src.url, out, home)
        )
        links = HtmlLinks([], None, None, [], None)
    note = f"→ {home.final_url}" if home.final_url != src.url else ""
    if given is None:
        out.surfaces.append(
            SurfaceCheck("home", src.url, home.status, len(links.items) if links else 0, home.error, note)
        )
    if links is None:
        why = await _why(_fetch_error(home), src.url, diagnose)
        if (home.error or "").startswith("redirect"):
            why += f" (at {home.final_url}: {home.headers.get('location', '')})"
        out.verdict, out.reason = "unreachable", why
        return

    # surfaces chosen by the crawler's own rule (configured, else found on the page / in robots.txt, else guessed)
    chosen = choose_surfaces(src, rules, HomePage(home.final_url, text, links))
    feeds, sitemaps, guessed, archive = chosen.feeds, chosen.sitemaps, chosen.sitemap_guessed, chosen.archive
    archive_note = _ARCHIVE_NOTES.get(chosen.archive_via or "", "")

    found: dict[str, list[Entry]] = {"feed": [], "sitemap": [], "listing": []}
    if given is not None:
        found[given] = given_items
        feeds = [u for u in feeds if u != src.url]
        sitemaps = [u for u in sitemaps if u != src.url]
    for url in dict.fromkeys(feeds[:MAX_FEEDS]):
        res = await f.get(url, source_id=src.id, allows=src.allows, kind="feed")
        items = parse_feed(res.body, res.final_url) if res.ok else []
        found["feed"] += items
        out.surfaces.append(
            SurfaceCheck(
                "feed",
                url,
                res.status,
                len(items),
                _fetch_error(res),
                "" if items or not res.ok else "no items",
            )
        )
    for url in dict.fromkeys(sitemaps[:MAX_SITEMAPS]):
        found["sitemap"] += await _sitemap(f, src, url, out, guessed=guessed)
    shapes = {url_shape(e.url) for e in found["feed"] + found["sitemap"] if src.allows(e.url)}
    if archive is not None:
        res = (
            home
            if archive == home.final_url
            else await f.get(archive, source_id=src.id, allows=src.allows, kind="listing")
        )
        listed: list[Entry] = []
        nxt = None
        if res.ok:
            page = parse_html_links(
                res.body.decode(res.encoding or "utf-8", "replace"),
                res.final_url,
                link_selector=src.link_selector,
            )
            listed = article_links(page.items, src, shapes)
            nxt = page.next_page
        notes = [n for n in (archive_note, f"next page {nxt}" if nxt else "") if n]
        found["listing"] = listed
        out.surfaces.append(
            SurfaceCheck("listing", archive, res.status, len(listed), _fetch_error(res), "; ".join(notes))
        )
    else:
        out.surfaces.append(SurfaceCheck("listing", "", None, 0, None, "no archive or listing link found"))

    # one sample article: the newest a feed offers, else a sitemap's, else a listing's, else the page's own links
    cands: list[tuple[str, Entry]] = [("feed", e) for e in _newest(found["feed"])]
    cands += [("sitemap", e) for e in _newest(found["sitemap"])]
    cands += [("listing", e) for e in found["listing"]]
    cands += [("home", e) for e in article_links(links.items, src, shapes)]
    tried: set[str] = set()
    for via, e in cands:
        if e.url in tried or not src.allows(e.url) or e.url == src.url:
            continue
        tried.add(e.url)
        out.sample = await _sample(f, src, strip_tracking(e.url), via)  # as the crawler fetches it
        if out.sample.is_article or len(tried) >= MAX_SAMPLES:
            break
    if out.sample is None and given is None:  # no article link around: the URL given may be an article itself
        out.sample = _extracted(SampleCheck(src.url, "page", home.status), home)

    failed = [s for s in out.surfaces if s.error and not (s.guessed and s.status in (404, 410))]
    missing = []
    if not any(s.links for s in out.surfaces if s.kind != "home"):
        missing.append("no feed, sitemap or listing yields article links")
    if out.sample is not None and not out.sample.is_article:
        missing.append(f"sample {out.sample.url} is not an article ({_sample_why(out.sample)})")
    if failed:
        missing.insert(0, "; ".join(f"{s.kind} {s.url}: {s.error}" for s in failed))
    if missing:
        out.verdict, out.reason = "partial", "; ".join(missing)


async def _sitemap(
    f: Fetcher, src: Source, url: str, out: UrlCheck, given: Fetched | None = None, *, guessed: bool = False
) -> list[Entry]:
    """A sitemap (an index: its newest child too, once) → its page URLs. `given`: the URL asked for, fetched."""
    res = given or await f.get(url, source_id=src.id, allows=src.allows, kind="sitemap")
    urls: list[Entry] = []
    err, note = _fetch_error(res), "the URL given; " if given else ""
    if res.ok:
        try:
            doc = parse_sitemap(res.body, res.final_url)
        except ValueError as exc:
            err, doc = str(exc), None
        if doc is not None and doc.children:
            child = _newest(doc.children)[0]
            note += f"index of {len(doc.children)} sitemaps; newest {child.url}"
            if not src.allows(child.url):
                err = f"newest child outside the source's domains: {child.url}"
            else:
                cres = await f.get(child.url, source_id=src.id, allows=src.allows, kind="sitemap")
                try:
                    urls = parse_sitemap(cres.body, cres.final_url).urls if cres.ok else []
                    err = None if cres.ok else f"newest child: {_fetch_error(cres)}"
                except ValueError as exc:
                    err = f"newest child: {exc}"
        elif doc is not None:
            urls = doc.urls
    elif guessed and res.status in (404, 410):
        note = "absent (guessed address)"
    out.surfaces.append(SurfaceCheck("sitemap", url, res.status, len(urls), err, note.rstrip("; "), guessed))
    return urls


def _xml_kind(body: bytes) -> Literal["feed", "sitemap"] | None:
    """A feed or a sitemap, told by its root element (gzipped sitemaps included); None for anything else."""
    try:
        head = maybe_gunzip(body[:65536] if body[:2] != b"\x1f\x8b" else body)[:2048].lstrip().lower()
    except (ValueError, zlib.error):
        return None
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return None


def _feed_given(res: Fetched, out: UrlCheck) -> list[Entry]:
    """The URL given is itself a feed: its items."""
    items = parse_feed(res.body, res.final_url)
    out.surfaces.append(SurfaceCheck("feed", res.url, res.status, len(items), None, "the URL given"))
    return items


async def _sample(f: Fetcher, src: Source, url: str, via: str) -> SampleCheck:
    res = await f.get(url, source_id=src.id, allows=src.allows, kind="article")
    sample = SampleCheck(url, via, res.status, _fetch_error(res))
    return _extracted(sample, res) if res.ok else sample


def _extracted(sample: SampleCheck, res: Fetched) -> SampleCheck:
    """Run the extractor (pure) on a fetched page and keep what says whether the crawler would get a release."""
    from khabar.extractors import extract

    rec = extract(res.body, url=res.final_url, fetched_at=res.fetched_at, encoding=res.encoding)
    sample.is_article = bool(rec.get("is_article"))
    sample.title = rec.get("title")
    sample.published_at = rec.get("published_at")
    sample.published_jalali = rec.get("published_jalali")
    sample.body_chars = len(rec.get("body") or "")
    sample.errors = list(rec.get("errors") or [])
    return sample


def _sample_why(s: SampleCheck) -> str:
    return s.error or "; ".join(s.errors[:2]) or "classified as not an article"


def _newest(entries: list[Entry]) -> list[Entry]:
    """Newest first (by published, else modified); undated entries keep their order, after the dated ones —
    or, when none is dated, the last ones first (sitemaps usually append)."""
    dated: list[tuple[datetime, Entry]] = []
    undated: list[Entry] = []
    for e in entries:
        when = e.published or e.modified
        if when is None:
            undated.append(e)
        else:
            dated.append((when, e))
    if not dated:
        return list(reversed(entries))
    dated.sort(key=lambda pair: pair[0], reverse=True)
    return [e for _, e in dated] + undated


def _fetch_error(res: Fetched) -> str | None:
    if res.error == "challenge":
        return f"challenge page ({res.challenge})" if res.challenge else "challenge page"
    return res.error


async def _why(error: str | None, url: str, diagnose: bool) -> str:
    """A readable cause for a failed fetch. On the real network a ConnectError is told apart: the name does not
    resolve (DNS), the port refuses connections, or the TCP connection opened and TLS/HTTP failed after it."""
    err = error or "no answer"
    if err in _TIMEOUTS:
        return f"timeout ({err})"
    if err.startswith("HTTP "):
        return f"{err} from {url}"
    if err == "robots-disallowed":
        return "robots.txt disallows it for our user agent"
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    if err == "dns":  # the fetcher already found the name-resolution failure in the exception chain
        return f"dns: {host} does not resolve"
    if err != "ConnectError" or not diagnose:
        return err
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), 10)
    except (socket.gaierror, TimeoutError) as exc:
        return f"dns: {host} does not resolve ({exc.strerror if isinstance(exc, socket.gaierror) else 'timeout'})"
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
    except ConnectionRefusedError:
        return f"connection refused by {host}:{port}"
    except (OSError, TimeoutError) as exc:
        return f"cannot connect to {host}:{port} ({type(exc).__name__}: {exc})"
    writer.close()
    return f"ConnectError: {host}:{port} accepts TCP but the TLS/HTTP exchange failed"


__all__ = [
    "RobotsCheck",
    "SampleCheck",
    "SurfaceCheck",
    "UrlCheck",
    "check_sources",
    "check_urls",
    "exit_code",
    "source_for_url",
]
