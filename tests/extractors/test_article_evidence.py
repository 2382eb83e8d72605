"""Property: a page that carries article evidence never comes out ``is_article: false`` with empty ``errors``.

Evidence is read here, independently of ``extractors/``: ``og:type`` article, a NewsArticle / Article /
BlogPosting JSON-LD node (also inside ``@graph``), schema.org microdata (``itemprop="articleBody"``, an Article
``itemtype``), a news code («کد خبر» / «شناسه خبر» with digits), or a headline plus a Jalali publication date
plus prose. Sampled deterministically over every simulated page family (a few hundred article pages), both as
the crawler sees them (charset from the HTTP header) and as saved files (no charset hint), plus any real saved
page in ``tests/extractors/real/``. Either the page is an article, or the record says why not.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from khabar.extractors import extract
from selectolax.lexbor import LexborHTMLParser

from khabar.simweb.model import TEMPLATE_FAMILIES
from khabar.simweb.sites import h64
from khabar.simweb.world import World

REAL = Path(__file__).parent / "real"
_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "backgroundnewsarticle",
    "opinionnewsarticle",
}
_CODE = re.compile(r"(?:کد|شناسه)\s*(?:خبر|مطلب)\s*[:：]?\s*[0-9۰-۹٠-٩]{3,}")
_JALALI = re.compile(
    r"1[34][0-9]{2}/[01]?[0-9]/[0-3]?[0-9]|[0-9]{1,2}\s+(?:فروردین|اردیبهشت|خرداد|تیر|مرداد|"
    r"شهریور|مهر|آبان|آذر|دی|بهمن|اسفند)\s+1[34][0-9]{2}"
)
_FA_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def _ld_types(node: object) -> set[str]:
    out: set[str] = set()
    if isinstance(node, list):
        for n in node:
            out |= _ld_types(n)
    elif isinstance(node, dict):
        t = node.get("@type")
        for x in t if isinstance(t, list) else [t]:
            if isinstance(x, str):
                out.add(x.lower())
        out |= _ld_types(node.get("@graph"))
    return out


def article_evidence(html: str) -> list[str]:
    """Which kinds of article evidence a page carries (empty for none)."""
    tree = LexborHTMLParser(html)
    found = []
    og = tree.css_first('meta[property="og:type"]')
    if og is not None and (og.attributes.get("content") or "").strip().lower() == "article":
        found.append("og:type")
    for s in tree.css('script[type="application/ld+json"]'):
        try:
            types = _ld_types(json.loads(s.text()))
        except ValueError:
            continue
        if types & _ARTICLE_TYPES:
            found.append("json-ld")
            break
    if tree.css_first('[itemprop="articleBody"]') is not None or any(
        (n.attributes.get("itemtype") or "").rsplit("/", 1)[-1].lower() in _ARTICLE_TYPES
        for n in tree.css("[itemtype]")
    ):
        found.append("microdata")
    body = tree.body
    text = body.text(separator=" ") if body is not None else ""
    latin = text.translate(_FA_DIGITS)
    if _CODE.search(text.replace("\u200c", " ")):
        found.append("news-code")
    h1 = tree.css_first("h1, h2")
    longest = max((len(n.text(deep=False) or "") for n in tree.css("p, div, span, td")), default=0)
    if h1 is not None and h1.text().strip() and _JALALI.search(latin) and longest >= 300:
        found.append("date+headline+prose")
    return found


def _sample(world: World, per_site: int = 14) -> list:
    out = []
    for site in world.sites:
        total = world.catalog.count_through(site, world.today)
        k = 0
        while len([i for i in out if i.site is site]) < per_site and k < per_site * 4:
            item = world.catalog.item(site, h64("evidence", site.site_id, k) % total)
            k += 1
            if item.is_article:
                out.append(item)
    return out


@pytest.fixture(scope="module")
def pages(world: World) -> list[tuple[str, str, bytes, str]]:
    out = []
    for item in _sample(world):
        truth = world.truth(item)
        body, charset = world.render_article(item)
        out.append((truth.template, truth.url, body, charset))
    return out


def test_the_sample_covers_every_family_and_every_page_shows_evidence(pages) -> None:
    assert len(pages) >= 250
    assert set(Counter(f for f, *_ in pages)) == set(TEMPLATE_FAMILIES)
    missing = [(f, u) for f, u, body, cs in pages if not article_evidence(body.decode(cs))]
    assert not missing, missing[
        :5
    ]  # every simulated article carries evidence, so the property is not vacuous


@pytest.mark.parametrize("hint", ["http-charset", "saved-file"])
def test_no_article_with_evidence_is_silently_dropped(pages, hint: str) -> None:
    dropped: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for family, url, body, charset in pages:
        rec = extract(body, url=url, encoding=charset if hint == "http-charset" else None)
        if not rec["is_article"] and not rec["errors"]:
            dropped[family] += 1
            examples.setdefault(family, url)
    assert not dropped, f"silent drops by family: {dict(dropped)}; e.g. {examples}"


def test_real_pages_with_evidence_are_never_silently_dropped() -> None:
    files = sorted(REAL.rglob("*.html")) if REAL.is_dir() else []
    if not files:
        pytest.skip("no real fixtures in tests/extractors/real/ yet")
    silent = []
    for p in files:
        raw = p.read_bytes()
        if not article_evidence(raw.decode("utf-8", "replace")):
            continue
        rec = extract(raw)
        if not rec["is_article"] and not rec["errors"]:
            silent.append(p.name)
    assert not silent, silent


def test_evidence_reader_on_small_pages() -> None:
    assert article_evidence('<meta property="og:type" content="article"><body><p>x</p></body>') == ["og:type"]
    ld = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "Article"}]}</script>'
    )
    assert article_evidence(ld) == ["json-ld"]
    assert article_evidence('<body><div itemprop="articleBody">x</div></body>') == ["microdata"]
    assert article_evidence("<body><span>کد خبر: ۱۲۳۴۵۶</span></body>") == ["news-code"]
    prose = "متن " * 100
    assert article_evidence(f"<body><h1>عنوان</h1><span>۵ اسفند ۱۴۰۲</span><div>{prose}</div></body>") == [
        "date+headline+prose"
    ]
    assert article_evidence("<body><h1>آرشیو</h1><ul><li><a>خبر</a></li></ul></body>") == []
