"""The polite fetcher: per-host rate and concurrency limits, robots.txt with crawl-delay, conditional GET,
retries with exponential backoff and jitter honouring Retry-After, timeouts including a whole-request deadline
(slow-drip responses), a redirect cap that re-checks every hop against the source's domains, a streamed size cap
(gzip bombs included: the cap applies to decoded bytes), and charset detection. Every attempt is one fetch_log row.

The only module that opens sockets. The httpx client is created inside the running event loop; its transport is
injectable (`httpx.MockTransport`, the simulated web's loopback transport)."""

from __future__ import annotations

import asyncio
import random
import socket
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from khabar.crawl.clock import SYSTEM_CLOCK, Clock
from khabar.crawl.settings import CrawlSettings
from khabar.extractors.challenge import challenge_reason
from khabar.extractors.charset import detect_charset
from khabar.pools import PerOriginPools
from khabar.records import FetchLogEntry
from khabar.urls import host_key

_TEXT_TYPES = ("html", "xml", "rss", "atom", "text/plain", "octet-stream", "gzip")
_CHALLENGE_STATUS = frozenset({401, 403, 429, 503})
_CHALLENGE_HEAD = 65536  # bytes of an error page read to recognise a challenge wall
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


def _is_html(headers: dict[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    return not ctype or "html" in ctype or "text/plain" in ctype


class TooLarge(Exception):
    pass


@dataclass
class Fetched:
    """The outcome of one logical fetch (after retries and redirects)."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    encoding: str | None = None
    error: str | None = None  # None on 200/304; else the reason of the last attempt
    challenge: str | None = None  # error "challenge": what gave the challenge page away
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def error_class(exc: BaseException) -> str:
    """The fetch_log name of a network failure: the httpx exception's class (`ConnectError`, `ReadTimeout`),
    except a name-resolution failure, `dns`: httpx reports it as a ConnectError, like a refused connection,
    but it means something else to whoever reads the log (a wrong host name, no network at all)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, socket.gaierror):
            return "dns"
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return type(exc).__name__


def _retry_after(value: str | None, cap: float, now: datetime) -> float | None:
    if not value:
        return None
    try:
        secs = float(value)
    except ValueError:
        try:
            secs = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError, IndexError):
            return None
    return max(0.0, min(secs, cap))


@dataclass
class _Wire:
    """One attempt in progress: its outcome, the decoded bytes read, an error page's head, the retry delay."""

    res: Fetched
    size: int = 0
    error_head: bytes = b""
    retry_in: float | None = None


def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The validators of a conditional GET (a 304 then means the page is unchanged)."""
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


async def _read_error_head(r: httpx.Response, wire: _Wire) -> None:
    async for chunk in r.aiter_bytes():
        wire.error_head += chunk
        if len(wire.error_head) >= _CHALLENGE_HEAD:
            break


def _unmask_challenge(wire: _Wire) -> None:
    """A challenge wall (CDN/WAF browser check, captcha) answering with HTML is not content, and not transient
    within this run: the outcome becomes error "challenge" with the reason; the crawler records it and a later
    run retries."""
    res = wire.res
    if res.error is not None or res.status is None or not _is_html(res.headers):
        return
    head = res.body[: _CHALLENGE_HEAD * 4] if res.status == 200 else wire.error_head[:_CHALLENGE_HEAD]
    if not head:
        return
    reason = challenge_reason(
        head.decode(detect_charset(res.headers, head) or "utf-8", "replace"), res.status
    )
    if reason is not None:
        res.error, res.body, res.challenge = "challenge", b"", reason


class HostGate:
    """At most `concurrency` requests in flight and one start per `interval` seconds for one host.

    Under a robots.txt Crawl-delay the host is served one request at a time and the delay runs from the end of
    the previous request, so the server itself sees the delay between any two requests (spacing starts alone
    lets a request that was slow to leave the client arrive closer than the delay to the next one)."""

    def __init__(self, rate: float, concurrency: int, clock: Clock = SYSTEM_CLOCK) -> None:
        self.clock = clock
        self.interval = 1.0 / rate
        self.sem = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        self._next = 0.0
        self._last = -1e18  # monotonic time of the last start
        self._serial: asyncio.Lock | None = None  # set by a Crawl-delay: one request at a time
        self._holders: set[asyncio.Task[object] | None] = set()  # the tasks holding `_serial` (one at most)

    async def __aenter__(self) -> None:
        await self.sem.acquire()
        serial = self._serial
        try:
            if serial is not None:
                await serial.acquire()
            # The wait is taken under the lock and measured from the previous *actual* start, so a late wake-up on a
            # busy loop cannot bunch two starts closer than `interval` (reserving slots in advance could).
            async with self._lock:
                while (wait := self._next - self.clock.monotonic()) > 0:
                    await self.clock.sleep(wait)
                self._last = self.clock.monotonic()
                self._next = self._last + self.interval
        except BaseException:
            if serial is not None and serial.locked():
                serial.release()
            self.sem.release()
            raise
        if serial is not None:
            self._holders.add(asyncio.current_task())

    async def __aexit__(self, *exc: object) -> None:
        task = asyncio.current_task()
        if task in self._holders and self._serial is not None:
            self._holders.discard(task)
            self._next = max(
                self._next, self.clock.monotonic() + self.interval
            )  # the delay runs from this request's end
            self._serial.release()
        self.sem.release()

    def set_interval(self, seconds: float) -> None:
        """A robots.txt Crawl-delay: a longer spacing, one request at a time, holding from the very next request
        (the robots.txt request, already answered, went through this gate with the old spacing)."""
        if seconds > self.interval:
            self.interval = seconds
            self._serial = self._serial or asyncio.Lock()
            self._next = max(self._next, self._last + seconds, self.clock.monotonic() + seconds)

    def slow_down(self, seconds: float) -> None:
        """A 429/503 with Retry-After pushes the next start for the whole host, not just for one URL."""
        self._next = max(self._next, self.clock.monotonic() + seconds)


def _host_transport(per_host: int) -> Callable[[httpx.URL], httpx.AsyncBaseTransport]:
    """Transports for `PerOriginPools`: one TLS context for all of them (loading the CA bundle costs ~25 ms each) and
    the environment's proxy settings (HTTP(S)_PROXY, NO_PROXY), which httpx ignores once a transport is given."""
    ssl_context = httpx.create_ssl_context()
    limits = httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host)
    proxies = urllib.request.getproxies()

    def make(url: httpx.URL) -> httpx.AsyncBaseTransport:
        proxy = proxies.get(url.scheme) or proxies.get("all")
        if proxy and urllib.request.proxy_bypass(url.host):
            proxy = None
        return httpx.AsyncHTTPTransport(verify=ssl_context, limits=limits, proxy=proxy)

    return make


class Fetcher:
    """Use as `async with Fetcher(settings, transport, run_id) as f:`; `await f.get(url, allows=…)`."""

    def __init__(
        self,
        settings: CrawlSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        run_id: str | None = None,
        log: Callable[[FetchLogEntry], None] | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.transport = transport
        self.run_id = run_id
        self._log = log or (lambda entry: None)
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, Protego | None] = {}
        self._robots_lock: dict[str, asyncio.Lock] = {}
        self._robots_failed: dict[str, str] = {}  # host -> why its robots.txt could not be read (network/5xx)
        self._global = asyncio.Semaphore(settings.global_concurrency)
        self._client: httpx.AsyncClient | None = None
        self.host_rates: dict[str, float] = {}
        self.host_concurrency: dict[str, int] = {}

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        transport = self.transport or PerOriginPools(_host_transport(s.per_host_concurrency))
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            http2=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout, pool=s.total_timeout),
            headers={
                "User-Agent": s.agent,
                "Accept-Encoding": "gzip, deflate, br",
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "fa,en;q=0.5",
            },
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    def gate(self, host: str) -> HostGate:
        host = host_key(host)  # www./m. variants are the same server: one budget
        g = self._gates.get(host)
        if g is None:
            rate = self.host_rates.get(host, self.settings.rate_limit)
            conc = min(
                self.host_concurrency.get(host, self.settings.per_host_concurrency),
                self.settings.per_host_concurrency,
            )
            g = self._gates[host] = HostGate(rate, conc, self.clock)
        return g

    # ------------------------------------------------------------------------------------------ robots ---
    async def robots(self, url: str, source_id: str | None, allows: Callable[[str], bool]) -> Protego | None:
        """The host's robots.txt, fetched once per run; None means everything is allowed."""
        parts = urlsplit(url)
        key = host_key(parts.hostname or "")  # one robots.txt per site (www./http variants share it)
        lock = self._robots_lock.setdefault(key, asyncio.Lock())
        async with lock:
            if key in self._robots:
                return self._robots[key]
            res = await self.get(
                f"{parts.scheme}://{parts.netloc}/robots.txt",
                source_id=source_id,
                allows=allows,
                check_robots=False,
                kind="robots",
            )
            rules: Protego | None = None
            if res.ok:
                try:
                    rules = Protego.parse(res.body.decode("utf-8", "replace"))
                except Exception:  # garbage robots.txt: treat as absent
                    rules = None
            elif res.status is None or (res.status >= 500):
                rules = Protego.parse("User-agent: *\nDisallow: /")  # unreachable: stay away this run
                self._robots_failed[key] = res.error or f"HTTP {res.status}"
            self._robots[key] = rules
            if rules is not None:
                delay = rules.crawl_delay(self.settings.agent)
                if isinstance(delay, int | float) and 0 < delay <= 60:
                    self.gate(parts.hostname or "").set_interval(float(delay))
            return rules

    def robots_failure(self, url: str) -> str | None:
        """Why the host's robots.txt could not be read this run (`ConnectError`, `dns`, `ReadTimeout`,
        `HTTP 503`), or None: such a host is kept out as if disallowed, but it is a failure, not a rule."""
        return self._robots_failed.get(host_key(urlsplit(url).hostname or ""))

    async def allowed_by_robots(self, url: str, source_id: str | None, allows: Callable[[str], bool]) -> bool:
        if not self.settings.respect_robots:
            return True
        rules = await self.robots(url, source_id, allows)
        return rules is None or rules.can_fetch(url, self.settings.agent)

    # ------------------------------------------------------------------------------------------ fetch ---
    async def get(
        self,
        url: str,
        *,
        source_id: str | None,
        allows: Callable[[str], bool],
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
        kind: str = "page",
        method: str = "GET",
        data: dict[str, str] | None = None,
    ) -> Fetched:
        """GET (or, with `method="POST"` and form `data`, a form post) with politeness, retries and redirects.
        Never raises for network or HTTP trouble: the reason is in `error` and in fetch_log. A challenge page
        (CDN/WAF browser check, captcha wall) is never returned as content: `error == "challenge"`."""
        s = self.settings
        if check_robots and not await self.allowed_by_robots(url, source_id, allows):
            why = self.robots_failure(url)  # robots.txt unreachable: say why, it is not the site's rule
            error = "robots-disallowed" if why is None else f"robots.txt {why}"
            self._entry(url, None, 0, 0.0, error, 0, source_id, kind)
            return Fetched(url, url, error=error, fetched_at=self.clock.now())
        target, hops, visited = url, 0, {url}
        attempt = 0
        while True:
            attempt += 1
            res, retry_in = await self._attempt(
                target, source_id, etag, last_modified, attempt, kind, method, data
            )
            if res.status is not None and 300 <= res.status < 400 and res.status != 304:
                if res.status in (
                    301,
                    302,
                    303,
                ):  # a redirected form post is followed by a GET, as browsers do
                    method, data = "GET", None
                loc = res.headers.get("location")
                nxt = urljoin(target, loc) if loc else None
                hops += 1
                if nxt is None:
                    return self._final(url, target, res, "redirect-without-location", source_id, kind)
                if not allows(nxt):
                    return self._final(url, target, res, "redirect-outside-source", source_id, kind)
                if (
                    hops > s.max_redirects
                ):  # a URL may redirect to itself once (cookies); a cycle hits the cap
                    return self._final(
                        url,
                        target,
                        res,
                        "redirect-loop" if nxt in visited else "too-many-redirects",
                        source_id,
                        kind,
                    )
                visited.add(nxt)
                target, attempt = nxt, 0
                continue
            if retry_in is None or attempt >= s.max_attempts:
                res.url = url
                return res
            await self.clock.sleep(retry_in)

    def _final(
        self, url: str, target: str, res: Fetched, error: str, source_id: str | None, kind: str
    ) -> Fetched:
        """A redirect we refuse to follow: the reason gets its own fetch_log row (the hops were logged as 3xx)."""
        res.url, res.final_url, res.error = url, target, error
        self._entry(url, res.status, 0, 0.0, error, 0, source_id, kind)
        return res

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        return min(s.backoff_max, s.backoff_base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)

    async def _attempt(
        self,
        url: str,
        source_id: str | None,
        etag: str | None,
        last_modified: str | None,
        attempt: int,
        kind: str,
        method: str = "GET",
        data: dict[str, str] | None = None,
    ) -> tuple[Fetched, float | None]:
        """One request. Returns the outcome and, when it may be retried, the delay before the next attempt."""
        gate = self.gate(urlsplit(url).hostname or "")
        wire = _Wire(Fetched(url, url))
        async with self._global, gate:
            started = self.clock.now()  # latency excludes the politeness wait
            t0 = time.perf_counter()
            await self._exchange(wire, method, url, _conditional(etag, last_modified), data, attempt)
        ms = (time.perf_counter() - t0) * 1000
        res = wire.res
        _unmask_challenge(wire)
        if res.error is None and res.status is not None:
            wire.retry_in = self._status_error(res, res.status, gate, attempt)
        if res.ok:
            res.encoding = detect_charset(res.headers, res.body)
        res.fetched_at = started
        self._entry(
            url,
            res.status,
            wire.size,
            ms,
            res.error,
            attempt,
            source_id,
            kind,
            started,
            method,
            res.challenge,
        )
        return res, wire.retry_in

    async def _exchange(
        self,
        wire: _Wire,
        method: str,
        url: str,
        headers: dict[str, str],
        data: dict[str, str] | None,
        attempt: int,
    ) -> None:
        """The request and what is kept of its answer, under the whole-request deadline. Network trouble becomes
        the outcome's error and, when it is transient, a retry delay."""
        assert self._client is not None
        res = wire.res
        try:
            async with (
                asyncio.timeout(self.settings.total_timeout),
                self._client.stream(method, url, headers=headers, data=data) as r,
            ):
                res.status = r.status_code
                res.headers = {k.lower(): v for k, v in r.headers.items()}
                res.final_url = str(r.url)
                if r.status_code == 200:
                    await self._read_body(r, wire)
                elif r.status_code in _CHALLENGE_STATUS and _is_html(res.headers):
                    # error bodies are not kept (they can be hostile and large); a challenge wall answers
                    # 403/429/503 with a small page: read its head only, to tell it from a plain error
                    await _read_error_head(r, wire)
        except TooLarge:
            res.error, res.body = "too-large", b""
        except TimeoutError:
            res.error = "TotalTimeout"  # a slow drip: one more try, then the next run tries again
            wire.retry_in = self._backoff(attempt) if attempt == 1 else None
        except (httpx.TimeoutException, httpx.TransportError, httpx.DecodingError) as exc:
            res.error = error_class(exc)
            wire.retry_in = self._backoff(attempt)
        except (httpx.HTTPError, ValueError, OSError) as exc:  # anything else the wire can throw
            res.error = type(exc).__name__

    async def _read_body(self, r: httpx.Response, wire: _Wire) -> None:
        """A 200's body, decoded and capped while it streams (gzip bombs included); none for a type not text."""
        cap = self.settings.max_bytes
        declared = r.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise TooLarge(declared)
        ctype = wire.res.headers.get("content-type", "").lower()
        if ctype and not any(t in ctype for t in _TEXT_TYPES):
            wire.res.error = f"content-type {ctype.split(';')[0]}"
            return
        chunks = []
        async for chunk in r.aiter_bytes():
            wire.size += len(chunk)
            if wire.size > cap:
                raise TooLarge(str(wire.size))
            chunks.append(chunk)
        wire.res.body = b"".join(chunks)

    def _status_error(self, res: Fetched, status: int, gate: HostGate, attempt: int) -> float | None:
        """An HTTP error status becomes the outcome's error; a transient one also gives the delay before the next
        attempt (at least its Retry-After, which slows the whole host down too)."""
        if status in _RETRY_STATUS:
            res.error = f"HTTP {status}"
            wait = _retry_after(
                res.headers.get("retry-after"), self.settings.retry_after_cap, self.clock.now()
            )
            if wait is not None:
                gate.slow_down(wait)
            return max(wait or 0.0, self._backoff(attempt))
        if status >= 400:
            res.error = f"HTTP {status}"
        return None

    def _entry(
        self,
        url: str,
        status: int | None,
        size: int,
        ms: float,
        error: str | None,
        attempt: int,
        source_id: str | None,
        kind: str,
        started: datetime | None = None,
        method: str = "GET",
        challenge: str | None = None,
    ) -> None:
        extra: dict[str, str] = {"kind": kind}
        if method != "GET":
            extra["method"] = method
        if challenge:
            extra["challenge"] = challenge
        self._log(
            FetchLogEntry(
                run_id=self.run_id,
                url=url,
                host=urlsplit(url).hostname or "",
                status=status,
                bytes=size,
                milliseconds=round(ms, 2),
                error_class=error,
                attempt=attempt,
                started_at=started or self.clock.now(),
                source_id=source_id,
                extra=extra,
            )
        )
