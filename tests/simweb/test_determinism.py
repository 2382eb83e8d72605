"""The same seed builds the same web (byte for byte); another seed builds another one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from khabar.simweb.catalog import Catalog
from khabar.simweb.config import SimWebConfig
from khabar.simweb.model import TEMPLATE_FAMILIES
from khabar.simweb.sites import FAMILIES, build_sites
from khabar.simweb.truth import iter_truth, truth_to_json
from khabar.simweb.world import World

SMALL = SimWebConfig(
    start_day=date(2024, 1, 1), today=date(2024, 2, 10), n_agency_sites=8, n_provinces=4, n_news_sites=3
)


def _pages(world: World) -> list[bytes]:
    out = []
    for site in world.sites:
        for path in ("/", "/robots.txt", "/sitemap.xml", "/fa/rss/allnews", "/fa/feed/atom", "/RSS.aspx"):
            out.append(world.handle(site.host, "GET", path).body)
        for item in world.catalog.latest(site, world.today, 5):
            out.append(world.render_article(item)[0])
    return out


def test_same_seed_same_bytes() -> None:
    a = World(SMALL)
    b = World(replace(SMALL))
    b.catalog = Catalog(b.config, a.catalog.n_days)  # a fresh catalog, not the cached one
    assert _pages(a) == _pages(b)
    ta = [truth_to_json(t) for t in iter_truth(SMALL, date(2024, 2, 1))]
    assert ta == [truth_to_json(t) for t in iter_truth(replace(SMALL), date(2024, 2, 1))]
    assert len(ta) > 100


def test_other_seed_other_web() -> None:
    other = replace(SMALL, seed=7)
    assert [s.host for s in build_sites(SMALL)] != [s.host for s in build_sites(other)]
    ta = {t.title for t in iter_truth(SMALL, date(2024, 2, 1))}
    tb = {t.title for t in iter_truth(other, date(2024, 2, 1))}
    assert len(ta & tb) < len(ta) / 4


def test_default_world_shape() -> None:
    cfg = SimWebConfig()
    sites = build_sites(cfg)
    agency = [s for s in sites if s.spec.kind == "agency"]
    assert len(agency) == 16 and len(sites) == 20
    assert len({s.spec.province for s in agency}) == 8
    assert len({s.spec.agency for s in agency}) >= 6
    assert {s.template for s in sites} == {"newsagency", "portal", "aspnet"}  # platforms
    assert {s.family for s in sites} == set(TEMPLATE_FAMILIES)  # every page family has sites
    assert all(s.family in FAMILIES[s.template] for s in sites)
    legacy = build_sites(replace(cfg, families=("newsagency", "portal", "aspnet")))
    assert all(s.family == s.template for s in legacy)
    assert [s.host for s in legacy] == [s.host for s in sites]  # families change pages, not the world's shape
    assert sum(s.cp1256 for s in sites) == 2
    assert all(s.host.endswith(".test") for s in sites)
    big = replace(cfg, n_agency_sites=50, n_news_sites=6)
    assert len({h for s in build_sites(big) for h in s.hosts}) >= 56


def test_news_codes_increase_with_time_and_resolve(world: World) -> None:
    for site in world.sites:
        items = world.catalog.latest(site, world.today, 200)
        codes = [int(world.code(i)) for i in items]
        times = [i.published_at for i in items]
        assert codes == sorted(codes, reverse=True) and len(set(codes)) == len(codes)
        assert times == sorted(times, reverse=True)
        for i in items[:20]:
            assert world.item_by_code(site, world.code(i)) == i


def test_shares_of_republished_templated_edited(world: World) -> None:
    cat = world.catalog
    originals = templated = edited = 0
    for site in cat.agency:
        for o in range(0, cat.count_through(site, world.today), 3):
            it = cat.item(site, o)
            templated += it.kind == "templated"
            originals += 1
            edited += it.edit_day is not None
    copies = sum(cat.count_through(s, world.today) for s in cat.news)
    assert 0.09 < templated / originals < 0.15
    assert 0.035 < edited / originals < 0.065
    n_orig = sum(cat.count_through(s, world.today) for s in cat.agency)
    assert 0.35 * 1.5 < copies / n_orig < 0.35 * 2.5  # 1–3 copies each, mean 2
    assert n_orig + copies > 100_000


def test_copies_share_cluster_and_come_later(world: World) -> None:
    site = world.catalog.news[0]
    for item in world.catalog.latest(site, world.today, 30):
        t = world.truth(item)
        osi, odi, oser = item.origin
        osite = world.sites[osi]
        orig = world.catalog.items_on(osite, world.config.start_day + timedelta(days=odi))[oser]
        to = world.truth(orig)
        assert t.cluster_id == to.cluster_id and t.url != to.url
        assert item.published_at > orig.published_at
        assert item.published_at - orig.published_at < timedelta(hours=31)


def test_arabic_letters_in_old_portal_items(world: World) -> None:
    portal = next(s for s in world.sites if s.template == "portal")
    old = [world.truth(world.catalog.item(portal, o)) for o in range(40)]
    assert sum("ي" in t.body or "ك" in t.body for t in old) >= 20
    new = world.catalog.latest(portal, world.today, 20)
    assert not any("ي" in world.truth(i).body for i in new if world.truth(i).page_kind == "article")
