"""The fetcher against httpx.MockTransport and the hostile loopback site: retries, caps, redirects, robots."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import socket
import time

import httpx
import pytest

from khabar.crawl.clock import FakeClock
from khabar.crawl.http import Fetcher, PerOriginPools, error_class
from khabar.crawl.settings import CrawlSettings
from khabar.simweb.hostile import HostileServer
from khabar.simweb.transport import SimWebTransport

FAST = CrawlSettings.fast(total_timeout=3.0, max_bytes=1_000_000)


def allows(url: str) -> bool:
    return "x.test" in url or "hostile.test" in url


def fetch(handler, url="http://x.test/a", settings=FAST, clock=None, **kw):
    log = []

    async def go():
        async with Fetcher(
            settings, httpx.MockTransport(handler), "run", log.append, clock=clock or FakeClock()
        ) as f:
            return await f.get(url, source_id="s", allows=allows, **kw)

    return asyncio.run(go()), log


def robots_ok(request: httpx.Request) -> httpx.Response | None:
    if request.url.path == "/robots.txt":
        return httpx.Response(200, text="User-agent: *\nDisallow: /private\n")
    return None


def test_retries_5xx_then_success_with_one_log_row_per_attempt():
    calls = {"n": 0}

    def handler(request):
        if (r := robots_ok(request)) is not None:
            return r
        calls["n"] += 1
        return httpx.Response(503 if calls["n"] < 3 else 200, text="<html>ok</html>")

    res, log = fetch(handler)
    assert res.ok and res.body == b"<html>ok</html>"
    page_rows = [e for e in log if e.url.endswith("/a")]
    assert [e.status for e in page_rows] == [503, 503, 200] and [e.attempt for e in page_rows] == [1, 2, 3]
    assert page_rows[0].error_class == "HTTP 503"


@pytest.mark.parametrize(("retry_after", "cap", "waited"), [("20", 60, 20.0), ("300", 60, 60.0)])
def test_retry_after_is_honoured_up_to_its_cap(retry_after, cap, waited):
    """On virtual time: a Retry-After of minutes is checked without waiting for it."""
    clock = FakeClock()
    calls: list[float] = []

    def handler(request):
        if (r := robots_ok(request)) is not None:
            return r
        calls.append(clock.monotonic())
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": retry_after})
        return httpx.Response(200, text="ok")

    res, _ = fetch(handler, settings=CrawlSettings.fast(retry_after_cap=cap, backoff_max=1.0), clock=clock)
    assert res.ok and waited <= calls[1] - calls[0] < waited + 1.0


def test_gives_up_after_max_attempts_and_says_why():
    res, log = fetch(lambda r: robots_ok(r) or httpx.Response(500))
    assert not res.ok and res.error == "HTTP 500"
    assert len([e for e in log if e.url.endswith("/a")]) == FAST.max_attempts


def test_conditional_get_304():
    def handler(request):
        if (r := robots_ok(request)) is not None:
            return r
        assert request.headers["If-None-Match"] == '"v1"'
        return httpx.Response(304)

    res, _ = fetch(handler, etag='"v1"')
    assert res.not_modified and res.error is None


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def _dns(request: httpx.Request) -> httpx.Response:
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as exc:  # chained as httpcore then httpx chain it
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request) from exc


def _slow(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _unavailable(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503)


@pytest.mark.parametrize(
    ("handler", "why"),
    [(_refused, "ConnectError"), (_dns, "dns"), (_slow, "ReadTimeout"), (_unavailable, "HTTP 503")],
)
def test_unreachable_robots_is_logged_with_its_reason_not_as_a_rule(handler, why):
    """A robots.txt that cannot be read keeps the host out this run (RFC 9309), but the log says why: a network
    failure or a server error, never `robots-disallowed` (which means the site's own rule)."""
    settings = CrawlSettings.fast(max_attempts=1)
    res, log = fetch(handler, url="http://x.test/news/1", settings=settings)
    assert [(e.url, e.error_class) for e in log] == [
        ("http://x.test/robots.txt", why),
        ("http://x.test/news/1", f"robots.txt {why}"),
    ]
    assert res.error == f"robots.txt {why}" and log[-1].attempt == 0  # the page itself was not requested


def test_robots_failure_is_per_host():
    async def go():
        async with Fetcher(FAST, httpx.MockTransport(_refused)) as f:
            await f.robots("http://x.test/a", "s", allows)
            return f.robots_failure("http://www.x.test/b"), f.robots_failure("http://y.test/")

    assert asyncio.run(go()) == ("ConnectError", None)  # www. shares the site's robots.txt


def test_error_class_names_dns_failures():
    try:
        try:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        except socket.gaierror as inner:
            raise httpx.ConnectError("name resolution") from inner
    except httpx.ConnectError as exc:
        assert error_class(exc) == "dns"
    assert error_class(httpx.ConnectError("[Errno 111] Connection refused")) == "ConnectError"
    assert error_class(httpx.ConnectTimeout("timed out")) == "ConnectTimeout"


def test_robots_disallow_is_logged_and_never_requested():
    seen = []

    def handler(request):
        seen.append(request.url.path)
        return robots_ok(request) or httpx.Response(200, text="secret")

    res, log = fetch(handler, url="http://x.test/private/1")
    assert res.error == "robots-disallowed" and "/private/1" not in seen
    assert log[-1].error_class == "robots-disallowed"


def test_redirects_checked_against_the_source():
    def handler(request):
        if (r := robots_ok(request)) is not None:
            return r
        if request.url.path == "/loop":
            return httpx.Response(302, headers={"Location": "/loop2"})
        if request.url.path == "/loop2":
            return httpx.Response(302, headers={"Location": "/loop"})
        return httpx.Response(301, headers={"Location": "http://169.254.169.254/latest"})

    assert fetch(handler, url="http://x.test/loop")[0].error == "redirect-loop"  # after the hop cap
    assert fetch(handler, url="http://x.test/out")[0].error == "redirect-outside-source"


def test_size_cap_while_streaming_and_gzip_bomb():
    big = b"<p>" + b"x" * 3_000_000
    bomb = gzip.compress(b"\0" * 50_000_000)

    def handler(request):
        if (r := robots_ok(request)) is not None:
            return r
        if request.url.path == "/bomb":
            return httpx.Response(
                200, content=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"}
            )
        return httpx.Response(200, content=big, headers={"Content-Type": "text/html"})

    assert fetch(handler)[0].error == "too-large"
    res, _ = fetch(handler, url="http://x.test/bomb")
    assert res.error == "too-large" and res.body == b""


def test_binary_content_type_is_refused():
    res, _ = fetch(
        lambda r: (
            robots_ok(r) or httpx.Response(200, content=b"\x89PNG", headers={"Content-Type": "image/png"})
        )
    )
    assert res.error == "content-type image/png" and not res.ok


def test_hostile_drip_reset_truncation_do_not_hang():
    settings = CrawlSettings.fast(total_timeout=2.0, max_attempts=2)
    with HostileServer() as srv:

        async def go():
            async with Fetcher(settings, SimWebTransport(srv.port, srv.HOSTS), "r") as f:
                paths = ["/news/drip", "/news/reset", "/news/truncated", "/news/slow-headers", "/news/ok-1"]
                return await asyncio.gather(
                    *(f.get(f"http://hostile.test{p}", source_id="h", allows=allows) for p in paths)
                )

        t0 = time.monotonic()
        drip, reset, trunc, slow, ok = asyncio.run(go())
        assert time.monotonic() - t0 < 20
    assert drip.error == "TotalTimeout" and slow.error in ("ReadTimeout", "TotalTimeout")
    assert reset.error and trunc.error and not trunc.ok
    assert ok.ok and "بهزیستی".encode() in ok.body


def test_per_host_rate_and_concurrency_limits():
    """Defaults: ≤ 2 in flight and starts ≥ 1/rate apart per host; hosts do not wait for each other (virtual time:
    the server takes 3 s per request, the rate is one start a second)."""
    clock = FakeClock()
    inflight: dict[str, int] = {}
    peak: dict[str, int] = {}
    starts: dict[str, list[float]] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        starts.setdefault(host, []).append(clock.monotonic())
        inflight[host] = inflight.get(host, 0) + 1
        peak[host] = max(peak.get(host, 0), inflight[host])
        await clock.sleep(3.0)
        inflight[host] -= 1
        return httpx.Response(200, text="ok")

    settings = CrawlSettings(rate_limit=1.0)  # default concurrency (2 per host)

    async def go():
        async with Fetcher(settings, httpx.MockTransport(handler), clock=clock) as f:
            urls = [f"http://{h}.x.test/{i}" for h in ("a", "b") for i in range(8)]
            return await asyncio.gather(*(f.get(u, source_id="s", allows=allows) for u in urls))

    results = asyncio.run(go())
    assert all(r.ok for r in results)
    assert peak == {"a.x.test": 2, "b.x.test": 2}
    for host, ts in starts.items():
        gaps = [b - a for a, b in itertools.pairwise(ts)]
        assert min(gaps) >= 1.0, (host, gaps)
    # 8 requests of 3 s two at a time: 12 s per host; hosts limited separately, not one after the other (24 s)
    assert 12.0 <= clock.monotonic() < 16.0, clock.monotonic()


def test_per_origin_pools_keep_one_pool_per_origin_and_evict_only_idle_ones():
    made: list[str] = []
    closed: list[str] = []

    class Tracked(httpx.MockTransport):
        def __init__(self, origin: str) -> None:
            super().__init__(lambda r: httpx.Response(200, text="x" * 10))
            self.origin = origin

        async def aclose(self) -> None:
            closed.append(self.origin)

    def make(url: httpx.URL) -> httpx.AsyncBaseTransport:
        made.append(f"{url.scheme}://{url.host}")
        return Tracked(made[-1])

    async def go():
        pools = PerOriginPools(make, max_pools=2)
        async with httpx.AsyncClient(transport=pools) as client:
            for url in ("http://a.test/1", "http://a.test/2", "https://a.test/1", "http://b.test/1"):
                assert (await client.get(url)).text == "x" * 10
            assert made == ["http://a.test", "https://a.test", "http://b.test"]
            assert closed == ["http://a.test"]  # least recently used, idle
            async with client.stream("GET", "http://c.test/1"):  # a response still open keeps its pool busy
                await client.get("http://d.test/1")
                assert "http://c.test" not in closed
            await client.get("http://e.test/1")
            assert "http://c.test" in closed  # …and once read, it may be evicted
        assert set(closed) == set(made)  # everything closed with the client

    asyncio.run(go())


def test_fetcher_reuses_one_connection_per_host_on_the_loopback_web():
    from khabar.simweb.server import SimWebServer

    async def go(port, hosts):
        transport = SimWebTransport(port, hosts)
        site = next(h for h in hosts if not h.startswith("www."))
        async with Fetcher(FAST, transport, "r") as f:
            for host in (site, site, f"www.{site}"):
                assert (
                    await f.get(
                        f"http://{host}/robots.txt", source_id="s", allows=lambda u: True, check_robots=False
                    )
                ).status is not None
            return len(transport._pools)

    with SimWebServer() as srv:
        hosts = sorted(srv.hosts)
        assert asyncio.run(go(srv.port, hosts)) == 2  # the site and its www. alias: two origins, two pools


def test_host_transports_follow_the_environment_proxy_and_no_proxy(monkeypatch):
    import httpcore

    from khabar.crawl.http import _host_transport

    monkeypatch.setenv("HTTP_PROXY", "http://proxy.local:3128")
    monkeypatch.setenv("NO_PROXY", "direct.test")
    make = _host_transport(2)
    assert isinstance(make(httpx.URL("http://agency.test/"))._pool, httpcore.AsyncHTTPProxy)
    assert not isinstance(make(httpx.URL("http://direct.test/"))._pool, httpcore.AsyncHTTPProxy)


def test_crawl_delay_holds_from_the_request_after_robots_txt():
    """The robots.txt request is booked with the fast default spacing; the Crawl-delay it announces must still hold
    for the very next request (it used to follow 3–4 ms later). Virtual time: a 30 s delay costs no waiting."""
    clock = FakeClock()
    starts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(clock.monotonic())
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nCrawl-delay: 30\nDisallow: /*?search=\n")
        return httpx.Response(200, html="<html><body>ok</body></html>")

    async def go() -> list[str | None]:
        async with Fetcher(FAST, httpx.MockTransport(handler), clock=clock) as f:
            out = []
            for url in ("http://x.test/", "http://x.test/a", "http://x.test/list?search=x"):
                out.append((await f.get(url, source_id="s", allows=allows)).error)
            return out

    errors = asyncio.run(go())
    assert errors == [None, None, "robots-disallowed"]  # the wildcard rule holds, and costs no request
    assert len(starts) == 3
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 30.0, gaps


@pytest.mark.parametrize("status", [200, 403, 503])
def test_challenge_pages_are_an_error_whatever_the_status(status):
    body = (
        "<html><head><title>Just a moment...</title></head><body>Checking your browser before accessing."
        "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></body></html>"
    )
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        if (r := robots_ok(request)) is not None:
            return r
        calls.append(request.url.path)
        return httpx.Response(status, html=body)

    res, log = fetch(handler)
    log = [e for e in log if e.extra["kind"] != "robots"]
    assert [e.error_class for e in log] == ["challenge"] and log[0].extra["challenge"]
    assert res.error == "challenge" and res.body == b"" and res.challenge
    assert len(calls) == 1  # not retried within the run, even as a 503


def test_form_post_sends_fields_and_a_redirected_post_becomes_a_get():
    seen: list[tuple[str, str, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if (r := robots_ok(request)) is not None:
            return r
        seen.append((request.method, request.url.path, request.content))
        if request.method == "POST":
            return httpx.Response(302, headers={"location": "/after"})
        return httpx.Response(200, html="<html>page 2</html>")

    res, _ = fetch(handler, method="POST", data={"__EVENTTARGET": "ctl00$gv", "__EVENTARGUMENT": "Page$2"})
    assert res.ok and res.body == b"<html>page 2</html>"
    assert seen[0][0] == "POST" and b"__EVENTARGUMENT=Page%242" in seen[0][2]
    assert seen[1][:2] == ("GET", "/after")


def test_under_crawl_delay_requests_go_one_at_a_time_from_the_end_of_the_previous():
    """Concurrency 4 and a slow server: with a Crawl-delay the next request waits for the previous one to end."""
    clock = FakeClock()
    spans: list[tuple[float, float]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nCrawl-delay: 2\n")
        t0 = clock.monotonic()
        await clock.sleep(1.5)
        spans.append((t0, clock.monotonic()))
        return httpx.Response(200, html="<html>ok</html>")

    async def go() -> None:
        settings = CrawlSettings.fast(per_host_concurrency=4)
        async with Fetcher(settings, httpx.MockTransport(handler), clock=clock) as f:
            await asyncio.gather(
                *(f.get(f"http://x.test/{k}", source_id="s", allows=allows) for k in range(4))
            )

    asyncio.run(go())
    spans.sort()
    assert len(spans) == 4
    assert all(b[0] - a[1] >= 2.0 for a, b in itertools.pairwise(spans)), spans
