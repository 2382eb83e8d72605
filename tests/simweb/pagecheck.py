"""What a page shows, read back with selectolax.lexbor per template family (test helper)."""

from __future__ import annotations

import html as _html
import re

from selectolax.lexbor import LexborHTMLParser

from khabar.simweb.numwords import to_latin_digits

_SEL = {
    "newsagency": {
        "title": "h1.title",
        "lead": "p.lead",
        "body": ".item-text > p:not(.news-end)",
        "code": ".news-code",
        "date": ".news-meta time",
    },
    "portal": {
        "title": "h1.news-title",
        "lead": ".news-summary",
        "body": ".news-text > p",
        "code": ".news-info .code",
        "date": ".news-info .date",
    },
    "aspnet": {
        "title": "td.NewsTitle h1",
        "lead": "td.NewsLead span",
        "body": "td.NewsBody div > p",
        "code": "td.NewsDate span[id$=lblNewsID]",
        "date": "td.NewsDate span[id$=lblDate]",
    },
    "nastooh": {
        "title": "h1.title",
        "lead": "p.summary",
        "body": ".item-text:not(.old) > p",
        "brbody": ".item-text.old",
        "code": ".item-code",
        "date": ".item-date > span",
    },
    "wordpress": {
        "title": "h1.elementor-heading-title, h1.entry-title",
        "lead": ".elementor-widget-theme-post-excerpt > .elementor-widget-container, .entry-summary > p",
        "body": ".elementor-widget-theme-post-content > .elementor-widget-container > p, .entry-content > p",
        "code": None,
        "date": ".elementor-post-info__item--type-date, time.entry-date",
    },
    "provportal": {
        "title": "td.contentheading",
        "lead": ".introtext",
        "body": 'td[colspan] > div[style="text-align: justify;"]',
        "brbody": "table.contentpaneopen td[colspan]",
        "code": "td.newsid",
        "date": "td.createdate",
    },
    "webforms": {
        "title": "span[id$=lblTitle]",
        "lead": "span[id$=lblLead]",
        "body": None,
        "brbody": "span[id$=lblBody]",
        "code": "span[id$=NewsIDLabel]",
        "date": "span[id$=SaveDateLabel]",
    },
}
_BR2 = re.compile(r"(?:<br\s*/?>\s*){2}")
_TAG = re.compile(r"<[^>]+>")
_END = "انتهای پیام"


def _br_paragraphs(node) -> list[str]:
    """Paragraphs of a ``<br><br>``-separated body (the text between double breaks, child elements dropped)."""
    inner = node.html.split(">", 1)[1].rsplit("<", 1)[0]
    if not _BR2.search(inner):
        return []
    inner = re.sub(r"<(div|strong|img)\b[^>]*>.*?</\1>|<img[^>]*>", "", inner, flags=re.S)
    return [_html.unescape(_TAG.sub("", c)).strip() for c in _BR2.split(inner) if _TAG.sub("", c).strip()]


def norm(text: str) -> str:
    return to_latin_digits(text).replace("ي", "ی").replace("ك", "ک")


def read_page(html: str, template: str) -> dict:
    tree = LexborHTMLParser(html)
    sel = _SEL[template]

    def one(css: str) -> str | None:
        n = tree.css_first(css)
        return n.text() if n is not None else None

    paras = [n.text() for n in tree.css(sel["body"])] if sel["body"] else []
    if not paras and sel.get("brbody"):
        node = tree.css_first(sel["brbody"])
        paras = _br_paragraphs(node) if node is not None else []
    if paras and paras[-1] == _END:
        paras = paras[:-1]
    if sel["code"]:
        code = one(sel["code"])
    else:  # WordPress: the post id is only in the ?p= shortlink
        link = tree.css_first('link[rel="shortlink"]')
        code = link.attributes.get("href") if link is not None else None
    return {
        "title": one(sel["title"]),
        "lead": one(sel["lead"]),
        "paragraphs": paras,
        "code": code,
        "date": one(sel["date"]),
        "tree": tree,
    }


def date_shown(date_text: str, jalali_iso: str) -> bool:
    """The Jalali day is shown as 1402/05/12 or «۱۲ مرداد ۱۴۰۲» (any digits)."""
    from khabar.simweb.clock import JALALI_MONTHS

    y, m, d = (int(x) for x in jalali_iso.split("-"))
    t = norm(date_text)
    return f"{y}/{m:02d}/{d:02d}" in t or f"{d} {JALALI_MONTHS[m - 1]} {y}" in t
