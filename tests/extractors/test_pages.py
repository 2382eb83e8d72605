"""Whole pages: non-articles recognised, ZWNJ never lost, malformed input never raises, encodings sniffed."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from khabar.extractors import KEYS, extract

from khabar.simweb.config import FaultConfig, SimWebConfig
from khabar.simweb.world import World

ZWNJ = "\u200c"


@pytest.fixture(scope="module")
def fault_world() -> World:
    return World(replace(SimWebConfig(), faults=FaultConfig(non_article_share=0.05)))


def test_video_and_app_pages_are_not_articles(fault_world: World) -> None:
    seen: set[tuple[str, str]] = set()
    for site in fault_world.sites:
        total = fault_world.catalog.count_through(site, fault_world.today)
        for o in range(total - 1, max(0, total - 400), -1):
            item = fault_world.catalog.item(site, o)
            if item.kind not in ("video", "app") or (site.template, item.kind) in seen:
                continue
            seen.add((site.template, item.kind))
            body, charset = fault_world.render_article(item)
            rec = extract(body, url=fault_world.url(item), encoding=charset)
            assert rec["is_article"] is False, (site.template, item.kind)
            assert rec["title"] == fault_world.title(item)
            assert rec["body"] is None
    assert {t for t, _ in seen} == {"newsagency", "portal", "aspnet"}


def test_listings_home_pages_and_404s_are_not_articles(world: World) -> None:
    for site in world.sites[:12]:
        for path in ("/", "/no/such/page"):
            resp = world.handle(site.host, "GET", path)
            rec = extract(resp.body, url=f"https://{site.host}{path}")
            assert rec["is_article"] is False, (site.site_id, path, resp.status)
        v = world.listing_view(site, 2)
        from khabar.simweb.world import _TEMPLATES

        rec = extract(_TEMPLATES[site.template].listing(v).encode())
        assert rec["is_article"] is False


def test_no_zwnj_lost_between_page_and_record(world: World) -> None:
    rng = random.Random(3)
    checked = 0
    for site in world.sites:
        total = world.catalog.count_through(site, world.today)
        for _ in range(6):
            item = world.catalog.item(site, rng.randrange(total))
            if not item.is_article:
                continue
            truth = world.truth(item)
            body, charset = world.render_article(item)
            rec = extract(body, url=truth.url, encoding=charset)
            for key in ("title", "lead", "body"):
                want = getattr(truth, key) or ""
                assert (rec[key] or "").count(ZWNJ) == want.count(ZWNJ), (truth.url, key)
            checked += 1
    assert checked >= 80


def test_raw_arabic_letters_kept_on_the_page_but_unified_in_search_form(world: World) -> None:
    site = next(s for s in world.sites if s.template == "portal")
    item = next(
        i
        for o in range(0, 300)
        for i in [world.catalog.item(site, o)]
        if i.is_article and "ي" in (world.truth(i).body or "")
    )
    truth = world.truth(item)
    body, charset = world.render_article(item)
    rec = extract(body, url=truth.url, encoding=charset)
    assert "ي" in truth.body and rec["body"] == truth.body  # raw text as on the page
    from khabar.extractors import search_form

    assert "ي" not in search_form(rec["body"]) and "ك" not in search_form(rec["body"])


MALFORMED: list[bytes | str] = [
    b"",
    b"   ",
    b"\x00\xff\xfe\x00garbage",
    "<html><body><p>بدون پایان",
    "<p>" * 5000,
    b"<html><head><meta charset='no-such-charset'></head><body><p>\xe3\xed\xd1</p></body></html>",
    '{"json": "not html"}',
    "<html><body><h1></h1><p></p><script>var x = '<p>';</script></body></html>",
    "<div>" * 3000 + "متن" + "</div>" * 10,
    b"\xef\xbb\xbf<html><body><h1>\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85</h1>",
    "<html><body><p>۲ ساعت پیش</p><time datetime='1402-13-45T99:99'>x</time></body></html>",
]


@pytest.mark.parametrize("page", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_pages_never_raise(page: bytes | str) -> None:
    rec = extract(page, url=None, fetched_at=None, encoding=None)
    assert set(rec) == set(KEYS)
    assert isinstance(rec["errors"], list) and isinstance(rec["persons"], list)


def test_truncated_and_unhinted_windows_1256_pages(world: World) -> None:
    site = next(s for s in world.sites if s.template == "aspnet")
    for item in world.catalog.latest(site, world.today, 400):
        if item.is_article and world.charset(item) == "windows-1256":
            break
    else:  # the latest pages are UTF-8: walk back to the cp1256 era
        item = next(
            i
            for o in range(0, 400)
            for i in [world.catalog.item(site, o)]
            if i.is_article and world.charset(i) == "windows-1256"
        )
    body, charset = world.render_article(item)
    assert charset == "windows-1256"
    truth = world.truth(item)
    no_meta = body.replace(b"charset=windows-1256", b"")
    rec = extract(no_meta, url=truth.url, encoding=None)
    assert rec["title"] == truth.title and rec["body"] == truth.body
    half = extract(body[: len(body) // 2], url=truth.url, encoding="windows-1256")
    assert half["title"] == truth.title
    assert set(half) == set(KEYS)


def test_oversized_page_is_read_quickly() -> None:
    import time

    w = World(replace(SimWebConfig(), faults=FaultConfig(oversized_pages=1)))
    ((site_index, ordinal),) = w._oversized
    item = w.catalog.item(w.sites[site_index], ordinal)
    body, charset = w.render_article(item)
    assert len(body) > 10_000_000
    t0 = time.perf_counter()
    rec = extract(body, url=w.url(item), encoding=charset)
    assert time.perf_counter() - t0 < 5.0
    truth = w.truth(item)
    assert rec["title"] == truth.title and rec["body"] == truth.body


def test_br_separated_body_meta_date_and_code_in_url() -> None:
    text = (
        "به گزارش روابط عمومی اداره کل بهزیستی استان یزد، مدیرکل بهزیستی استان یزد، دکتر محمد رضایی "
        "در نشست شورای معاونان گفت: بیش از ۲۵۰ خانوار زیر پوشش طرح توانمندسازی قرار گرفتند."
    )
    more = "وی افزود: برای اجرای این طرح ۱۲ میلیارد تومان اعتبار در نظر گرفته شده است و کار ادامه دارد."
    html = (
        f'<html><head><meta charset="utf-8"><meta property="og:title" content="اجرای طرح توانمندسازی در یزد">'
        f'<meta property="article:published_time" content="1402-05-12T10:20:00+03:30"></head><body>'
        f'<div class="menu"><a href="/">خانه</a></div><h1>اجرای طرح توانمندسازی در یزد</h1>'
        f'<div class="txt">{text}<br><br>{more}<br>انتهای پیام</div></body></html>'
    )
    rec = extract(html, url="https://yazd.behzisti.ir/news/98765/slug")
    assert rec["is_article"] and rec["title"] == "اجرای طرح توانمندسازی در یزد"
    assert rec["body"] == f"{text}\n\n{more}"
    assert rec["published_jalali"] == "1402-05-12"  # a Jalali date in an ISO meta field
    assert rec["news_code"] == "98765"
    assert rec["province"] == "یزد" and rec["agency"] == "سازمان بهزیستی"
    assert [p["name"] for p in rec["persons"]] == ["محمد رضایی"]
    assert {(q["value"], q["unit"]) for q in rec["quantities"]} == {(250.0, "خانوار"), (12e10, "ریال")}


SHORT = (
    '<!doctype html><html lang="fa"><head><meta charset="utf-8"><title>{t}</title></head><body>'
    '<div class="menu"><a href="/">خانه</a></div><article><h1>{t}</h1>'
    "<p>به گزارش روابط عمومی بهزیستی استان کرمان، نشست شورای هماهنگی با حضور مدیرکل برگزار شد.</p>"
    "<p>در این نشست بیش از ۱۱ طرح اشتغال‌زایی با اعتبار ۵۰ میلیارد ریال بررسی شد. شماره {n}.</p>"
    "</article></body></html>"
)


@pytest.mark.parametrize(
    ("title", "n"),
    [("خبر کوتاه", "1"), ("خبر\x00 با\x00 نول", "\x00"), ("\u202eخبر\u202c \u2067دوجهته\u2069", "\u200f7")],
)
def test_short_releases_are_articles(title: str, n: str) -> None:
    rec = extract(SHORT.format(t=title, n=n).encode())
    assert rec["is_article"] is True
    assert rec["attribution"] == "روابط عمومی بهزیستی استان کرمان" and rec["province"] == "کرمان"
    assert [(q["value"], q["unit"], q["qualifier"]) for q in rec["quantities"]] == [
        (11.0, "طرح", "بیش از"),
        (50e9, "ریال", None),
    ]


def test_hostile_bodies_are_fast_and_not_articles() -> None:
    import os
    import time

    for body in (
        b"<html><body>" + b"<div>" * 100_000 + "عمیق".encode() + b"</body></html>",
        os.urandom(64 * 1024),
        SHORT.format(t="خط بلند", n="ا" * 2_000_000).encode(),
    ):
        t0 = time.perf_counter()
        rec = extract(body)
        assert time.perf_counter() - t0 < 5.0
        assert rec["is_article"] is False


def test_dari_page_is_persian_with_afghan_months() -> None:
    html = (
        '<html lang="prs"><head><meta charset="utf-8"><title>ولایت هرات</title></head><body>'
        '<h1>توزیع کمک به ۲۰۰ خانواده در هرات</h1><div class="date">۱۲ اسد ۱۴۰۲</div><div class="text">'
        "<p>به گزارش آژانس خبری، مسئولان ولایت هرات امروز کمک‌های غذایی را میان ۲۰۰ خانواده نیازمند توزیع کردند.</p>"
        "<p>این کمک‌ها شامل آرد، روغن و برنج بود و در سه ولسوالی توزیع شد تا خانواده‌ها زمستان را آسان‌تر بگذرانند.</p>"
        "</div></body></html>"
    )
    rec = extract(html)
    assert rec["language"] == "fa" and rec["is_article"] is True
    assert rec["published_jalali"] == "1402-05-12"
    assert {(q["value"], q["unit"]) for q in rec["quantities"]} == {(200.0, "خانواده")}
