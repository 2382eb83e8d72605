"""Issue 8: a whole daily ingest against the hostile loopback site, a healthy simulated-web source and a source
whose host does not resolve, in one run, through the real pipeline into a real DuckDB file.

The hostile site must cost bounded time, every trap must end as a fetch_log error or as a page the extractor
handled, nothing outside the source's domain is ever requested, and the other sources load in full."""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pytest

from khabar.crawl import CrawlSettings
from khabar.pipeline import CrawlOptions, run_ingest
from khabar.simweb.config import SimWebConfig
from khabar.simweb.hostile import ARTICLES, EXTERNAL_LINKS, HOST, TRAPS, HostileServer
from khabar.simweb.plugin import SimWeb
from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebTransport
from khabar.warehouse.db import open_db

HEALTHY = "kerman-behzisti"
HEALTHY_HOST = "kerman.behzisti.test"
GHOST_HOST = "ghost.invalid"
BUDGET_S = 60.0  # the whole run; drip/slow-headers/huge traps alone would take minutes without the caps


class HostRouter(httpx.AsyncBaseTransport):
    """Dispatch by host to the hostile server or to the simulated web; any other host fails like DNS does.
    Records every host a request was made for (before any routing), so nothing can leave unnoticed."""

    def __init__(self, routes: dict[str, httpx.AsyncBaseTransport]) -> None:
        self.routes = routes
        self.hosts: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host.lower()
        self.hosts[host] += 1
        inner = self.routes.get(host)
        if inner is None:
            raise httpx.ConnectError(f"name resolution failed for {host!r}", request=request)
        return await inner.handle_async_request(request)

    async def aclose(self) -> None:
        for inner in set(self.routes.values()):
            await inner.aclose()


REGISTRY = f"""sources:
- id: hostile
  url: http://{HOST}/
  link_selector: "li a"
- id: {HEALTHY}
  url: https://{HEALTHY_HOST}/
  agency: سازمان بهزیستی
  province: کرمان
- id: ghost
  url: http://{GHOST_HOST}/
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    sources = tmp / "sources.yaml"
    sources.write_text(REGISTRY, encoding="utf-8")
    config = SimWebConfig()
    settings = CrawlSettings.fast(total_timeout=2.0, read_timeout=2.0, max_attempts=2, batch_size=20)
    with HostileServer() as hostile, SimWebServer(config) as sim:
        router = HostRouter(
            {
                HOST: SimWebTransport(hostile.port, HostileServer.HOSTS),
                HEALTHY_HOST: SimWebTransport(sim.port, sim.hosts),
            }
        )
        con = open_db(tmp / "h.duckdb")
        t0 = time.monotonic()
        summary = run_ingest(
            con, CrawlOptions(sources_path=sources, transport=router, settings=settings, now=SimWeb().now())
        )
        elapsed = time.monotonic() - t0
        yield {
            "con": con,
            "summary": summary,
            "elapsed": elapsed,
            "hostile": hostile,
            "router": router,
            "sim": sim,
            "config": config,
        }
        con.close()


def _rows(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def test_run_completes_in_bounded_time(hostile_run):
    # completed, but with errors: the unresolvable source failed (test_unresolvable_source_is_logged_…)
    assert hostile_run["summary"].as_dict()["status"] == "completed_with_errors"
    assert hostile_run["elapsed"] < BUDGET_S, hostile_run["elapsed"]


def test_hostile_articles_are_loaded(hostile_run):
    con = hostile_run["con"]
    loaded = {u for (u,) in _rows(con, "SELECT url FROM releases WHERE source_id = 'hostile' AND is_article")}
    assert {f"http://{HOST}{p}" for p in ARTICLES} <= loaded


def test_every_trap_is_an_error_or_a_handled_page(hostile_run):
    con, srv = hostile_run["con"], hostile_run["hostile"]
    errors = {
        u
        for (u,) in _rows(
            con, "SELECT url FROM fetch_log WHERE source_id = 'hostile' AND error_class IS NOT NULL"
        )
    }
    state_errors = dict(
        _rows(
            con,
            "SELECT url, last_error FROM crawl_urls WHERE source_id = 'hostile' AND last_error IS NOT NULL",
        )
    )
    pages = {u for (u,) in _rows(con, "SELECT url FROM releases WHERE source_id = 'hostile'")}
    outcome = {}
    for path in TRAPS:
        url = f"http://{HOST}{path}"
        assert srv.hits.get(path, 0) >= 1, f"{path} was never tried"
        outcome[path] = "page" if url in pages else "error" if url in errors | set(state_errors) else None
    assert None not in outcome.values(), outcome
    # the traps that must never become a page, and the ones whose content must survive
    for path in (
        "/news/drip",
        "/news/truncated",
        "/news/reset",
        "/news/redirect-loop",
        "/news/huge",
        "/news/huge-declared",
        "/news/gzip-bomb",
        "/news/always-500",
        "/news/slow-headers",
    ):
        assert outcome[path] == "error", (path, outcome[path])
    assert state_errors[f"http://{HOST}/news/redirect-loop"] == "redirect-loop"
    timeouts = {"TotalTimeout", "ReadTimeout", "ConnectTimeout", "PoolTimeout"}
    for path in (
        "/news/nul",
        "/news/bidi",
        "/news/wrong-charset",
        "/news/no-charset",
        "/news/429",
        "/news/binary",
        "/news/deep",
        "/news/unclosed",
        "/news/long-line",
    ):
        # a page, unless the loopback server was starved by the 50 MB traps on a loaded machine (timeouts only)
        why = {
            e
            for (e,) in _rows(
                con,
                "SELECT error_class FROM fetch_log WHERE url = ? AND error_class IS NOT NULL",
                f"http://{HOST}{path}",
            )
        }
        assert outcome[path] == "page" or why <= timeouts, (path, outcome[path], why)
    # bounded effort: retries capped by max_attempts (2) in each of two rounds (the end-of-source round)
    assert srv.hits["/news/redirect-loop"] <= 2 * (CrawlSettings().max_redirects + 1)
    assert srv.hits["/news/always-500"] <= 4
    assert srv.hits["/news/drip"] <= 4 and srv.hits["/news/huge"] <= 2


def test_caps_hold_in_the_archive(hostile_run):
    con = hostile_run["con"]
    biggest = _rows(con, "SELECT max(size_bytes) FROM pages WHERE source_id = 'hostile'")[0][0]
    assert biggest <= 10 * 1024 * 1024
    assert (
        _rows(con, "SELECT count(*) FROM pages WHERE url LIKE '%huge%' OR url LIKE '%gzip-bomb%'")[0][0] == 0
    )


def test_nothing_outside_the_source_was_requested(hostile_run):
    srv, router = hostile_run["hostile"], hostile_run["router"]
    assert srv.hosts_seen == {HOST}
    assert set(router.hosts) <= {HOST, HEALTHY_HOST, GHOST_HOST}, router.hosts
    con = hostile_run["con"]
    for ext in EXTERNAL_LINKS:
        assert not _rows(con, "SELECT 1 FROM fetch_log WHERE url = ?", ext), ext
    hosts = {h for (h,) in _rows(con, "SELECT DISTINCT host FROM fetch_log")}
    assert hosts == {HOST, HEALTHY_HOST, GHOST_HOST}


def test_feed_entities_not_expanded_and_sitemap_loop_terminates(hostile_run):
    con, srv = hostile_run["con"], hostile_run["hostile"]
    via_feed = {
        u for (u,) in _rows(con, "SELECT url FROM fetch_log WHERE extra->>'kind' = 'feed' AND status = 200")
    }
    assert {f"http://{HOST}{p}" for p in ARTICLES} <= via_feed  # the feed parsed despite its DOCTYPE
    text = _rows(con, "SELECT string_agg(coalesce(title, '') || coalesce(body, ''), ' ') FROM releases")[0][0]
    assert "lollol" not in text and "root:" not in text
    assert not _rows(con, "SELECT 1 FROM fetch_log WHERE url LIKE '%passwd%' OR url LIKE 'file:%'")
    assert srv.hits["/feed.xml"] == 1
    assert (
        srv.hits["/sitemap.xml"] == 1 and srv.hits["/sitemap-b.xml"] == 1
    )  # index → b → index: visited once
    assert srv.hits["/sitemap-urls.xml.gz"] == 1


def test_garbage_robots_does_not_block_the_site(hostile_run):
    con = hostile_run["con"]
    assert not _rows(
        con, "SELECT 1 FROM fetch_log WHERE source_id = 'hostile' AND error_class = 'robots-disallowed'"
    )


def test_healthy_source_loads_in_full(hostile_run):
    from datetime import timedelta

    from khabar.simweb.truth import iter_truth
    from khabar.urls import canonical_url

    con, config = hostile_run["con"], hostile_run["config"]
    # first daily run: initial_lookback_days (3) + recheck_days (3) before the simulated "now"
    truth = {
        canonical_url(t.url)
        for t in iter_truth(config, config.today - timedelta(days=6), None)
        if HEALTHY_HOST in t.url and t.page_kind == "article"
    }
    assert len(truth) >= 5
    loaded = {
        u
        for (u,) in _rows(
            con, "SELECT canonical_url FROM releases WHERE source_id = ? AND is_article", HEALTHY
        )
    }
    assert truth <= loaded, sorted(truth - loaded)
    assert not _rows(
        con, "SELECT url, error_class FROM fetch_log WHERE source_id = ? AND error_class IS NOT NULL", HEALTHY
    )
    assert _rows(con, "SELECT count(*) - count(DISTINCT canonical_url) FROM releases")[0][0] == 0


def test_unresolvable_source_is_logged_and_others_complete(hostile_run):
    con, summary = hostile_run["con"], hostile_run["summary"]
    rows = _rows(con, "SELECT error_class, count(*) FROM fetch_log WHERE source_id = 'ghost' GROUP BY 1")
    assert dict(rows).get("ConnectError", 0) >= 1, rows
    assert not _rows(con, "SELECT 1 FROM releases WHERE source_id = 'ghost'")
    # one source unreachable: the others complete, and the run says that one failed, with the reason (issue 20)
    assert summary.as_dict()["status"] == "completed_with_errors"
    assert summary.extra["crawl"]["failed_sources"] == {"ghost": "robots.txt unreachable: ConnectError"}
    assert {s for (s,) in _rows(con, "SELECT DISTINCT source_id FROM releases")} == {"hostile", HEALTHY}


def test_redirect_loop_reason_is_in_fetch_log(hostile_run):
    con = hostile_run["con"]
    classes = {
        e
        for (e,) in _rows(
            con, "SELECT error_class FROM fetch_log WHERE url = ?", f"http://{HOST}/news/redirect-loop"
        )
    }
    assert "redirect-loop" in classes, classes
