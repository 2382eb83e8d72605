"""Issue 16 acceptance on the simulated web: WebForms portals whose archive only postbacks reach, Crawl-delay from
the first request, challenge pages on first visits and a fully blocked source, print variants joining their
article. Figures come from the simulated server's own request log and the truth, never from the crawler's report."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections import Counter
from datetime import date, timedelta

import httpx
import pytest
from protego import Protego

from khabar.crawl import Backfill, Crawler, CrawlSettings, Incremental
from khabar.crawl.clock import SYSTEM_CLOCK, Clock, FakeClock
from khabar.crawl.sources import Source
from khabar.simweb.challenge import blocked_sites, challenge_sites
from khabar.simweb.config import PortalConfig, SimWebConfig
from khabar.simweb.plugin import SimWeb
from khabar.simweb.server import SimWebServer
from khabar.simweb.sites import build_sites
from khabar.simweb.sources import source_entries
from khabar.simweb.transport import SimWebSyncTransport, SimWebTransport
from khabar.simweb.truth import iter_truth
from khabar.simweb.webforms_site import webforms_styles
from khabar.urls import canonical_url, host_key, url_key
from khabar.warehouse.crawl_state import load_state, save_batch_state
from khabar.warehouse.db import open_db, transaction
from khabar.warehouse.raw import write_fetch_log, write_pages

TODAY = date(2023, 9, 12)
START, END = TODAY - timedelta(days=30), TODAY


def _config(**portals) -> SimWebConfig:
    return SimWebConfig(today=TODAY, portals=PortalConfig(**portals))


def _sources(config: SimWebConfig, indexes) -> list[Source]:
    entries = source_entries(config)
    return [Source(**entries[i]) for i in sorted(indexes)]


def crawl(con, srv, sources, mode, now_day=TODAY, settings=None, clock: Clock | None = None):
    """One run on the loopback web. Politeness waits (the portals' Crawl-delay) run on a FakeClock unless a test
    measures them on the server's own log with the real clock."""
    clock = clock or FakeClock()
    state = load_state(con, [s.id for s in sources], now=SimWeb(today=now_day).now(), wall_now=clock.now())

    def sink(batch):
        with transaction(con):
            write_pages(con, batch.pages)
            write_fetch_log(con, batch.fetch_log)
            save_batch_state(con, batch)

    crawler = Crawler(
        sources,
        settings or CrawlSettings.fast(),
        transport=SimWebTransport(srv.port, srv.hosts),
        state=state,
        run_id="t",
        now=SimWeb(today=now_day).now(),
        clock=clock,
    )
    return asyncio.run(crawler.run(mode, sink))


def truth_keys(config, site_ids, start, end):
    return {
        url_key(t.url)
        for t in iter_truth(config, start, end)
        if t.page_kind == "article" and t.site_id in site_ids
    }


def fetched_keys(con, srv):
    """Truth keys of the articles archived, whichever URL variant (``/News/ShowNews.aspx?Code=…``) was followed."""
    rows = con.execute("SELECT url, final_url FROM pages WHERE status = 200").fetchall()
    items = (srv.world.item_for_url(u) for row in rows for u in row)
    return {url_key(srv.world.url(i)) for i in items if i is not None}


def robots_violations(srv) -> list[str]:
    """Requests the site's own robots.txt disallows (read with protego, as a checker independent of the crawl)."""
    rules: dict[str, Protego] = {}
    bad = []
    for e in srv.request_log:
        if e.kind == "robots":
            continue
        site = srv.world.by_host[e.host]
        if site.index not in rules:
            body = srv.world.handle(e.host, "GET", "/robots.txt").body.decode()
            rules[site.index] = Protego.parse(body)
        if not rules[site.index].can_fetch(f"http://{e.host}{e.path}", CrawlSettings().agent):
            bad.append(e.path)
    return bad


@pytest.fixture(scope="module")
def portals():
    config = _config(webforms_sites=3, crawl_delay=0.15)
    with SimWebServer(config) as srv:
        yield config, srv


def test_webforms_backfill_through_postbacks_then_quiet_daily(portals, tmp_path):
    config, srv = portals
    styles = webforms_styles(config)
    assert sorted(styles.values()) == ["buttons", "datapager", "gridview"]
    sources = _sources(config, styles)
    assert sources[0].archive_spec.kind == "postback" and sources[1].archive is None  # configured / found
    con = open_db(tmp_path / "w.duckdb")
    srv.clear_log()
    report = crawl(con, srv, sources, Backfill(START, END))
    ids = {s.id for s in sources}
    truth = truth_keys(config, ids, START, END)
    assert len(truth) > 150
    missing = truth - fetched_keys(con, srv)
    assert not missing, (
        f"{len(missing)} of {len(truth)} truth articles not loaded, e.g. {sorted(missing)[:3]}"
    )
    posts = [e for e in srv.request_log if e.method == "POST"]
    assert {e.host for e in posts} == {
        build_sites(config)[i].host for i in styles
    }  # every pager style posted
    assert all(e.status == 200 for e in posts), Counter(e.status for e in posts)  # no stale view state sent
    assert report.as_dict()["postbacks"] == len(posts) and report.as_dict()["failed"] == 0
    assert robots_violations(srv) == []
    # the GET archive ignores ?Page=: every article older than its first page came through a postback
    assert not [e for e in srv.request_log if "Page=" in e.path]

    srv.clear_log()
    crawl(con, srv, sources, Backfill(START, END))
    assert srv.request_log == []  # checkpointed: the sitemap the crawler guessed is absent, not a failure

    crawl(con, srv, sources, Incremental())  # picks up today's items
    srv.clear_log()
    report = crawl(con, srv, sources, Incremental())
    assert report.as_dict()["fetched"] == 0
    assert [e for e in srv.request_log if e.method == "POST"] == []  # archive unchanged (304): no postback
    # no sitemap, no feed, nothing changed: not one article is asked for (each recent page is revalidated once, a
    # day after it was first fetched, not on every run), and each discovery surface is asked for once
    assert [e.path for e in srv.request_log if e.kind == "article"] == []
    per_surface = Counter((e.host, e.method, e.path) for e in srv.request_log)
    assert max(per_surface.values()) == 1, per_surface.most_common(3)
    assert {e.kind for e in srv.request_log} == {"robots", "home", "listing"}
    assert all(e.status == 304 for e in srv.request_log if e.kind in ("home", "listing"))


def test_a_new_day_posts_back_only_as_far_as_needed(portals, tmp_path):
    config, srv = portals
    styles = webforms_styles(config)
    sources = _sources(config, styles)
    con = open_db(tmp_path / "d.duckdb")
    day1 = TODAY - timedelta(days=1)
    srv.set_today(day1)
    try:
        crawl(con, srv, sources, Incremental(), now_day=day1)
        srv.set_today(TODAY)
        srv.clear_log()
        crawl(con, srv, sources, Incremental(), now_day=TODAY)
    finally:
        srv.set_today(TODAY)
    ids = {s.id for s in sources}
    assert truth_keys(config, ids, TODAY, TODAY + timedelta(days=1)) <= fetched_keys(con, srv)
    posts = Counter(e.host for e in srv.request_log if e.method == "POST")
    # today's few items sit on the first archive page: at most the page after it is posted for, per site
    assert max(posts.values(), default=0) <= 1, posts


def test_stale_view_state_is_rejected():
    from khabar.crawl.postback import next_request

    config = _config(webforms_sites=1)
    site = build_sites(config)[next(iter(webforms_styles(config)))]
    with SimWebServer(config) as srv, httpx.Client(transport=SimWebSyncTransport(srv.port, srv.hosts)) as c:
        first = c.get(f"http://{site.host}/NewsArchive.aspx")
        action, data, _ = next_request(first.text, str(first.url), 1)
        page2 = c.post(action, data=data)
        assert page2.status_code == 200 and page2.text != first.text
        vs = re.compile(r'name="__VIEWSTATE" id="__VIEWSTATE" value="([^"]+)"')
        assert vs.search(page2.text).group(1) != vs.search(first.text).group(1)  # a fresh view state per page
        srv.set_today(TODAY + timedelta(days=1))  # new items: yesterday's view state is stale
        try:
            assert c.post(action, data=data).status_code == 500
            tampered = {**data, "__EVENTVALIDATION": data["__EVENTVALIDATION"][:-4] + "AAAA"}
            fresh = c.get(f"http://{site.host}/NewsArchive.aspx")
            _, good, _ = next_request(fresh.text, str(fresh.url), 1)
            assert (
                c.post(action, data={**good, "__EVENTVALIDATION": tampered["__EVENTVALIDATION"]}).status_code
                == 500
            )
            assert c.post(action, data=good).status_code == 200
        finally:
            srv.set_today(TODAY)


def test_crawl_delay_holds_from_the_first_request(tmp_path):
    """robots.txt says Crawl-delay: 0.3; the source's own rate is far higher (politeness lifted): every start on the
    host, the home page right after robots.txt included, is at least that long after the previous one — on the
    server's own log, so on the real clock (the one test here that waits for politeness)."""
    config = _config(webforms_sites=1, crawl_delay=0.3)
    index = next(iter(webforms_styles(config)))
    sources = _sources(config, [index])
    con = open_db(tmp_path / "cd.duckdb")
    with SimWebServer(config) as srv:
        crawl(con, srv, sources, Backfill(TODAY - timedelta(days=1), TODAY), clock=SYSTEM_CLOCK)
        log = sorted(
            (e for e in srv.request_log if host_key(e.host) == host_key(sources[0].host)),
            key=lambda e: e.mono,
        )
    assert log[0].kind == "robots" and len(log) >= 4
    gaps = [b.mono - a.mono for a, b in itertools.pairwise(log)]
    assert min(gaps) >= 0.29, [round(g, 3) for g in gaps]
    assert robots_violations(srv) == []


def test_challenged_first_visits_are_loaded_on_the_second_run_and_a_blocked_source_is_reported(tmp_path):
    from khabar.pipeline import CrawlOptions, run_backfill
    from khabar.warehouse.query import blocked_sources

    config = _config(challenge_sites=1, blocked_sites=1, challenge_share=0.5)
    challenged, blocked = challenge_sites(config), blocked_sites(config)
    sources = _sources(config, challenged | blocked)
    path = tmp_path / "sources.yaml"
    import yaml

    path.write_text(
        yaml.safe_dump(
            {"sources": [s.model_dump(exclude_defaults=True) for s in sources]}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    con = open_db(tmp_path / "ch.duckdb")
    start, end = TODAY - timedelta(days=20), TODAY
    ids = {build_sites(config)[i].site_id for i in challenged}
    truth = truth_keys(config, ids, start, end)
    with SimWebServer(config) as srv:
        tx = SimWebTransport(srv.port, srv.hosts)
        first = run_backfill(
            con,
            start,
            end,
            CrawlOptions(
                sources_path=path, transport=tx, settings=CrawlSettings.fast(), now=SimWeb(today=TODAY).now()
            ),
        )
        n_challenged = con.execute(
            "SELECT count(*) FROM fetch_log WHERE error_class = 'challenge'"
        ).fetchone()[0]
        statuses = {
            s
            for (s,) in con.execute(
                "SELECT DISTINCT status FROM fetch_log WHERE error_class = 'challenge'"
            ).fetchall()
        }
        loaded_first = {url_key(u) for (u,) in con.execute("SELECT canonical_url FROM releases").fetchall()}
        second = run_backfill(
            con,
            start,
            end,
            CrawlOptions(
                sources_path=path,
                transport=SimWebTransport(srv.port, srv.hosts),
                settings=CrawlSettings.fast(),
                now=SimWeb(today=TODAY).now(),
            ),
        )
    assert n_challenged >= 5 and statuses == {200, 403, 503}  # a challenge whatever the status
    assert truth - loaded_first  # the first run did miss the challenged articles …
    loaded = {url_key(u) for (u,) in con.execute("SELECT canonical_url FROM releases").fetchall()}
    assert truth <= loaded, sorted(truth - loaded)[:3]  # … the second one loaded every article
    leaked = con.execute(
        "SELECT count(*) FROM releases WHERE title ILIKE '%مرورگر%' OR title ILIKE '%just a moment%'"
        " OR title ILIKE '%امنیتی%' OR body ILIKE '%صبر کنید%'"
    ).fetchone()[0]
    assert leaked == 0
    assert (
        con.execute("SELECT count(*) FROM pages WHERE body_zlib IS NULL OR status <> 200").fetchone()[0] == 0
    )
    blocked_id = build_sites(config)[next(iter(blocked))].site_id
    assert first.extra["crawl"]["blocked_sources"] == [blocked_id] == second.extra["crawl"]["blocked_sources"]
    _, rows = blocked_sources(con)
    assert [r[0] for r in rows] == [blocked_id]
    con.close()
    from typer.testing import CliRunner

    from khabar.cli import app

    out = CliRunner().invoke(app, ["status", "--db", str(tmp_path / "ch.duckdb")])
    assert out.exit_code == 0, out.output
    blocked_part = out.output.split("Blocked sources", 1)[1]
    assert blocked_id in blocked_part and sources[0].id not in blocked_part


def test_print_variant_joins_its_article(tmp_path):
    """The portal's ?print=1 page declares rel=canonical: archived beside the article, it is the same release."""
    from datetime import UTC, datetime

    from khabar.pipeline import process_batch
    from khabar.records import RawPage

    config = _config(webforms_sites=1)
    site = build_sites(config)[next(iter(webforms_styles(config)))]
    item = next(
        i
        for i in iter_truth(config, TODAY - timedelta(days=2), TODAY)
        if i.site_id == site.site_id and i.page_kind == "article"
    )
    con = open_db(tmp_path / "p.duckdb")
    pages = []
    with SimWebServer(config) as srv, httpx.Client(transport=SimWebSyncTransport(srv.port, srv.hosts)) as c:
        for url in (item.url, item.url + "&print=1"):
            r = c.get(url)
            assert r.status_code == 200
            pages.append(
                RawPage(
                    url=url,
                    final_url=url,
                    source_id=site.site_id,
                    status=200,
                    headers=dict(r.headers),
                    body=r.content,
                    fetched_at=datetime.now(UTC),
                )
            )
        assert b'rel="canonical"' in pages[1].body and b"NewsTools" in pages[1].body
    process_batch(con, pages)
    rows = con.execute("SELECT canonical_url, url FROM releases").fetchall()
    assert len(rows) == 1 and rows[0][0] == canonical_url(item.url), rows
