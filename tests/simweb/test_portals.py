"""The simulated web's provincial-portal features (issue 16): WebForms portals, challenge and blocked sites.

Off by default, so the default world (and every figure measured on it) is unchanged."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from urllib.parse import urlencode

from khabar.extractors.challenge import challenge_reason

from khabar.crawl.postback import find_pager, next_request
from khabar.simweb import challenge
from khabar.simweb.config import PORTALS_PRESET, PortalConfig, SimWebConfig
from khabar.simweb.sites import build_sites
from khabar.simweb.sources import source_entries
from khabar.simweb.truth import iter_truth
from khabar.simweb.webforms_site import webforms_styles
from khabar.simweb.world import World

TODAY = date(2023, 9, 12)
CONFIG = SimWebConfig(today=TODAY).with_portals(PORTALS_PRESET)


def _get(world: World, host: str, target: str):
    return world.handle(host, "GET", target)


def test_default_world_has_no_portals():
    config = SimWebConfig(today=TODAY)
    assert webforms_styles(config) == {}
    assert challenge.challenge_sites(config) == frozenset() == challenge.blocked_sites(config)
    assert all("archive" not in e for e in source_entries(config))
    world = World(config)
    aspnet = next(s for s in world.sites if s.template == "aspnet")
    assert _get(world, aspnet.host, "/RSS.aspx").status == 200
    assert world.handle(aspnet.host, "POST", "/NewsArchive.aspx").status == 405


def test_webforms_portal_surfaces():
    world = World(CONFIG)
    styles = webforms_styles(CONFIG)
    assert len(styles) == 3
    for index, style in styles.items():
        site = world.sites[index]
        robots = _get(world, site.host, "/robots.txt").body.decode()
        assert "Crawl-delay: 1" in robots and "Disallow: /*?search=" in robots and "Sitemap" not in robots
        for path in ("/RSS.aspx", "/sitemap.aspx", "/sitemap.xml"):
            assert _get(world, site.host, path).status == 404
        home = _get(world, site.host, "/").body.decode()
        assert 'href="/NewsArchive.aspx"' in home and "?search=" in home
        assert find_pager(home) == []  # the language link and the search button are no pagers
        first = _get(world, site.host, "/NewsArchive.aspx").body
        assert _get(world, site.host, "/NewsArchive.aspx?Page=3").body == first  # only postbacks page
        controls = find_pager(first.decode())
        assert controls, style
        action, data, _ = next_request(first.decode(), f"http://{site.host}/NewsArchive.aspx", 1)
        assert action == f"http://{site.host}/NewsArchive.aspx"
        page2 = world.handle(site.host, "POST", "/NewsArchive.aspx", body=urlencode(data).encode())
        assert page2.status == 200 and page2.kind == "postback" and page2.body != first
        total = world.catalog.count_through(site, TODAY)
        forged = base64.b64encode(f"/wEP{site.site_id}|7|{total}|{0:016x}|".encode()).decode()
        for vs in ("garbage", forged):  # unreadable, or a page number without its MAC
            bad = {**data, "__VIEWSTATE": vs}
            assert (
                world.handle(site.host, "POST", "/NewsArchive.aspx", body=urlencode(bad).encode()).status
                == 500
            )
        no_gen = {k: v for k, v in data.items() if k != "__VIEWSTATEGENERATOR"}
        assert (
            world.handle(site.host, "POST", "/NewsArchive.aspx", body=urlencode(no_gen).encode()).status
            == 500
        )


def test_webforms_pages_are_deterministic():
    a, b = World(CONFIG), World(CONFIG)
    site = a.sites[next(iter(webforms_styles(CONFIG)))]
    for target in ("/", "/NewsArchive.aspx", "/robots.txt"):
        assert _get(a, site.host, target).body == _get(b, site.host, target).body


def test_print_variant_declares_its_article():
    world = World(CONFIG)
    site = world.sites[next(iter(webforms_styles(CONFIG)))]
    t = next(
        t
        for t in iter_truth(CONFIG, TODAY - timedelta(days=3), TODAY)
        if t.site_id == site.site_id and t.page_kind == "article"
    )
    target = t.url.split(site.host, 1)[1]
    page = _get(world, site.host, target + "&print=1")
    assert page.status == 200 and f'<link rel="canonical" href="{t.url}" />'.encode() in page.body


def test_challenge_on_first_visits_and_blocked_sites():
    sites = build_sites(CONFIG)
    (ch,) = challenge.challenge_sites(CONFIG)
    (bl,) = challenge.blocked_sites(CONFIG)
    assert ch not in webforms_styles(CONFIG) and bl not in webforms_styles(CONFIG)
    codes = [
        t.news_code for t in iter_truth(CONFIG, date(2023, 8, 1), TODAY) if t.site_id == sites[ch].site_id
    ]
    decided = [challenge.decide(CONFIG, sites[ch], "article", c, 1) for c in codes]
    share = sum(d is not None for d in decided) / len(decided)
    assert 0.15 < share < 0.45  # challenge_share 0.3
    assert {d for d in decided if d} == {200, 403, 503}
    assert all(
        challenge.decide(CONFIG, sites[ch], "article", c, 2) is None for c in codes
    )  # the second visit
    assert challenge.decide(CONFIG, sites[ch], "home", None, 1) is None
    for kind in ("home", "feed", "article", "sitemap_index"):
        assert challenge.decide(CONFIG, sites[bl], kind, "1", 7) is not None
    assert challenge.decide(CONFIG, sites[bl], "robots", None, 1) is None
    for status in (200, 403, 503):
        html = challenge.page(CONFIG, sites[ch], "/x", status).decode()
        assert challenge_reason(html, status) is not None  # the extractor's recogniser agrees


def test_portal_config_is_part_of_the_world_identity():
    assert SimWebConfig(portals=PortalConfig(webforms_sites=1)) != SimWebConfig()


def test_committed_portals_registry_matches_the_generator():
    import yaml
    from typer.testing import CliRunner

    from khabar.crawl.sources import load_sources
    from khabar.simweb.cli import app

    out = CliRunner().invoke(app, ["sources", "--portals"]).output
    with open("config/sources.simweb-portals.yaml", encoding="utf-8") as f:
        assert yaml.safe_load(f) == yaml.safe_load(out)
    postback = [s for s in load_sources("config/sources.simweb-portals.yaml") if s.archive is not None]
    assert [s.archive_spec.kind for s in postback] == ["postback"]
