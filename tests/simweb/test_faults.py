"""Faults: off by default, injected at the configured rates, deterministic per (seed, url, attempt)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import httpx
import pytest

from khabar.simweb.config import FAULTS_PRESET, FaultConfig, SimWebConfig
from khabar.simweb.faults import decide
from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebTransport
from khabar.simweb.truth import iter_truth
from khabar.simweb.world import World

TODAY = date(2024, 3, 19)
FAULTS = FaultConfig(
    error_5xx=0.10,
    rate_limited=0.05,
    timeout=0.03,
    timeout_s=1.0,
    slow=0.04,
    slow_s=0.2,
    reset=0.04,
    truncated=0.04,
    redirect_chain=0.05,
)
CFG = SimWebConfig(
    start_day=TODAY - timedelta(days=60),
    today=TODAY,
    n_agency_sites=6,
    n_provinces=3,
    n_news_sites=2,
    faults=FAULTS,
)


def test_off_by_default() -> None:
    assert not SimWebConfig().faults.any_transient
    assert all(decide(SimWebConfig().faults, 42, f"u{i}", 1) is None for i in range(1000))


def test_decide_rates_and_determinism() -> None:
    n = 20_000
    kinds = Counter(
        (f.kind if (f := decide(FAULTS_PRESET, 42, f"/fa/news/{i}", 1)) else None) for i in range(n)
    )
    expect = {
        "5xx": 0.10,
        "429": 0.03,
        "timeout": 0.05,
        "reset": 0.02,
        "truncated": 0.02,
        "slow": 0.03,
        "redirect": 0.03,
    }
    for k, rate in expect.items():
        assert abs(kinds[k] / n - rate) < 4 * (rate * (1 - rate) / n) ** 0.5 + 0.002, (k, kinds[k])
    again = [decide(FAULTS_PRESET, 42, f"/fa/news/{i}", 1) for i in range(200)]
    assert again == [decide(FAULTS_PRESET, 42, f"/fa/news/{i}", 1) for i in range(200)]
    # a later attempt draws again: most faulted URLs succeed on the next try
    failed = [i for i in range(n) if decide(FAULTS_PRESET, 42, f"/fa/news/{i}", 1)]
    second = sum(decide(FAULTS_PRESET, 42, f"/fa/news/{i}", 2) is not None for i in failed)
    assert second / len(failed) < 0.35


async def _fetch_all(srv: SimWebServer, urls: list[str]) -> list[object]:
    sem = asyncio.Semaphore(24)
    async with httpx.AsyncClient(
        transport=SimWebTransport(srv.port, srv.hosts), timeout=0.6, follow_redirects=True
    ) as c:

        async def one(u: str) -> object:
            async with sem:
                try:
                    return await c.get(u)
                except httpx.HTTPError as exc:
                    return exc

        return await asyncio.gather(*(one(u) for u in urls))


def _classify(r: object) -> str:
    if isinstance(r, httpx.Response):
        if r.status_code == 429:
            assert int(r.headers["retry-after"]) >= 1
            return "429"
        if r.status_code >= 500:
            return "5xx"
        if r.history:
            assert r.status_code == 200 and 2 <= len(r.history) <= 8  # a retried hop may redirect again
            return "redirect"
        return "ok"
    if isinstance(r, httpx.TimeoutException):
        return "timeout"
    if isinstance(r, httpx.RemoteProtocolError | httpx.ReadError):
        return "broken"  # reset or truncated
    return type(r).__name__


def test_faults_over_http_at_configured_rates() -> None:
    urls = [t.url for t in iter_truth(CFG)][:900]
    with SimWebServer(CFG) as srv:
        results = asyncio.run(_fetch_all(srv, urls))
        log = [e for e in srv.request_log if e.kind != "redirect" or e.fault]
    got = Counter(_classify(r) for r in results)
    n = len(urls)

    def near(kind: str, rate: float) -> None:
        assert abs(got[kind] / n - rate) < 4 * (rate / n) ** 0.5 + 0.01, (kind, got)

    near("5xx", FAULTS.error_5xx)
    near("429", FAULTS.rate_limited)
    near("timeout", FAULTS.timeout)
    near("broken", FAULTS.reset + FAULTS.truncated)
    near("redirect", FAULTS.redirect_chain)
    logged = Counter(e.fault for e in log if e.attempt == 1 and e.path.startswith(("/fa/", "/Default")))
    assert logged["slow"] > 0 and logged["truncated"] > 0 and logged["reset"] > 0


def test_retries_succeed_and_replay_is_identical() -> None:
    urls = [t.url for t in iter_truth(CFG)][:120]

    def run() -> list[tuple[str, int, str | None]]:
        with (
            SimWebServer(CFG) as srv,
            httpx.Client(
                transport=__import__("khabar.simweb.transport", fromlist=["x"]).SimWebSyncTransport(
                    srv.port, srv.hosts
                ),
                timeout=0.6,
                follow_redirects=True,
            ) as c,
        ):
            for u in urls:
                for _ in range(12):
                    try:
                        if c.get(u).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                else:
                    pytest.fail(f"never succeeded: {u}")
            return [(e.path, e.status, e.fault) for e in srv.request_log]

    first = run()
    assert any(f for _, _, f in first)
    assert first == run()


def test_structural_faults() -> None:
    cfg = replace(
        CFG,
        faults=replace(
            FAULTS_PRESET,
            oversized_bytes=2_000_000,
            error_5xx=0,
            rate_limited=0,
            timeout=0,
            slow=0,
            reset=0,
            truncated=0,
            redirect_chain=0,
        ),
    )
    world = World(cfg)
    truths = list(iter_truth(cfg))
    kinds = Counter(t.page_kind for t in truths)
    assert kinds["video"] + kinds["app"] > 0 and kinds["article"] > 0
    nonart = next(t for t in truths if t.page_kind in ("video", "app"))
    r = world.handle(nonart.url.split("/")[2], "GET", nonart.url.split(nonart.url.split("/")[2], 1)[1])
    assert r.status == 200 and r.kind in ("video", "app")
    assert len(world._oversized) == 1
    si, o = next(iter(world._oversized))
    body, _ = world.render_article(world.catalog.item(world.sites[si], o))
    assert len(body) > 2_000_000
    robots = [world.handle(s.host, "GET", "/robots.txt").body.decode() for s in world.sites]
    assert sum("Disallow: /fa/video/" in r for r in robots) == 1
