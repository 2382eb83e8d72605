"""Page kinds of the real web: each recognised from the page's own signals, and never a silent drop."""

from __future__ import annotations

import pytest
from khabar.extractors import extract
from khabar.extractors.classify import KINDS, article_evidence, page_kind
from khabar.extractors.html import find_title, main_content, parse

_PROSE = "این متن خبری است که برای آزمایش نوشته شده و باید به عنوان بدنه خبر شناخته شود و کوتاه هم نیست."
_CARDS = "".join(
    f'<li><a href="/fa/news/{i}">عنوان خبر شماره {i} که یک تیتر بلند است</a><p>خلاصه کوتاه خبر {i}</p></li>'
    for i in range(12)
)


def _kind(html: str, url: str | None = None) -> tuple[str, str]:
    page = parse(html)
    title = find_title(page, None)
    content = main_content(page)
    ev = article_evidence(page, title, None)
    return page_kind(page, title, content.paragraphs, url, ev, content.roots, content.letters)


@pytest.mark.parametrize(
    ("kind", "html", "url"),
    [
        (
            "video",
            '<html><head><meta property="og:type" content="video.other"></head><body><h1>فیلم | بازدید</h1>'
            '<video src="/v.mp4"></video><p>توضیح کوتاه</p></body></html>',
            "https://x.ir/fa/video/12",
        ),
        (
            "gallery",
            "<html><body><h1>گزارش تصویری | جلسه شورا</h1>"
            + '<img src="/a.jpg">' * 8
            + "<p>عکس: خبرنگار</p></body></html>",
            "https://x.ir/fa/photo/77",
        ),
        ("app", "<html><body><h1>اپلیکیشن خبرگزاری</h1><p>دریافت از بازار</p></body></html>", None),
        (
            "error",
            "<html><head><title>صفحه مورد نظر یافت نشد</title></head><body><h1>404</h1></body></html>",
            None,
        ),
        (
            "tag",
            f"<html><body><h1>برچسب: بهزیستی</h1><ul>{_CARDS}</ul></body></html>",
            "https://x.ir/fa/tag/بهزیستی",
        ),
        (
            "listing",
            f"<html><body><h1>آخرین اخبار</h1><ul class='news'>{_CARDS}</ul></body></html>",
            "https://x.ir/",
        ),
        (
            "challenge",
            "<html><head><title>Just a moment...</title></head><body><p>Checking your browser</p>"
            '<form id="challenge-form" action="/cdn-cgi/challenge-platform/x"></form></body></html>',
            None,
        ),
        (
            "article",
            f"<html><body><h1>عنوان خبر آزمایشی</h1><p>{_PROSE}</p><p>{_PROSE}</p></body></html>",
            None,
        ),
    ],
)
def test_page_kinds(kind: str, html: str, url: str | None) -> None:
    assert kind in KINDS
    got, why = _kind(html, url)
    assert got == kind, why
    rec = extract(html, url=url)
    assert rec["is_article"] is (kind == "article")


def test_article_evidence_without_body_is_an_article_with_the_reason() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "عنوان",'
        ' "datePublished": "2023-08-03T14:35:00+03:30"}</script></head><body><h1>عنوان</h1></body></html>'
    )
    rec = extract(html)
    assert rec["is_article"] is True
    assert [e for e in rec["errors"] if e.startswith("body-not-found:")]


def test_video_page_with_article_evidence_says_why_it_is_not_one() -> None:
    html = (
        '<html><head><meta property="og:type" content="article"></head><body><h1>فیلم | افتتاح طرح</h1>'
        '<video src="/v.mp4"></video></body></html>'
    )
    rec = extract(html, url="https://x.ir/fa/news/123")
    assert rec["is_article"] is False
    assert any(e.startswith("not-article: video") for e in rec["errors"])


def test_chinese_prose_without_spaces_is_not_junk() -> None:
    text = (
        "谷歌在2014年收购的人工智能公司开发出一款能够用自己的记忆学习新知识并利用这些知识来回答问题的计算机。"
        * 6
    )
    rec = extract(f"<html><body><h1>人工智能迈上新台阶</h1><p>{text}</p><p>{text}</p></body></html>")
    assert rec["is_article"] is True
