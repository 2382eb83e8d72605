"""Is this page an article? Listings, video and app-promotion pages and error pages are not.

A release has a paragraph block of real prose; the others have a player, a store link, a «404» or a run of
linked titles instead. The rules are deliberately simple and ordered from the most certain.
"""

from __future__ import annotations

import re

from extractors.html import Page, article_ld
from extractors.normalize import search_form

_ERROR = re.compile(
    r"\b404\b|\b500\b|صفحه (?:مورد نظر )?(?:یافت|پیدا) نشد|یافت نشد|خطای ?(?:۴۰۴|404)|page not found|"
    r"not found|خطا در|دسترسی (?:غیرمجاز|ممنوع)",
    re.I,
)
_APP = re.compile(r"اپلیکیشن|نرم ?افزار (?:اندروید|موبایل)|کافه ?بازار|مایکت|دریافت (?:از بازار|مستقیم)")
_VIDEO_TITLE = re.compile(r"^\s*(?:فیلم|ویدئو|ویدیو|کلیپ|تیزر)\s*[|:｜\-]")

MIN_ARTICLE_CHARS = 250  # below this a page with a player / store link / «404» is not an article
MIN_SHORT_CHARS = 80  # two or more paragraphs of at least this much text make an article
MIN_SINGLE_CHARS = 200  # … or one paragraph of this much


def page_kind(page: Page, title: str | None, paragraphs: list[str]) -> str:
    """article | listing | video | app | error."""
    body_chars = sum(len(p) for p in paragraphs)
    head = search_form(" ".join(x for x in (page.title_tag, title) if x))
    h1 = page.tree.css_first("h1")
    h1_text = search_form(h1.text(deep=True)) if h1 is not None else ""
    if body_chars < MIN_ARTICLE_CHARS and (_ERROR.search(head) or _ERROR.search(h1_text)):
        return "error"
    og_type = page.meta.get("og:type", "")
    ld = article_ld(page) or {}
    is_video_meta = og_type.startswith("video") or ld.get("@type") == "VideoObject"
    has_player = page.tree.css_first("video, embed, object, iframe[src*=aparat], .video-player") is not None
    if is_video_meta and (body_chars < MIN_ARTICLE_CHARS or _VIDEO_TITLE.search(title or "")):
        return "video"
    if body_chars < MIN_ARTICLE_CHARS:
        if has_player:
            return "video"
        if _APP.search(search_form(" ".join([title or "", *paragraphs]))):
            return "app"
    if body_chars and sum(p.count(" ") for p in paragraphs) < 0.04 * body_chars:
        return "error"  # binary or undecodable bytes, not prose
    # a short release is still a release: two paragraphs of prose, or one long one
    if (len(paragraphs) >= 2 and body_chars >= MIN_SHORT_CHARS) or body_chars >= MIN_SINGLE_CHARS:
        return "article"
    return "listing"
