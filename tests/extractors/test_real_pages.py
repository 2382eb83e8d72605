"""Real saved pages of sites nobody here wrote (tests/extractors/real/README.md says where each comes from).

The expectations in real/golden.json were written by reading each page (its headline, the date it prints, the
story's first and last sentences, and boxes around it that are not the story), not from khabar's output.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from khabar.extractors import extract
from khabar.extractors.classify import article_evidence
from khabar.extractors.html import article_ld as _ld
from khabar.extractors.html import decode, find_title, parse

from khabar.simweb.world import World

REAL = Path(__file__).parent / "real"
GOLDEN = json.loads((REAL / "golden.json").read_text(encoding="utf-8"))
_WS = re.compile(r"\s+")


def _norm(text: str | None) -> str:
    return _WS.sub(" ", (text or "").replace("\xa0", " ")).strip()


def _page(name: str) -> bytes:
    return (REAL / "pages" / name / "source.html").read_bytes()


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    return {g["page"]: extract(_page(g["page"])) for g in GOLDEN}


def test_enough_real_fixtures() -> None:
    assert len(GOLDEN) >= 20
    assert all((REAL / "pages" / g["page"] / "source.html").is_file() for g in GOLDEN)


_CASES = [
    pytest.param(
        g, id=g["page"], marks=[pytest.mark.xfail(reason=g["xfail"], strict=True)] if "xfail" in g else []
    )
    for g in GOLDEN
]


@pytest.mark.parametrize("g", _CASES)
def test_real_page(records: dict[str, dict], g: dict) -> None:
    rec = records[g["page"]]
    assert rec["is_article"] is True, rec["errors"]
    assert not [e for e in rec["errors"] if e.startswith("body-not-found")]
    # a page that prints its headline in two forms (kicker + title in <h1>, the title alone in og:title) may give either
    assert _norm(rec["title"]) in {_norm(t) for t in [g["title"], *g.get("titles", [])]}
    if g["date"]:
        assert rec["published_at"] is not None
        day = datetime.fromisoformat(rec["published_at"])
        if g.get(
            "tz"
        ):  # the day as the page prints it, in the page's own offset (khabar answers in Tehran time)
            day = day.astimezone(datetime.fromisoformat(f"2000-01-01T00:00:00{g['tz']}").tzinfo)
        assert day.date().isoformat() == g["date"]
    text = _norm(" ".join(x for x in (rec["lead"], rec["body"]) if x))
    for snippet in g["must"]:
        assert _norm(snippet) in text, snippet
    for snippet in g["must_not"]:
        assert _norm(snippet) not in text, snippet


def _no_silent_drop(rec: dict, html: bytes) -> None:
    """A page that carries article evidence is an article, or says in ``errors`` why it is not."""
    text, _, _ = decode(html)
    page = parse(text)
    evidence = article_evidence(page, find_title(page, _ld(page)), rec["news_code"])
    if evidence and not rec["is_article"]:
        assert rec["errors"], (rec["url"], evidence)


@pytest.mark.parametrize("g", GOLDEN, ids=[g["page"] for g in GOLDEN])
def test_no_silent_drop_real(records: dict[str, dict], g: dict) -> None:
    _no_silent_drop(records[g["page"]], _page(g["page"]))


def test_no_silent_drop_simulated(world: World) -> None:
    """Every kind the simulated web serves (articles, video and app pages, copies) over every site."""
    checked = 0
    for site in world.sites:
        total = world.catalog.count_through(site, world.today)
        for o in range(0, total, max(1, total // 12)):
            item = world.catalog.item(site, o)
            html, _ = world.render_article(item)
            rec = extract(html, url=world.url(item))
            _no_silent_drop(rec, html)
            if item.is_article:
                assert rec["is_article"], (world.url(item), rec["errors"])
            checked += 1
    assert checked > 100


def test_body_not_found_is_reported() -> None:
    """Article metadata but no story on the page (drawn by script): an article with the reason, not a drop."""
    html = (
        '<html><head><meta property="og:type" content="article"><meta property="og:title" content="خبر">'
        '<meta property="article:published_time" content="2023-08-03T14:35:00+03:30"></head>'
        '<body><h1>خبر</h1><div id="app"></div></body></html>'
    )
    rec = extract(html)
    assert rec["is_article"] is True
    assert any(e.startswith("body-not-found:") for e in rec["errors"]), rec["errors"]


@pytest.mark.parametrize(
    "cls", ["PageBuilder-pageRow", "elementor-widget-container", "has-section-nav", "l-sidebar-fixed"]
)
def test_wrapper_class_words_do_not_hide_the_body(cls: str) -> None:
    """Class names that contain a boilerplate word as a substring, or name a page-wide wrapper, keep the body."""
    paras = "".join(
        f"<p>این بند {i} از متن خبر است که باید در بدنه بماند و با هیچ جعبه‌ای اشتباه نشود.</p>"
        for i in range(6)
    )
    html = (
        f'<html><body><div class="{cls}"><div class="{cls}"><h1>عنوان خبر آزمایشی</h1>{paras}</div>'
        f'<ul class="related"><li><a href="/1">خبر مرتبط یک با عنوانی بلند</a></li></ul></div></body></html>'
    )
    rec = extract(html)
    assert rec["is_article"] is True
    assert rec["body"] is not None and rec["body"].count("\n\n") == 5
    assert "خبر مرتبط" not in rec["body"]


def test_br_and_div_bodies() -> None:
    """A body of ``<br>``-separated text or of ``<div>``s with no ``<p>`` keeps its paragraphs and ZWNJ."""
    lines = [f"سطر {i} متن خبر است که نمی‌شود آن را نادیده گرفت چون بخشی از بدنه است." for i in range(5)]
    for body in ("<br><br>".join(lines), "".join(f"<div>{x}</div>" for x in lines)):
        rec = extract(
            f"<html><body><div id='x'><h1>عنوان</h1><div class='t'>{body}</div></div></body></html>"
        )
        assert rec["body"] == "\n\n".join(lines)


def test_challenge_page_is_never_an_article() -> None:
    html = (
        "<html><head><title>Just a moment...</title></head><body><h1>در حال بررسی مرورگر شما</h1>"
        '<form id="challenge-form" action="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></form>'
        '<meta property="og:type" content="article"></body></html>'
    )
    rec = extract(html)
    assert rec["is_article"] is False
    assert any(e.startswith("not-article: challenge") for e in rec["errors"])
