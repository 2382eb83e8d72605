"""Decode and parse a page, then find its parts: structured data first, DOM heuristics second.

Main content (``main_content``), by rank: a microdata ``itemprop="articleBody"`` element; else the densest block
measured on *text nodes* — runs of text under one block element, cut at ``<br>`` and at child blocks, so ``<p>``,
nested ``<div>``, ``<br>``-separated text and table cells all count — scored as Readability does (1 + commas + a
point per 100 characters, given to the block's parent, half to the grandparent, then 1/(3·level)), scaled by
``1 - link density`` and by whole-word class/id cues (a box that calls itself comments/footer/related … −80 %, a
weak cue −25 %, a story cue +25 %); the winner climbs to the highest near ancestor that only adds prose and takes
in sibling blocks that score a fifth of it. Inside, boxes naming themselves boilerplate, link lists, «کد خبر» /
date / update lines and «انتهای پیام» are left out. (JSON-LD ``articleBody`` is the fallback, in ``core``.)
Class cues are whole words of the node's own class and id — «PageBuilder-pageRow» is not «pager» — and only near
ancestors are asked. Title: ``<h1>`` checked against ``og:title`` / JSON-LD ``headline`` / ``<title>``. Raw text is
kept exactly as the page shows it (ZWNJ included).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from khabar.extractors.charset import bom_charset, charset_label, meta_charset
from khabar.extractors.normalize import match_form
from selectolax.lexbor import LexborHTMLParser, LexborNode

_END_MARKERS = re.compile(r"^\s*(?:انتهای پیام|انتهاي پيام|پایان پیام|پايان پيام)\s*[/.]?\s*$")
_SPACE_RUN = re.compile(r"[ \t\r\f\v]+")
_WS = re.compile(r"[\s\xa0]+")  # inside one paragraph unit a source line break is a space (ZWNJ is not \s)


def _persian_share(text: str) -> float:
    """Share of Arabic-script letters among letters: tells real Persian text from mojibake."""
    letters = [c for c in text[:20_000] if c.isalpha()]
    return sum("\u0600" <= c <= "\u06ff" for c in letters) / len(letters) if letters else 0.0


def decode(html: bytes | str, encoding: str | None = None) -> tuple[str, str | None, list[str]]:
    """Bytes → text: the crawler's charset, else a BOM or ``<meta charset>``, else strict UTF-8, else
    charset-normalizer, else windows-1256 (old Iranian sites). Never raises. A wrong hint is not an error when
    another charset decodes the page cleanly; only lossy decoding is reported."""
    errors: list[str] = []
    if isinstance(html, str):
        return html, None, errors
    data = bytes(html or b"")
    bom = bom_charset(data)
    if bom is not None:  # the byte-order mark outranks any label (khabar.extractors.charset)
        return data.decode(bom + "-sig" if bom == "utf-8" else bom, "replace"), bom, errors
    # the crawler's charset (header first), then the page's own <meta>, each only if it decodes cleanly
    for codec in dict.fromkeys(c for c in (charset_label(encoding), meta_charset(data)) if c):
        try:
            return data.decode(codec), codec, errors
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8"), "utf-8", errors
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few stray bytes is still UTF-8: losing a handful of bytes beats turning the page into mojibake
    lenient = data.decode("utf-8", "replace")
    bad = lenient.count("\ufffd")
    if bad <= max(8, len(lenient) // 1000) and _persian_share(lenient) > 0.2:
        errors.append(f"encoding: {bad} undecodable bytes replaced (utf-8)")
        return lenient, "utf-8", errors
    codec = "cp1256"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if (
            best is not None
            and best.encoding
            and (
                best.encoding.replace("_", "").lower() in ("cp1256", "windows1256")
                or _looks_persian(data, best.encoding)
            )
        ):
            codec = best.encoding
    except Exception as exc:  # charset-normalizer is a heuristic; never let it break extraction
        errors.append(f"encoding: detection failed ({type(exc).__name__})")
    text = data.decode(codec, "replace")
    bad = text.count("\ufffd")
    if bad:
        errors.append(f"encoding: {bad} undecodable bytes replaced ({codec})")
    return text, codec, errors


def _looks_persian(data: bytes, codec: str) -> bool:
    try:
        text = data[:20000].decode(codec, "replace")
    except LookupError:
        return False
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff")
    return arabic > 50


def clean_text(text: str) -> str:
    """Collapse runs of spaces/tabs (not ZWNJ, not newlines) and strip; the page's characters are kept."""
    return _SPACE_RUN.sub(" ", text.replace("\xa0", " ")).strip()


@dataclass
class Page:
    """A parsed page and what its structured data says."""

    tree: LexborHTMLParser
    html: str
    meta: dict[str, str] = field(default_factory=dict)  # og:/article:/name= meta, first value wins
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    canonical: str | None = None
    lang: str | None = None
    title_tag: str | None = None


_CONTAINER_TAGS = re.compile(
    r"</?(?:div|span|font|b|i|u|em|strong|section|article|center|small|big|blockquote|"
    r"table|tbody|tr|td|ul|ol|li|dl|dd|dt)\b[^>]*>",
    re.I,
)


def _defuse_nesting(text: str) -> str:
    """lexbor's tree builder is quadratic in nesting depth (100,000 unclosed ``<div>`` take minutes): when far more
    tags open than close, drop the container tags and keep the text, paragraphs and headings."""
    opens = text.count("<")
    if opens < 3000:  # then opens - 2 * closes < 3000 too: skip the second scan (most pages)
        return text
    closes = text.count("</")
    if opens - 2 * closes < 3000:
        return text
    return _CONTAINER_TAGS.sub(" ", text)


def parse(text: str) -> Page:
    text = _defuse_nesting(text)
    tree = LexborHTMLParser(text)
    page = Page(tree=tree, html=text)
    for m in tree.css("meta"):
        a = m.attributes
        key = a.get("property") or a.get("name") or a.get("itemprop")
        val = a.get("content")
        if key and val is not None:
            page.meta.setdefault(key.strip().lower(), val.strip())
    for s in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(s.text(deep=True) or "null")
        except (ValueError, TypeError):
            continue
        for obj in data if isinstance(data, list) else [data]:
            if isinstance(obj, dict):
                graph = obj.get("@graph")
                page.jsonld.extend(
                    g for g in (graph if isinstance(graph, list) else [obj]) if isinstance(g, dict)
                )
    link = tree.css_first('link[rel="canonical"]')
    if link is not None:
        page.canonical = (link.attributes.get("href") or "").strip() or None
    html_node = tree.css_first("html")
    if html_node is not None:
        page.lang = (html_node.attributes.get("lang") or "").strip() or None
    t = tree.css_first("title")
    if t is not None:
        raw_title = t.text(deep=True)
        if (
            "<" in raw_title
        ):  # an unclosed <title> swallows the document as text: keep what precedes the first tag
            raw_title = raw_title.split("<", 1)[0]
        page.title_tag = clean_text(raw_title)[:300] or None
    return page


def article_ld(page: Page) -> dict[str, Any] | None:
    """The first JSON-LD object that is a news article (or any CreativeWork with a headline)."""
    best = None
    for obj in page.jsonld:
        typ = obj.get("@type")
        types = typ if isinstance(typ, list) else [typ]
        if any(t in ("NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting") for t in types):
            return obj
        if best is None and obj.get("headline"):
            best = obj
    return best


# ---- class and id cues: whole words, never substrings ------------------------------------------------------------
# A class attribute is split into words at non-letters and camelCase humps («PageBuilder-pageRow» → page, builder,
# page, row), so «pager» never matches inside «PageBuilder» and «nav» never inside «canvas».
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
# Words naming a box that is never the story itself (strong: dropped inside the chosen content, -25 as a candidate).
_NEG_WORDS = frozenset(
    [
        "comment",
        "comments",
        "commentlist",
        "sidebar",
        "sidebars",
        "side",
        "related",
        "relatedposts",
        "footer",
        "menu",
        "menus",
        "nav",
        "navbar",
        "navigation",
        "share",
        "sharing",
        "sharer",
        "social",
        "socials",
        "tags",
        "tag",
        "tagcloud",
        "breadcrumb",
        "breadcrumbs",
        "crumbs",
        "popular",
        "mostviewed",
        "mostvisited",
        "viewed",
        "visited",
        "ads",
        "ad",
        "advert",
        "adverts",
        "advertisement",
        "advertising",
        "banner",
        "banners",
        "poll",
        "polls",
        "pager",
        "pagination",
        "paging",
        "promo",
        "promotion",
        "sponsor",
        "sponsored",
        "newsletter",
        "subscribe",
        "subscription",
        "signup",
        "toolbar",
        "print",
        "byline",
        "dateline",
        "keywords",
        "lastnews",
        "outbrain",
        "taboola",
        "recommended",
        "recommend",
        "trending",
        "rating",
        "ratings",
        "vote",
        "votes",
        "caption",
        "captions",
        "credit",
        "credits",
        "cookie",
        "cookies",
        "consent",
        "modal",
        "popup",
        "masthead",
        "copyright",
        "disclaimer",
        "skip",
        "hidden",
        "author",
        "authors",
        "login",
        "register",
        "shortlink",
        "shorturl",
    ]
)
# Weak: -25 as a candidate only (real bodies sit in «elementor-widget-container», «news-box», «l-sidebar-fixed» …).
_WEAK_WORDS = frozenset(
    [
        "widget",
        "widgets",
        "box",
        "meta",
        "date",
        "time",
        "info",
        "extra",
        "aside",
        "leftpane",
        "rightpane",
        "more",
        "also",
    ]
)
_POS_WORDS = frozenset(
    [
        "article",
        "articles",
        "body",
        "content",
        "contents",
        "entry",
        "hentry",
        "main",
        "page",
        "post",
        "posts",
        "story",
        "text",
        "blog",
        "news",
        "detail",
        "details",
        "matn",
        "khabar",
        "itemtext",
        "newstext",
        "articlebody",
        "storybody",
    ]
)
_NEG_TAGS = frozenset(("nav", "aside", "footer"))


def _classes(node: LexborNode) -> str:
    a = node.attributes
    return f"{a.get('class') or ''} {a.get('id') or ''}"


_WORDS_MEMO: dict[str, frozenset[str]] = {}


def class_words(node: LexborNode) -> frozenset[str]:
    """The lower-cased words of ``class`` and ``id`` (see ``_WORD_SPLIT``), plus each pair of neighbours joined
    («most-viewed» → mostviewed). An ``id`` of more than three words is a heading's slug
    («sharing-with-a-single-developer»), not a name for a box: it is left out. Memoised on the attribute text
    (pages repeat a few class names thousands of times)."""
    a = node.attributes
    cls, ident = a.get("class") or "", a.get("id") or ""
    if not cls and not ident:
        return frozenset()
    key = f"{cls}\x00{ident}"
    words = _WORDS_MEMO.get(key)
    if words is None:
        parts = [w.lower() for w in _WORD_SPLIT.split(cls) if w]
        if ident:
            id_parts = [w.lower() for w in _WORD_SPLIT.split(ident) if w]
            if len(id_parts) <= 3:
                parts += id_parts
        found = set(parts)
        found.update(x + y for x, y in itertools.pairwise(parts))
        words = frozenset(found)
        if len(_WORDS_MEMO) > 50_000:  # a hostile page with unique class names must not grow the memo forever
            _WORDS_MEMO.clear()
        _WORDS_MEMO[key] = words
    return words


def is_boilerplate_box(node: LexborNode) -> bool:
    """Whether the node itself (not its ancestors) is a comments/sidebar/related/menu/share/tags box."""
    return node.tag in _NEG_TAGS or not _NEG_WORDS.isdisjoint(class_words(node))


def in_boilerplate(node: LexborNode, stop: LexborNode | None = None, depth: int = 6) -> bool:
    """Whether ``node`` or one of its ``depth`` nearest ancestors is a boilerplate box (whole-word cues only).

    Only near ancestors count: a page wrapper far above («has-section-nav», «l-sidebar-fixed») says nothing about
    one heading or byline deep inside it."""
    n: LexborNode | None = node
    while n is not None and depth > 0 and n.tag not in ("body", "html"):
        if stop is not None and n.mem_id == stop.mem_id:
            return False
        if n.tag in ("aside", "footer", "nav", "li") or is_boilerplate_box(n):
            return True
        n = n.parent
        depth -= 1
    return False


def _link_text_len(node: LexborNode) -> int:
    return sum(len(a.text(deep=True)) for a in node.css("a"))


# ---- the body: paragraph units measured on text nodes ------------------------------------------------------------
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "td",
        "th",
        "li",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "dl",
        "ul",
        "ol",
        "table",
        "tbody",
        "thead",
        "tr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "figcaption",
        "form",
        "aside",
        "nav",
        "footer",
        "header",
        "address",
        "center",
        "body",
        "details",
        "summary",
        "fieldset",
    ]
)
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "select",
        "option",
        "button",
        "textarea",
        "svg",
        "iframe",
        "object",
        "embed",
        "head",
        "title",
        "h1",
        "input",
        "label",
        "video",
        "audio",
        "canvas",
        "map",
        "math",
    ]
)
_HEADING_TAGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
# a label and its colon opening a short line: the meta box, not the story («بازدید از تالار …» is story)
_LABEL_LINE = re.compile(
    r"^\s*(?:کد\s*\u200c?\s*خبر|شناسه\s*\u200c?\s*خبر|کد\s*مطلب|لینک\s*\u200c?\s*کوتاه|نشانی\s*کوتاه|"
    r"تاریخ\s*(?:انتشار|ارسال|درج)?|زمان\s*انتشار|تعداد\s*بازدید|بازدید|برچسب\s*\u200c?\s*(?:ها)?|کلید\s*واژه|"
    r"منبع|اشتراک\s*\u200c?\s*گذاری|نویسنده|خبرنگار|عکاس)\s*[:：]"
    r"|^\s*(?:نسخه\s*(?:قابل\s*)?چاپی?|چاپ\s*خبر|ارسال\s*به\s*دوستان|اشتراک\s*\u200c?\s*گذاری)\s*$",
    re.I,
)
# a short line carrying one of these is the byline/meta box, wherever the label sits in it
_META_LINE = re.compile(
    r"کد\s*\u200c?\s*خبر\s*[:：]|شناسه\s*\u200c?\s*خبر\s*[:：]|تاریخ\s*انتشار\s*[:：]|"
    r"(?:ویرایش|بروز\s*\u200c?\s*رسانی|به\s*\u200c?\s*روز\s*\u200c?\s*رسانی)\s*(?:[:：]|در\s)|"
    r"\b(?:last\s+)?(?:updated|modified)\s*(?:[:：]|on\b)",
    re.I,
)
_LETTER = re.compile(r"[^\W\d_]")
LETTERS_CAP = (
    1000  # body letters are counted up to here: a challenge page has at most 600 (extractors.challenge)
)
MIN_UNIT_CHARS = 25  # a shorter unit scores nothing (it is a label, a date, a button), as in Readability
CLIMB_LEVELS = 6  # how far above the best block the story may still extend
SCORE_LEVELS = 5  # a unit's score goes to its block's parent (1), grandparent (1/2), then 1/(3·level)


@dataclass
class Content:
    container: LexborNode | None
    paragraphs: list[str]
    roots: list[LexborNode] = field(default_factory=list)  # the selected blocks the paragraphs come from
    source: str = "none"  # which signal gave the body: microdata, dom, jsonld, none
    why: str | None = None  # when no body: why not
    letters: int = (
        0  # letters in the body's visible text, counted up to LETTERS_CAP (enough to rule out a challenge)
    )


@dataclass
class _Unit:
    """A run of text nodes under one block element, cut at ``<br>`` and at child blocks: one paragraph."""

    block: LexborNode
    parts: list[str] = field(default_factory=list)
    link: int = 0
    text: str = ""


@dataclass(slots=True)
class _Stats:
    node: LexborNode
    chars: int = 0  # all unit text below
    link: int = 0  # of which inside <a>
    prose: int = 0  # of which in units that score (long enough, few links)
    score: float = 0.0  # Readability-style content score: what its units gave it
    weight: float = 0.0  # tag and class cues, in percent (set when first met as a scored ancestor)
    scored: bool = False


def _units(root: LexborNode) -> list[_Unit]:
    """Every paragraph unit under ``root`` in document order. One pass; each element's (block, in-link, skipped)
    is derived from its parent's, so the pass stays linear on deeply nested pages."""
    info: dict[int, tuple[LexborNode, bool, bool]] = {}
    units: list[_Unit] = []
    cur: _Unit | None = None
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            parent = node.parent
            pi = info.get(parent.mem_id) if parent is not None else None
            if pi is None or pi[2]:
                continue
            t = node.text_content
            block = pi[0]
            if not t or t.isspace():
                if t and cur is not None and cur.block.mem_id == block.mem_id:
                    cur.parts.append(" ")  # the space between two links of one sentence
                continue
            if cur is None or cur.block.mem_id != block.mem_id:
                cur = _Unit(block)
                units.append(cur)
            cur.parts.append(t)
            if pi[1]:
                cur.link += len(t.strip())
        elif tag == "-comment":
            continue
        else:
            parent = node.parent
            pi = info.get(parent.mem_id) if parent is not None else None
            if pi is None:
                pi = (node, False, False)
            skip = pi[2] or tag in _SKIP_TAGS
            block = node if tag in _BLOCK_TAGS else pi[0]
            info[node.mem_id] = (block, pi[1] or tag == "a", skip)
            if tag == "br" or tag in _BLOCK_TAGS or tag == "hr":
                cur = None
    out = []
    for u in units:
        u.text = " ".join(
            "".join(u.parts).split()
        )  # str.split: every Unicode space (not ZWNJ), faster than re
        if u.text:
            u.link = min(u.link, len(u.text))
            out.append(u)
    return out


def _class_weight(node: LexborNode) -> float:
    """In percent: a box that names itself comments/footer/sidebar/related … -80 (Readability drops such
    candidates), a weak cue (widget, box, meta …) -25, a story cue (article, body, content, text …) +25."""
    words = class_words(node)
    if not words:
        return 0.0
    w = 0.0
    if not _NEG_WORDS.isdisjoint(words):
        w -= 80
    elif not _WEAK_WORDS.isdisjoint(words):
        w -= 25
    if not _POS_WORDS.isdisjoint(words):
        w += 25
    return w


_TAG_WEIGHT = {
    "div": 5,
    "article": 10,
    "main": 5,
    "section": 3,
    "td": 3,
    "pre": 3,
    "blockquote": 3,
    "form": -3,
    "ol": -3,
    "ul": -3,
    "dl": -3,
    "dd": -3,
    "dt": -3,
    "li": -3,
    "address": -3,
    "th": -5,
    "h2": -5,
    "h3": -5,
    "h4": -5,
    "h5": -5,
    "h6": -5,
    "header": -5,
    "nav": -80,
    "aside": -80,
    "footer": -80,
}


def _unit_score(u: _Unit) -> float:
    """1 + commas + one point per 100 characters (at most 3), as Readability; counts Persian «،» too."""
    text = u.text
    return 1.0 + text.count(",") + text.count("،") + min(len(text) // 100, 3)


def main_content(page: Page) -> Content:
    """The story's paragraphs, from the best signal the page carries (ranked):

    1. a microdata ``itemprop="articleBody"`` element with prose in it (the CMS says where the body is);
    2. the densest block: paragraph units (runs of text nodes cut at ``<br>`` and block boundaries, so ``<p>``,
       nested ``<div>``, ``<br>`` text and table cells all count) give Readability-style scores to their block's
       ancestors; the best ancestor, weighted by ``1 - link density`` and by whole-word class cues, wins, and its
       siblings that score at least a fifth of it join (bodies split over sibling containers);
    3. (in ``core``) JSON-LD ``articleBody`` when the DOM gave much less text.

    Inside the chosen block, boxes that name themselves boilerplate (comments, related, share, tags …) are left
    out unless they hold most of the text, as are link-heavy units, «انتهای پیام» and «کد خبر» lines.
    """
    root = page.tree.body
    if root is None:
        return Content(None, [], why="no <body>")
    if len(page.html) > HUGE_PAGE:
        _prune_bloat(page)
    micro = page.tree.css_first('[itemprop="articleBody"], [itemprop="articlebody"]')
    if micro is not None and len(micro.text(deep=True).strip()) >= 80:
        root = micro  # the CMS marks the body: measure only inside it (rank 1 below)
    units = _units(root)
    if not units:
        return Content(None, [], why="no text in <body>")
    letters = 0
    for u in units:
        letters += len(_LETTER.findall(u.text))
        if letters > LETTERS_CAP:
            break
    content = _main_content(page, root, units)
    content.letters = letters
    return content


HUGE_PAGE = 1_000_000  # characters of HTML above which comment threads and asides are cut before measuring
_BLOAT_WORDS = frozenset(["comment", "comments", "commentlist"])


def _prune_bloat(page: Page) -> None:
    """On a huge page, remove comment threads, ``<aside>``, ``<nav>`` and ``<footer>`` from the tree before the
    text-node pass (a 12 MB page of 18,000 archived comments took seconds). Never the story: these boxes name
    themselves; inner boxes go first so no removed node is touched again."""
    sel = "aside, nav, footer, [class*=comment i], [id*=comment i]"
    for node in reversed(page.tree.css(sel)):
        if node.tag in _NEG_TAGS or not _BLOAT_WORDS.isdisjoint(class_words(node)):
            node.decompose()


def _main_content(page: Page, root: LexborNode, units: list[_Unit]) -> Content:
    stats: dict[int, _Stats] = {}
    root_id = root.mem_id
    # 1. each unit's figures go to its block; 2. the blocks' figures go up from the blocks' parents, once per
    # distinct parent (all <p>s of a story, all <li>s of a list share one walk): linear in practice on huge pages
    by_parent: dict[int, list] = {}
    for u in units:
        block = u.block
        chars, link = len(u.text), u.link
        score = _unit_score(u) if chars >= MIN_UNIT_CHARS and link <= 0.5 * chars else 0.0
        st = stats.get(block.mem_id)
        if st is None:
            st = stats[block.mem_id] = _Stats(block)
        st.chars += chars
        st.link += link
        if score:
            st.prose += chars
        if block.mem_id == root_id:
            continue
        parent = block.parent
        if parent is None:
            continue
        agg = by_parent.get(parent.mem_id)
        if agg is None:
            by_parent[parent.mem_id] = [parent, chars, link, chars if score else 0, score]
        else:
            agg[1] += chars
            agg[2] += link
            agg[3] += chars if score else 0
            agg[4] += score
    # level by level: entries that reach the same ancestor at the same level merge (18,000 comment <div>s of one
    # section become one entry), so the work is the number of distinct (ancestor, level) pairs
    frontier = by_parent
    level = 0
    while frontier:
        nxt: dict[int, list] = {}
        for mid, (n, chars, link, prose, score) in frontier.items():
            st = stats.get(mid)
            if st is None:
                st = stats[mid] = _Stats(n)
            st.chars += chars
            st.link += link
            st.prose += prose
            if level < SCORE_LEVELS and score:
                if not st.scored:
                    st.scored = True
                    st.weight = _TAG_WEIGHT.get(n.tag, 0) + _class_weight(n)
                st.score += score / (1 if level == 0 else 2 if level == 1 else level * 3)
            if mid == root_id:
                continue
            parent = n.parent
            if parent is None:
                continue
            if level + 1 >= SCORE_LEVELS:
                score = (
                    0.0  # beyond the scored levels only the sums travel on: merge them regardless of level
                )
            agg = nxt.get(parent.mem_id)
            if agg is None:
                nxt[parent.mem_id] = [parent, chars, link, prose, score]
            else:
                agg[1] += chars
                agg[2] += link
                agg[3] += prose
                agg[4] += score
        frontier = nxt
        level += 1
    micro = _microdata_body(page, stats)
    if micro is not None:
        selected = [micro]
        source = "microdata"
    else:
        cands = [st for st in stats.values() if st.scored]
        if not cands:
            return Content(None, [], why="no block of prose")
        for st in cands:
            # tag and class cues scale the score (±25 % for a class word) rather than add to it, so a 70-character
            # player box called «story» cannot outscore the story's 2,000 characters
            st.score *= max(0.05, 1.0 + st.weight / 100) * (1.0 - (st.link / st.chars if st.chars else 0.0))
        top = max(cands, key=lambda s: s.score)
        if top.score <= 0:
            return Content(None, [], why="no block of prose")
        selected = _with_siblings(_climb(top, stats, root_id), stats)
        source = "dom"
    paras = _clean_units(units, selected, stats)
    container = selected[0].node if len(selected) == 1 else selected[0].node.parent or selected[0].node
    if not paras:
        return Content(
            container, [], [s.node for s in selected], source, why=f"{source} block held only boilerplate"
        )
    return Content(container, _strip_trailers(paras), [s.node for s in selected], source)


def _microdata_body(page: Page, stats: dict[int, _Stats]) -> _Stats | None:
    for node in page.tree.css('[itemprop="articleBody"], [itemprop="articlebody"]'):
        st = stats.get(node.mem_id)
        if st is not None and st.chars - st.link >= 80:
            return st
    return None


def _climb(top: _Stats, stats: dict[int, _Stats], root_id: int) -> _Stats:
    """The highest of the best block's near ancestors (up to ``CLIMB_LEVELS``) that only adds prose to it: a story
    in several sibling ``<div>``s under one ``<article>``, steps under a lead. What an ancestor adds (counted from
    the block) must be mostly prose with few links; boilerplate boxes that do come along are cleaned out later."""
    best = top
    node = top.node
    for _ in range(CLIMB_LEVELS):
        par = node.parent
        if par is None or par.mem_id == root_id:
            break
        pst = stats.get(par.mem_id)
        if pst is None:
            break
        node = par
        added, added_link, added_prose = pst.chars - top.chars, pst.link - top.link, pst.prose - top.prose
        if added <= 0:
            best = pst  # a wrapper around the block alone
            continue
        if added_link > 0.25 * added or added_prose < 0.6 * added:
            continue  # so far the ancestors add links, labels, buttons; one further up may add an intro
        if added_prose >= max(100, 0.2 * top.prose):
            best = pst  # worth it (a byline, a date line or a caption alone is not)
    return best


_SIBLING_TAGS = frozenset(("p", "div", "section", "blockquote", "pre", "ul", "ol", "table", "figure"))


def _with_siblings(top: _Stats, stats: dict[int, _Stats]) -> list[_Stats]:
    """The top block and those siblings that carry story text too (Readability's sibling pass)."""
    parent = top.node.parent
    if parent is None:
        return [top]
    threshold = max(2.0, top.score * 0.2)
    top_words = top.node.attributes.get("class") or ""
    out: list[_Stats] = []
    child = parent.child
    while child is not None:
        st = stats.get(child.mem_id) if child.tag != "-text" else None
        if st is not None:
            if child.mem_id == top.node.mem_id:
                out.append(st)
            elif not is_boilerplate_box(child):
                bonus = (
                    top.score * 0.2 if top_words and (child.attributes.get("class") or "") == top_words else 0
                )
                density = st.link / st.chars if st.chars else 1.0
                if (st.scored and st.score + bonus >= threshold) or (
                    not st.scored and child.tag in _SIBLING_TAGS and st.prose > 80 and density < 0.25
                ):
                    out.append(st)  # a scoring sibling, or a block of prose beside the story (an intro)
        child = child.next
    return out or [top]


def _clean_units(units: list[_Unit], selected: list[_Stats], stats: dict[int, _Stats]) -> list[str]:
    """The units inside the selected blocks, in page order, without boilerplate boxes, link lists and labels."""
    sel_ids = {s.node.mem_id for s in selected}
    inside_ids = set(sel_ids)
    for s in selected:
        inside_ids.update(n.mem_id for n in s.node.traverse())
    good_total = sum(s.chars - s.link for s in selected) or 1
    verdict: dict[int, bool] = {}  # element mem_id → dropped as boilerplate (cached)
    paras: list[str] = []
    for u in units:
        if u.block.mem_id not in inside_ids:
            continue
        chain: list[int] = []
        n: LexborNode | None = u.block
        while n is not None and n.mem_id not in sel_ids:
            chain.append(n.mem_id)
            n = n.parent
        hit = len(chain)
        text = u.text
        if u.link > 0.5 * len(text) or _END_MARKERS.match(text):
            continue
        if len(text) < 100 and (_LABEL_LINE.match(mt := match_form(text)) or _META_LINE.search(mt)):
            continue
        dropped = False
        for mid in chain[:hit]:
            v = verdict.get(mid)
            if v is None:
                st = stats[mid]
                node = st.node
                v = False
                if (node.tag in _HEADING_TAGS and st.link > 0.5 * st.chars) or (
                    (node.tag in _NEG_TAGS or is_boilerplate_box(node))
                    and st.chars - st.link < 0.5 * good_total
                ):
                    v = True
                elif (
                    node.tag in ("ul", "ol", "table", "div", "section", "dl")
                    and st.chars > 0
                    and st.link > 0.5 * st.chars
                ):
                    v = True  # a list or box of links: related news, most visited, tags
                verdict[mid] = v
            if v:
                dropped = True
                break
        if not dropped:
            paras.append(text)
    return paras


def _strip_trailers(paras: list[str]) -> list[str]:
    """Drop end-of-story markers and trailing «انتهای پیام» glued to the last paragraph."""
    while paras and _END_MARKERS.match(paras[-1]):
        paras.pop()
    if paras:
        paras[-1] = re.sub(r"\s*(?:انتهای پیام|انتهاي پيام)\s*/?\s*$", "", paras[-1]).strip() or paras[-1]
    return paras


_LEAD_SEL = '[itemprop="description"]:not(meta), .lead, .summary, .subtitle, .abstract'


# class words that name a lead (standfirst) when they are the element's own words: «atc-IntroText», «c-lede»
_LEAD_WORDS = frozenset(
    [
        "lead",
        "lede",
        "intro",
        "introtext",
        "standfirst",
        "summary",
        "abstract",
        "dek",
        "excerpt",
        "teaser",
        "newslead",
        "subtitle",
    ]
)
_LEAD_PRE = ", ".join(
    f'[class*="{w}" i]' for w in ("lead", "lede", "intro", "standfirst", "summary", "abstract")
)


def _lead_ok(node: LexborNode, container: LexborNode | None) -> str | None:
    if node.tag in (
        "meta",
        "ul",
        "ol",
        "li",
        "a",
        "body",
        "html",
        "article",
        "main",
        "section",
        "figcaption",
    ):
        return None
    if container is not None and node.mem_id == container.mem_id:
        return None
    n: LexborNode | None = node.parent
    for _ in range(4):  # a teaser's description (inside a link or a figure) is not the story's lead
        if n is None:
            break
        if n.tag in ("a", "figure", "figcaption", "li"):
            return None
        n = n.parent
    if in_boilerplate(node):
        return None
    text = clean_text(_WS.sub(" ", node.text(deep=True)))
    if len(text) < 20 or len(text) > 1500 or _link_text_len(node) > 0.5 * len(text):
        return None
    return text


def find_lead_node(page: Page, container: LexborNode | None) -> tuple[str, LexborNode] | None:
    """The lead (لید) when the page marks one, with its element: schema.org ``description`` or a
    lead/summary/intro class (as a whole class word), outside links, figures, listings and boilerplate."""
    for node in page.tree.css(_LEAD_SEL):
        text = _lead_ok(node, container)
        if text:
            return text, node
    for node in page.tree.css(_LEAD_PRE):
        if _LEAD_WORDS.isdisjoint(class_words(node)):
            continue
        text = _lead_ok(node, container)
        if text:
            return text, node
    return None


def find_lead(page: Page, container: LexborNode | None) -> str | None:
    found = find_lead_node(page, container)
    return found[0] if found else None


def inside(node: LexborNode, roots: list[LexborNode]) -> bool:
    """Whether ``node`` lies within one of ``roots``."""
    ids = {r.mem_id for r in roots}
    n: LexborNode | None = node
    while n is not None:
        if n.mem_id in ids:
            return True
        n = n.parent
    return False


_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def _title_key(text: str) -> str:
    """Headline and og:title differ in quotes, spaces and case more often than in words."""
    return _WS.sub(" ", text.translate(_QUOTES)).strip().casefold()


def _is_logo(h: LexborNode) -> bool:
    """An ``<h1>`` that is a link to the home page: the site's name in its header, not the headline."""
    a = h.css_first("a")
    if a is None:
        return False
    parts = urlsplit((a.attributes.get("href") or "").strip())
    return (
        parts.path in ("", "/") and not parts.query and a.text(deep=True).strip() == h.text(deep=True).strip()
    )


def find_title(page: Page, ld: dict[str, Any] | None) -> str | None:
    """``<h1>`` outside boilerplate (checked against structured titles), else og:title / headline / ``<title>``."""
    structured = [
        t
        for t in (page.meta.get("og:title"), (ld or {}).get("headline"), page.meta.get("twitter:title"))
        if isinstance(t, str) and t.strip()
    ]
    # only the headline's own box and its two nearest ancestors count: a byline box above is not boilerplate
    h1s = [
        _WS.sub(" ", h.text(deep=True)).strip()
        for h in page.tree.css("h1")
        if not in_boilerplate(h, depth=3) and not _is_logo(h)
    ]
    h1s = [h for h in h1s if h]
    keys = {_title_key(x) for x in structured}
    for h in h1s:
        if _title_key(h) in keys:
            return h
    tag = page.title_tag or ""
    for h in h1s:
        if len(h) > 8 and (h in tag or not structured):
            return h
    if structured:
        return clean_text(structured[0])
    if h1s:
        return h1s[0]
    if tag:
        # «headline - site name»: the site's name is the logo's text or og:site_name; the headline is the rest
        site = {_title_key(h.text(deep=True)) for h in page.tree.css("h1") if _is_logo(h)}
        site.update(
            _title_key(page.meta[k]) for k in ("og:site_name", "application-name") if page.meta.get(k)
        )
        parts = [p for p in re.split(r"\s+(?:[|\-–—»>:]|::)\s+", tag) if p.strip()]
        rest = [p for p in parts if _title_key(p) not in site] or parts
        if len(rest) > 1:  # the part the page also prints as a heading is the headline
            heads = {
                _title_key(h.text(deep=True))
                for h in page.tree.css("h2, h3")
                if not in_boilerplate(h, depth=3)
            }
            shown = [p for p in rest if _title_key(p) in heads]
            rest = shown or rest
        return max(rest, key=len) if rest else tag
    return None


def region_of(title_node: LexborNode | None, container: LexborNode | None) -> LexborNode | None:
    """Lowest common ancestor of the title and the body container: where bylines and codes live."""
    if title_node is None or container is None:
        return container or title_node
    anc = set()
    n: LexborNode | None = title_node
    while n is not None:
        anc.add(n.mem_id)
        n = n.parent
    n = container
    while n is not None:
        if n.mem_id in anc:
            return n
        n = n.parent
    return None


def title_node(page: Page, title: str | None) -> LexborNode | None:
    if not title:
        return None
    for h in page.tree.css("h1"):
        if clean_text(h.text(deep=True)) == title:
            return h
    return None
