"""Decode and parse a page, then find its parts: structured data first, DOM heuristics second.

Main content: the block whose ``<p>`` children carry the most text (link-heavy paragraphs and boilerplate
containers — comments, sidebars, related boxes, menus, footers — do not count). Title: ``<h1>`` checked against
``og:title`` / JSON-LD ``headline`` / ``<title>``. Raw text is kept exactly as the page shows it (ZWNJ included).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CHARSET_ALIASES = {
    "windows-1256": "cp1256",
    "x-cp1256": "cp1256",
    "cp-1256": "cp1256",
    "arabic": "cp1256",
    "utf8": "utf-8",
    "iso-8859-6": "iso-8859-6",
}
_BOILER = re.compile(
    r"comment|sidebar|side-bar|related|footer|menu|nav|share|social|tags|breadcrumb|popular|"
    r"most-?viewed|\bads?\b|banner|poll|widget|leftpane|lastnews|box|pager|pagination",
    re.I,
)
_END_MARKERS = re.compile(r"^\s*(?:انتهای پیام|انتهاي پيام|پایان پیام|پايان پيام)\s*[/.]?\s*$")
_SPACE_RUN = re.compile(r"[ \t\r\f\v]+")


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
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8", errors
    cands: list[str] = []
    if encoding:
        cands.append(encoding)
    m = _META_CHARSET.search(data[:4096])
    if m:
        cands.append(m.group(1).decode("ascii", "ignore"))
    for cand in cands:
        codec = _CHARSET_ALIASES.get(cand.strip().lower(), cand.strip().lower())
        try:
            return data.decode(codec), codec, errors
        except (LookupError, UnicodeDecodeError):
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


def _classes(node: LexborNode) -> str:
    a = node.attributes
    return f"{a.get('class') or ''} {a.get('id') or ''}"


def in_boilerplate(node: LexborNode, stop: LexborNode | None = None) -> bool:
    """Whether ``node`` sits inside a comments/sidebar/related/menu/footer container (or ``li``, ``aside``)."""
    n: LexborNode | None = node
    while n is not None and n.tag not in ("body", "html"):
        if stop is not None and n.mem_id == stop.mem_id:
            return False
        if n.tag in ("aside", "footer", "nav", "li", "header"):
            return True
        if _BOILER.search(_classes(n)):
            return True
        n = n.parent
    return False


def _link_text_len(node: LexborNode) -> int:
    return sum(len(a.text(deep=True)) for a in node.css("a"))


@dataclass
class Content:
    container: LexborNode | None
    paragraphs: list[str]


def main_content(page: Page) -> Content:
    """Paragraphs of the densest ``<p>`` block; falls back to ``<br>``-separated text of the densest block."""
    by_parent: dict[int, tuple[LexborNode, list[LexborNode]]] = {}
    for p in page.tree.css("p"):
        parent = p.parent
        if parent is None:
            continue
        entry = by_parent.get(parent.mem_id)
        if entry is None:
            by_parent[parent.mem_id] = (parent, [p])
        else:
            entry[1].append(p)
    groups: dict[int, tuple[LexborNode, list[tuple[LexborNode, str]]]] = {}
    for key, (parent, ps) in by_parent.items():
        if in_boilerplate(parent):  # checked once per block, before any text is read
            continue
        texts = [(p, clean_text(p.text(deep=True))) for p in ps]
        groups[key] = (parent, [(p, t) for p, t in texts if t])
    best: tuple[float, LexborNode | None, list[tuple[LexborNode, str]]] = (0.0, None, [])
    link_len: dict[int, int] = {}  # per <p>: the kept block's paragraphs are checked again below
    for parent, items in groups.values():
        score = 0.0
        for p, text in items:
            links = link_len[p.mem_id] = _link_text_len(p)
            if links > 0.5 * len(text):
                continue
            score += len(text) - links
        if len(items) > 1:
            score *= 1.0 + min(len(items), 10) * 0.02
        if score > best[0]:
            best = (score, parent, items)
    score, container, items = best
    if container is None or score < 80:
        return _fallback_content(page)
    paras: list[str] = []
    for p, text in items:
        cls = _classes(p).lower()
        if "news-end" in cls or _END_MARKERS.match(text) or "caption" in cls:
            continue
        if link_len[p.mem_id] > 0.5 * len(text):
            continue
        paras.append(text)
    return Content(container, _strip_trailers(paras))


def _strip_trailers(paras: list[str]) -> list[str]:
    """Drop end-of-story markers and trailing «انتهای پیام» glued to the last paragraph."""
    while paras and _END_MARKERS.match(paras[-1]):
        paras.pop()
    if paras:
        paras[-1] = re.sub(r"\s*(?:انتهای پیام|انتهاي پيام)\s*/?\s*$", "", paras[-1]).strip() or paras[-1]
    return paras


def _fallback_content(page: Page) -> Content:
    """No paragraph block: take the element with the most direct (non-link) text and split it on ``<br>``.

    One pass over the text nodes (deeply nested pages stay linear); boilerplate is checked for the few best
    candidates only."""
    root = page.tree.body
    if root is None:
        return Content(None, [])
    lengths: dict[int, list] = {}
    for node in root.traverse(include_text=True):
        if node.tag != "-text":
            continue
        parent = node.parent
        if parent is None or parent.tag in ("a", "script", "style", "option", "title"):
            continue
        n = len((node.text_content or "").strip())
        if n:
            entry = lengths.setdefault(parent.mem_id, [0, parent])
            entry[0] += n
    for total, node in sorted(lengths.values(), key=lambda e: e[0], reverse=True)[:5]:
        if total < 200:
            break
        if in_boilerplate(node):
            continue
        html = node.html or ""
        parts = re.split(r"<br\s*/?>\s*(?:<br\s*/?>)?", html, flags=re.I)
        paras = [clean_text(LexborHTMLParser(f"<div>{p}</div>").text(deep=True)) for p in parts]
        return Content(node, _strip_trailers([p for p in paras if p and not _END_MARKERS.match(p)]))
    return Content(None, [])


_LEAD_SEL = (
    '[itemprop="description"]:not(meta), .lead, .summary, .news-summary, .NewsLead, .subtitle, '
    ".news-lead, .introtext, .item-summary, .abstract"
)


def find_lead(page: Page, container: LexborNode | None) -> str | None:
    """The lead (لید) when the page marks one: a lead/summary element outside listings and boilerplate."""
    for node in page.tree.css(_LEAD_SEL):
        if node.tag in ("meta", "ul", "ol", "li"):
            continue
        if container is not None and node.mem_id == container.mem_id:
            continue
        if in_boilerplate(node):
            continue
        text = clean_text(node.text(deep=True))
        if len(text) >= 20:
            return text
    return None


def find_title(page: Page, ld: dict[str, Any] | None) -> str | None:
    """``<h1>`` outside boilerplate (checked against structured titles), else og:title / headline / ``<title>``."""
    structured = [
        t
        for t in (page.meta.get("og:title"), (ld or {}).get("headline"), page.meta.get("twitter:title"))
        if isinstance(t, str) and t.strip()
    ]
    h1s = [clean_text(h.text(deep=True)) for h in page.tree.css("h1") if not in_boilerplate(h)]
    h1s = [h for h in h1s if h]
    for h in h1s:
        if any(h == clean_text(s) for s in structured):
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
        parts = re.split(r"\s+(?:[|\-–—»>:]|::)\s+", tag)
        return max(parts, key=len) if parts else tag
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
