"""The site's news id («کد خبر», «شناسه خبر», «کد مطلب», …) as Latin digits: labelled text first, then
JSON-LD ``identifier``, hidden form fields, then the URL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from khabar.extractors.normalize import match_form
from selectolax.lexbor import LexborNode

_LABEL = re.compile(
    r"(?:کد\s*\u200c?\s*خبر|شناسه\s*\u200c?\s*خبر|کد\s*مطلب|شناسه\s*مطلب|شماره\s*خبر|کد\s*خبری|"
    r"News\s*ID|News\s*Code)\s*[:：#\-]?\s*(?P<code>\d{2,15})",
    re.I,
)
_URL_PATHS = (
    re.compile(
        r"/(?:news|fa/news|content|report|doc|n|showNews|NewsDetail|detail|article)[/-](\d{3,15})", re.I
    ),
    re.compile(r"/(\d{4,15})(?:[/-]|$)"),
)
_URL_KEYS = ("ArticleID", "articleid", "NewsID", "newsid", "id", "nid", "NewsId", "ID", "news_id")


def code_from_text(text: str) -> str | None:
    m = _LABEL.search(match_form(text))
    return m.group("code") if m else None


def code_from_fields(root: LexborNode | None) -> str | None:
    if root is None:
        return None
    for inp in root.css("input[type=hidden]"):
        name = (inp.attributes.get("name") or inp.attributes.get("id") or "").lower()
        if "newsid" in name or "articleid" in name or name in ("nid", "news_id", "contentid"):
            val = match_form(inp.attributes.get("value") or "").strip()
            if val.isdigit():
                return val
    return None


def code_from_ld(ld: dict[str, Any] | None) -> str | None:
    if not ld:
        return None
    ident = ld.get("identifier")
    if isinstance(ident, dict):
        ident = ident.get("value")
    if isinstance(ident, (int, str)):
        val = match_form(str(ident)).strip()
        if val.isdigit():
            return val
    return None


def code_from_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    q = parse_qs(parts.query)
    for k in _URL_KEYS:
        if k in q and q[k] and match_form(q[k][0]).isdigit():
            return match_form(q[k][0])
    path = unquote(parts.path)
    for rx in _URL_PATHS:
        m = rx.search(path)
        if m:
            return m.group(1)
    return None
