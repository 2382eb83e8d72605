"""What a page shows, read back with selectolax.lexbor per template family (test helper)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from khabar.simweb.numwords import to_latin_digits

_SEL = {
    "newsagency": {"title": "h1.title", "lead": "p.lead", "body": ".item-text > p:not(.news-end)",
                   "code": ".news-code", "date": ".news-meta time"},
    "portal": {"title": "h1.news-title", "lead": ".news-summary", "body": ".news-text > p", "code": ".news-info .code",
               "date": ".news-info .date"},
    "aspnet": {"title": "td.NewsTitle h1", "lead": "td.NewsLead span", "body": "td.NewsBody div > p",
               "code": "td.NewsDate span[id$=lblNewsID]", "date": "td.NewsDate span[id$=lblDate]"},
}


def norm(text: str) -> str:
    return to_latin_digits(text).replace("ي", "ی").replace("ك", "ک")


def read_page(html: str, template: str) -> dict:
    tree = LexborHTMLParser(html)
    sel = _SEL[template]

    def one(css: str) -> str | None:
        n = tree.css_first(css)
        return n.text() if n is not None else None

    return {"title": one(sel["title"]), "lead": one(sel["lead"]),
            "paragraphs": [n.text() for n in tree.css(sel["body"])],
            "code": one(sel["code"]), "date": one(sel["date"]), "tree": tree}


def date_shown(date_text: str, jalali_iso: str) -> bool:
    """The Jalali day is shown as 1402/05/12 or «۱۲ مرداد ۱۴۰۲» (any digits)."""
    from khabar.simweb.clock import JALALI_MONTHS

    y, m, d = (int(x) for x in jalali_iso.split("-"))
    t = norm(date_text)
    return f"{y}/{m:02d}/{d:02d}" in t or f"{d} {JALALI_MONTHS[m - 1]} {y}" in t
