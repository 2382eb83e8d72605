"""The newer page families carry the quirks real pages have, and their truth still matches what they show."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from khabar.simweb import quirks
from khabar.simweb.sites import h64
from khabar.simweb.world import World

from .pagecheck import norm, read_page


@pytest.fixture(scope="module")
def pages(world: World) -> dict[str, list[tuple[object, str, str]]]:
    """Decoded article pages by family: 40 per site, old and new (deterministic)."""
    out: dict[str, list[tuple[object, str, str]]] = defaultdict(list)
    for site in world.sites:
        total = world.catalog.count_through(site, world.today)
        for k in range(40):
            item = world.catalog.item(site, h64("families", site.site_id, k) % total)
            if not item.is_article:
                continue
            body, charset = world.render_article(item)
            out[site.family].append((world.truth(item), body.decode(charset), charset))
    return out


def _any(pages, family: str, pattern: str) -> bool:
    return any(re.search(pattern, html) for _, html, _ in pages[family])


def test_nastooh_markup(pages) -> None:
    assert _any(pages, "nastooh", r'<div itemprop="articleBody" class="item-text">')
    assert _any(pages, "nastooh", r'class="item-text old">')  # old pages: <br>-separated text
    assert _any(pages, "nastooh", r'<p class="summary introtext" itemprop="description">')
    assert _any(pages, "nastooh", r'<div class="item-code"><span>کد خبر</span>')
    for t, html, _ in pages["nastooh"]:
        assert f"/fa/news/{t.news_code}/" in t.url  # the code is in the URL too
        assert html.count('<li class="news">') >= 8  # long related / most-visited blocks


def test_wordpress_traps(pages) -> None:
    for cls in ("elementor-widget-container", "l-sidebar-fixed", "PageBuilder-pageRow", "has-section-nav"):
        assert _any(pages, "wordpress", cls), cls
    assert all('<html dir="ltr" lang="fa-IR">' in html for _, html, _ in pages["wordpress"])
    # a Jalali date in Persian digits where ISO 8601 is expected, on some sites
    assert _any(pages, "wordpress", r'article:published_time" content="۱[۳۴]۰?[۰-۹]+-[۰-۹]{2}-[۰-۹]{2}T')
    assert _any(pages, "wordpress", r'article:published_time" content="20\d\d-\d\d-\d\dT')


def test_provincial_portal_has_no_paragraph_tags_in_bodies(pages) -> None:
    assert _any(pages, "provportal", r"charset=windows-utf-8")  # bogus label on UTF-8 bytes
    assert _any(pages, "provportal", r"&#17\d\d(?![\d;])")  # numeric references without semicolons
    assert _any(pages, "provportal", r"آخرین بروزرسانی در")
    for t, html, _ in pages["provportal"]:
        start = html.index('class="contentpaneopen"')
        assert "<p>" not in html[start : html.index("article_separator")], t.url
    assert any("ي" in (t.body or "") for t, _, _ in pages["provportal"] + pages["wordpress"])  # Arabic yeh


def test_webforms_markup(pages) -> None:
    for needle in (
        "__VIEWSTATE",
        "__EVENTVALIDATION",
        "__doPostBack",
        "ctl00_ContentPlaceHolder1_FormView1_lblBody",
        "SaveDateLabel",
        "NewsIDLabel",
    ):
        assert _any(pages, "webforms", needle), needle
    assert {cs for _, _, cs in pages["webforms"]} == {"utf-8", "windows-1256"}


def test_updated_date_differs_from_byline(pages) -> None:
    """An «بروزرسانی» instant is shown on about half the pages, and it is not the publication instant."""
    for family in ("nastooh", "wordpress", "provportal", "webforms"):
        shown = [(t, html) for t, html, _ in pages[family] if "بروزرسانی" in html]
        assert 0.2 <= len(shown) / len(pages[family]) <= 0.9, family
    t, html, _ = pages["webforms"][0]
    page = read_page(html, "webforms")
    assert page["date"] is not None and norm(page["date"]).replace("/", "-") == t.published_jalali


def test_ncr_digits_decode_to_the_same_text() -> None:
    from selectolax.lexbor import LexborHTMLParser

    text = "در سال ۱۴۰۲ و 12 مورد ۳4 و ۵;"
    html = f"<p>{quirks.ncr_digits(text)}</p>"
    assert "&#1777&#1780" in html and LexborHTMLParser(html).css_first("p").text() == text
