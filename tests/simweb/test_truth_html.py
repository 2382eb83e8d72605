"""Truth agrees with the served HTML: title, lead, body paragraphs, date and news code, over 600+ pages."""

from __future__ import annotations

import httpx

from khabar.simweb.catalog import Item
from khabar.simweb.model import TEMPLATE_FAMILIES
from khabar.simweb.sites import h64
from khabar.simweb.world import World

from .pagecheck import date_shown, norm, read_page


def _sample(world: World, per_site: int = 32) -> list[Item]:
    out = []
    for site in world.sites:
        total = world.catalog.count_through(site, world.today)
        for k in range(per_site):
            o = (h64("sample", site.site_id, k) % total) if k else total - 1
            out.append(world.catalog.item(site, o))
    return out


def _check(world: World, item: Item, resp: httpx.Response) -> None:
    truth = world.truth(item)
    assert resp.status_code == 200, truth.url
    charset = resp.headers["content-type"].split("charset=")[1]
    assert charset == truth.encoding
    page = read_page(resp.content.decode(charset), truth.template)
    assert page["title"] is not None and page["title"].strip() == truth.title
    if truth.page_kind != "article":
        assert page["paragraphs"] == []
        return
    assert page["paragraphs"] == truth.body.split("\n\n")
    assert (page["lead"] or None) == truth.lead
    assert page["code"] is not None and norm(page["code"]).strip().endswith(truth.news_code)
    assert page["date"] is not None and date_shown(page["date"], truth.published_jalali), (
        page["date"],
        truth,
    )


def test_truth_matches_html_over_http(world: World, client: httpx.Client) -> None:
    items = _sample(world)
    assert len(items) >= 600
    templates, encodings = set(), set()
    for item in items:
        truth = world.truth(item)
        _check(world, item, client.get(truth.url))
        templates.add(truth.template)
        encodings.add(truth.encoding)
    assert templates == set(TEMPLATE_FAMILIES)
    assert encodings == {"utf-8", "windows-1256"}


def test_edited_pages_show_the_new_version(world: World, client: httpx.Client) -> None:
    edited = []
    for site in world.sites[:10]:
        total = world.catalog.count_through(site, world.today)
        for o in range(total - 400, total):
            item = world.catalog.item(site, o)
            if item.edit_day is not None and item.edit_day <= world.today:
                edited.append(item)
    assert len(edited) >= 10
    for item in edited[:25]:
        truth = world.truth(item)
        assert truth.version == 2
        resp = client.get(truth.url)
        _check(world, item, resp)


def test_newsagency_meta_and_jsonld(world: World, client: httpx.Client) -> None:
    import json

    site = next(s for s in world.sites if s.spec.kind == "news")
    item = world.catalog.latest(site, world.today, 1)[0]
    truth = world.truth(item)
    page = read_page(client.get(truth.url).text, "newsagency")
    tree = page["tree"]
    ld = json.loads(tree.css_first('script[type="application/ld+json"]').text())
    assert ld["@type"] == "NewsArticle" and ld["headline"] == truth.title
    assert ld["datePublished"] == truth.published_at
    assert (
        tree.css_first('meta[property="article:published_time"]').attributes["content"] == truth.published_at
    )
    assert tree.css_first('link[rel="canonical"]').attributes["href"] == truth.url
    assert "انتهای پیام" in tree.body.text()
