"""What kind of page is this? An article, or one of the real web's other kinds: a listing, a tag or archive page, a
video page, a photo gallery, an app-promotion page, an error page, or an anti-bot challenge.

Two questions are kept apart. *Evidence* (``article_evidence``) is what the page says about itself: article
metadata (``og:type``, a NewsArticle JSON-LD, schema.org microdata), a structured publication date, a news code
beside a headline. *Kind* (``page_kind``) also weighs what the page shows: prose, a player, a store link, a «404»,
a run of linked titles. A page with evidence is an article unless it shows it is something else (a video page with
a line of text, an error page); then the caller records why in ``errors``, so nothing with article evidence is ever
dropped silently. The rules are ordered from the most certain.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from khabar.extractors.challenge import MAX_CHALLENGE_LETTERS, challenge_reason
from khabar.extractors.html import Page, article_ld, class_words
from khabar.extractors.normalize import search_form
from selectolax.lexbor import LexborNode

KINDS = ("article", "listing", "tag", "video", "gallery", "app", "error", "challenge")

_ERROR = re.compile(
    r"\b404\b|\b500\b|صفحه (?:مورد نظر )?(?:یافت|پیدا) نشد|یافت نشد|خطای ?(?:۴۰۴|404)|page not found|"
    r"not found|خطا در|دسترسی (?:غیرمجاز|ممنوع)",
    re.I,
)
_APP = re.compile(r"اپلیکیشن|نرم ?افزار (?:اندروید|موبایل)|کافه ?بازار|مایکت|دریافت (?:از بازار|مستقیم)")
_VIDEO_TITLE = re.compile(r"^\s*(?:فیلم|ویدئو|ویدیو|کلیپ|تیزر)\s*[|:｜\-]")
_GALLERY_TITLE = re.compile(r"^\s*(?:عکس|تصاویر|گزارش تصویری|آلبوم)\s*[|:｜\-]|گزارش تصویری")
_TAG_TITLE = re.compile(
    r"^\s*(?:برچسب|آرشیو|بایگانی|اخبار مرتبط با|موضوع)\s*[:：|\-]?|^\s*(?:tag|archive|category)\b", re.I
)
_URL_TAG = re.compile(
    r"/(?:tags?|archive|archives|category|categories|topics?|search|label|برچسب)(?:/|$|\?)|[?&]tag=", re.I
)
_URL_VIDEO = re.compile(r"/(?:video|videos|film|clip|multimedia/video)(?:/|$)", re.I)
_URL_GALLERY = re.compile(
    r"/(?:photo|photos|gallery|galleries|album|picture|pictures|slideshow)(?:/|$)", re.I
)
_ARTICLE_TYPES = frozenset(
    (
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "BlogPosting",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BackgroundNewsArticle",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "LiveBlogPosting",
    )
)
_BREAKS = re.compile(r"[\s.,،؛;:!?؟。，、！？；：]+")
_PLAYER_WORDS = frozenset(["player", "videoplayer", "jwplayer", "vjs"])
_JUNK = re.compile(r"[\ufffd\x00-\x08\x0e-\x1f\ue000-\uf8ff]")

LISTING_LINKS = 5  # headline links in the densest block that make it a listing (with link share and teasers)
MIN_ARTICLE_CHARS = 250  # below this a page with a player / store link / «404» is not an article
MIN_SHORT_CHARS = 80  # two or more paragraphs of at least this much text make an article
MIN_SINGLE_CHARS = 200  # … or one paragraph of this much


def article_evidence(page: Page, title: str | None, news_code: str | None) -> list[str]:
    """What the page itself says that marks it an article (empty when it says nothing)."""
    ev: list[str] = []
    og_type = page.meta.get("og:type", "").lower()
    if og_type == "article" or og_type.startswith("article"):
        ev.append("og:type article")
    ld = article_ld(page) or {}
    typ = ld.get("@type")
    if any(t in _ARTICLE_TYPES for t in (typ if isinstance(typ, list) else [typ]) if isinstance(t, str)):
        ev.append(f"JSON-LD {typ}")
    node = page.tree.css_first('[itemtype*="NewsArticle"], [itemtype$="/Article"], [itemtype*="BlogPosting"]')
    if node is not None:
        ev.append("microdata article")
    if page.tree.css_first('[itemprop="articleBody"], [itemprop="articlebody"]') is not None:
        ev.append("microdata articleBody")
    if page.meta.get("article:published_time") or isinstance(ld.get("datePublished"), str):
        ev.append("publication date in metadata")
    if news_code and title:
        ev.append("news code and headline")
    return ev


def _looks_junk(paragraphs: list[str]) -> bool:
    """Undecodable or binary bytes rather than prose: many replacement/control characters, few letters, or one
    character repeated without a break (a 2 MB run of «ا»).

    (Spaces are no test: Chinese or Japanese prose has none.)"""
    text = "".join(paragraphs)[:4_000]  # a sample: junk is junk from its first bytes
    if not text:
        return False
    junk = len(_JUNK.findall(text))
    letters = sum(map(str.isalpha, text))
    if junk > 0.1 * len(text) or letters < 0.4 * len(text):
        return True
    longest = max((len(w) for w in _BREAKS.split(text)), default=0)
    return len(text) >= 1000 and (len(set(text)) < 12 or longest > 0.5 * len(text))


def page_kind(
    page: Page,
    title: str | None,
    paragraphs: list[str],
    url: str | None = None,
    evidence: list[str] | None = None,
    roots: list[LexborNode] | None = None,
    body_letters: int | None = None,
) -> tuple[str, str]:
    """(kind, why): one of ``KINDS`` and the signal that decided it."""
    # a challenge page shows at most MAX_CHALLENGE_LETTERS letters: a page whose body alone shows more is none,
    # and the check (a long regex over the markup, ~7 ms a page) is skipped
    reason = (
        challenge_reason(page.html) if body_letters is None or body_letters <= MAX_CHALLENGE_LETTERS else None
    )
    if reason:
        return "challenge", reason
    evidence = evidence or []
    body_chars = sum(len(p) for p in paragraphs)
    head = search_form(" ".join(x for x in (page.title_tag, title) if x))
    h1 = page.tree.css_first("h1")
    h1_text = search_form(h1.text(deep=True)) if h1 is not None else ""
    if body_chars < MIN_ARTICLE_CHARS and (_ERROR.search(head) or _ERROR.search(h1_text)):
        return "error", "error message in the title and no prose"
    og_type = page.meta.get("og:type", "").lower()
    ld = article_ld(page) or {}
    ld_types = {t for o in page.jsonld for t in _as_list(o.get("@type")) if isinstance(t, str)}
    path = unquote(urlsplit(url).path) if url else ""
    short = body_chars < MIN_ARTICLE_CHARS
    is_video_meta = og_type.startswith("video") or ld.get("@type") == "VideoObject"
    has_player = page.tree.css_first("video, embed, object, iframe[src*=aparat]") is not None or any(
        not _PLAYER_WORDS.isdisjoint(class_words(n)) for n in page.tree.css('[class*="player" i]')
    )
    if is_video_meta and (short or _VIDEO_TITLE.search(title or "")):
        return "video", "video metadata"
    if short:
        if has_player or (_URL_VIDEO.search(path) and _VIDEO_TITLE.search(title or "")):
            return "video", "a player and little text"
        gallery = (
            "ImageGallery" in ld_types or _GALLERY_TITLE.search(title or "") or _URL_GALLERY.search(path)
        )
        if gallery and len(page.tree.css("img")) >= 4:
            return "gallery", "a photo gallery with little text"
        if _APP.search(search_form(" ".join([title or "", *paragraphs]))):
            return "app", "an app-store promotion"
    if body_chars and _looks_junk(paragraphs):
        return "error", "binary or undecodable bytes, not prose"
    if roots and _is_card_list(roots, paragraphs):
        kind = "tag" if _URL_TAG.search(path) or _TAG_TITLE.search(title or "") else "listing"
        return kind, "the densest block is a run of linked headlines with teasers"
    # a short release is still a release: two paragraphs of prose, or one long one
    if (len(paragraphs) >= 2 and body_chars >= MIN_SHORT_CHARS) or body_chars >= MIN_SINGLE_CHARS:
        if not evidence and _URL_TAG.search(path) and _linked_titles(page):
            return "tag", "a tag or archive listing"
        return "article", "prose"
    if evidence:
        return "article", "; ".join(evidence)
    if _URL_TAG.search(path) or _TAG_TITLE.search(title or "") or "CollectionPage" in ld_types:
        return "tag", "a tag or archive listing"
    return "listing", "no prose block"


def _as_list(value: object) -> list[object]:
    """JSON-LD's «one or many»: ``"@type": "NewsArticle"`` or ``"@type": ["NewsArticle", "WebPage"]``."""
    return value if isinstance(value, list) else [value]


def _link_figures(roots: list[LexborNode]) -> tuple[int, int, int]:
    """(headline links of 20+ characters, link characters, all characters) under ``roots``."""
    headlines = link_chars = chars = 0
    for root in roots:
        chars += len(root.text(deep=True).strip())
        for a in root.css("a"):
            t = a.text(deep=True).strip()
            link_chars += len(t)
            headlines += len(t) >= 20
    return headlines, link_chars, chars


def _is_card_list(roots: list[LexborNode], paragraphs: list[str]) -> bool:
    """The chosen block is a listing's run of cards: many headline links (at least ``LISTING_LINKS`` with 20+
    characters), a large share of link text, and teasers rather than paragraphs of a story. When the block is
    one card (a headline link and a teaser, under 500 characters), the list it stands in is judged."""
    if len(roots) > 1 and roots[0].parent is not None:
        roots = [roots[0].parent]  # sibling blocks: judge the list they stand in
    headlines, link_chars, chars = _link_figures(roots)
    if len(roots) == 1 and headlines == 1 and chars < 500 and roots[0].parent is not None:
        headlines, link_chars, chars = _link_figures([roots[0].parent])
    if headlines < LISTING_LINKS or not chars or link_chars < 0.25 * chars:
        return False
    return not paragraphs or sum(len(p) for p in paragraphs) / len(paragraphs) < 300


def _linked_titles(page: Page) -> bool:
    """Many links whose text reads like a headline (a listing's run of titles)."""
    n = 0
    for a in page.tree.css("a"):
        t = a.text(deep=True).strip()
        if len(t) >= 25:
            n += 1
            if n >= 10:
                return True
    return False
