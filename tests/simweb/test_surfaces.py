"""Discovery surfaces agree with the pages: feeds, sitemaps (index, monthly, gzipped, news), archives, robots."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import date, timedelta
from xml.etree import ElementTree as ET

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from khabar.simweb.config import SimWebConfig
from khabar.simweb.server import SimWebServer
from khabar.simweb.transport import SimWebSyncTransport
from khabar.simweb.truth import iter_truth, truth_for_url
from khabar.simweb.urls import feed_path

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "atom": "http://www.w3.org/2005/Atom",
}
TODAY = date(2024, 3, 19)
SMALL = SimWebConfig(
    start_day=TODAY - timedelta(days=45), today=TODAY, n_agency_sites=6, n_provinces=3, n_news_sites=2
)


@pytest.fixture(scope="module")
def small():
    with (
        SimWebServer(SMALL) as srv,
        httpx.Client(transport=SimWebSyncTransport(srv.port, srv.hosts), timeout=30) as c,
    ):
        yield srv, c


def _get(c: httpx.Client, url: str, base: str) -> httpx.Response:
    r = c.get(httpx.URL(base).join(url), follow_redirects=True)
    assert r.status_code == 200, url
    return r


def _truth_by_site() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for t in iter_truth(SMALL):
        out.setdefault(t.site_id, {})[t.url] = t
    return out


def test_archives_list_every_page_newest_first(small) -> None:
    srv, c = small
    truth = _truth_by_site()
    for site in srv.world.sites:
        base = site.origin + "/"
        home = LexborHTMLParser(_get(c, "/", base).text)
        archive = next(a.attributes["href"] for a in home.css("a") if a.text() in ("آرشیو اخبار",))
        seen: list[tuple[str, str]] = []
        url: str | None = archive
        pages = 0
        while url:
            r = _get(c, url, base)
            tree = LexborHTMLParser(r.text)
            for a in tree.css("a"):
                href = a.attributes.get("href") or ""
                t = (
                    truth_for_url(SMALL, str(httpx.URL(base).join(href)))
                    if any(
                        k in href
                        for k in ("/fa/news/", "/fa/video/", "ArticleID", "newsid", "ShowNews", "VideoID")
                    )
                    else None
                )
                if t is not None and a.text().strip() == t.title:
                    seen.append((t.url, t.published_at))
            nxt = [
                a.attributes["href"] for a in tree.css("a") if a.text().strip() in ("بعدی", "صفحه بعد", ">>")
            ]
            url = nxt[0] if nxt else None
            pages += 1
        urls = [u for u, _ in seen]
        assert set(urls) == set(truth[site.site_id]), site.site_id
        # newest first (related / popular boxes may repeat a link, so compare first occurrences)
        firsts = list(dict.fromkeys(seen))
        assert [p for _, p in firsts] == sorted((p for _, p in firsts), reverse=True)
        assert pages > 1


def test_feeds_hold_the_latest_items(small) -> None:
    srv, c = small
    for site in srv.world.sites:
        home = LexborHTMLParser(_get(c, "/", site.origin + "/").text)
        alt = [n.attributes["href"] for n in home.css('link[rel="alternate"]')]
        assert alt == [feed_path(site)]
        root = ET.fromstring(_get(c, alt[0], site.origin + "/").content)
        if site.template == "portal":
            links = [e.find("atom:link", NS).attrib["href"] for e in root.findall("atom:entry", NS)]
        else:
            links = [i.findtext("link") for i in root.iter("item")]
        assert len(links) == min(SMALL.feed_items, len(links)) and links
        latest = [it for it in srv.world.catalog.latest(site, TODAY, SMALL.feed_items) if it.is_article]
        assert [truth_for_url(SMALL, u).url for u in links] == [srv.world.url(i) for i in latest]
        r = c.get(links[0])
        assert r.status_code == 200


def test_sitemaps_cover_every_page(small) -> None:
    srv, c = small
    truth = _truth_by_site()
    for site in srv.world.sites:
        robots = _get(c, "/robots.txt", site.origin + "/").text
        sm_url = next(line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap:"))
        index = ET.fromstring(_get(c, sm_url, site.origin + "/").content)
        locs = [e.text for e in index.findall("sm:sitemap/sm:loc", NS)]
        found: set[str] = set()
        news_dates = 0
        for loc in locs:
            body = _get(c, loc, site.origin + "/").content
            if loc.endswith(".gz"):
                body = gzip.decompress(body)
            us = ET.fromstring(body)
            for u in us.findall("sm:url", NS):
                if "/sitemap/news.xml" not in loc:
                    found.add(u.findtext("sm:loc", namespaces=NS))
                pd = u.find("news:news/news:publication_date", NS)
                if pd is not None:
                    news_dates += 1
                    t = truth[site.site_id].get(u.findtext("sm:loc", namespaces=NS))
                    assert t is not None and t.published_at == pd.text
        assert found == set(truth[site.site_id]), site.site_id
        if site.template != "aspnet":
            assert news_dates > 0
        if site.template == "newsagency":
            assert any(loc.endswith(".xml.gz") for loc in locs)


def test_link_variants_serve_the_same_article(world, client) -> None:
    site = next(s for s in world.sites if s.aliases and s.template != "aspnet")
    item = world.catalog.latest(site, world.today, 1)[0]
    canon = world.url(item)
    code = world.code(item)
    alias = site.aliases[0]
    variants = [
        canon,
        canon.replace("https://", "http://"),
        canon.replace(site.host, alias),
        canon + "?utm_source=rss&utm_medium=rss",
        f"{site.origin}/fa/news/{code}",
        f"{site.origin}/fa/news/{code}/any-slug",
    ]
    bodies = {client.get(v).content for v in variants}
    assert len(bodies) == 1
    assert all(truth_for_url(world.config, v).url == canon for v in variants)


def test_clock_hides_the_future_and_reveals_it(small) -> None:
    srv, c = small
    site = srv.world.sites[0]
    before = srv.world.catalog.count_through(site, TODAY)
    nxt = TODAY + timedelta(days=3)
    future = srv.world.catalog.items_on(site, nxt) or srv.world.catalog.items_on(
        site, nxt + timedelta(days=1)
    )
    assert future
    url = srv.world.url(future[0])
    assert c.get(url).status_code == 404
    r = c.post("http://control.simweb.test/clock", params={"today": "1403-01-03"})  # 2024-03-22
    assert r.json()["today"] == "2024-03-22"
    try:
        srv.set_today(future[0].day)
        assert c.get(url).status_code == 200
        assert srv.world.catalog.count_through(site, srv.today) > before
    finally:
        srv.set_today(TODAY)
    assert c.get(url).status_code == 404


def test_robots_disallow_section_only_with_faults() -> None:
    from khabar.simweb.world import World

    plain = World(SMALL)
    assert all(not plain.robots_disallowed(s) for s in plain.sites)
    faulty = World(replace(SMALL, faults=replace(SMALL.faults, robots_disallow=True)))
    assert sum(bool(faulty.robots_disallowed(s)) for s in faulty.sites) == 1
