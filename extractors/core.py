"""``extract``: one page → one GUIDE §1.1 record. Every step is guarded: a failure lands in ``errors``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from khabar.extractors import attribution as attr
from khabar.extractors import dates, newscode
from khabar.extractors.classify import article_evidence, page_kind
from khabar.extractors.events import event_type, keywords
from khabar.extractors.html import (
    Page,
    article_ld,
    clean_text,
    decode,
    find_lead_node,
    find_title,
    in_boilerplate,
    inside,
    main_content,
    parse,
    region_of,
    title_node,
)
from khabar.extractors.normalize import search_form
from khabar.extractors.persons import extract_persons
from khabar.extractors.quantities import quantities_of
from khabar.extractors.record import ExtractionRecord
from selectolax.lexbor import LexborHTMLParser, LexborNode

KEYS = (
    "url",
    "is_article",
    "title",
    "lead",
    "body",
    "published_at",
    "published_jalali",
    "news_code",
    "attribution",
    "agency",
    "province",
    "persons",
    "quantities",
    "event_type",
    "keywords",
    "language",
    "errors",
)
_DATE_CLS = re.compile(r"date|time|byline|meta|publish|tarikh", re.I)
_NOT_PUB = re.compile(r"update|modif|edit|lblModified", re.I)
# «time, span, div, td, p, li, small», but only those with a class or an id: the others (most nodes) fail the
# _DATE_CLS test below anyway, and reading their attributes cost ~1/3 of _visible_date. lexbor returns a
# selector group once per node in document order (same node lists on the 3,302 reference pages).
_DATE_NODES = "time, " + ", ".join(f"{t}[class], {t}[id]" for t in ("span", "div", "td", "p", "li", "small"))
_NO_LETTERS = re.compile(r"^[\W\d_]*$")  # «۰۸:۲۰», «|», «1402/05/12»: a time or date alone on its line
_PERSIAN = re.compile(r"[\u0600-\u06FF]")
_PERSIAN_ONLY = re.compile(r"[پچژگ]")


MAX_BODY_CHARS = 1_000_000
MAX_NLP_CHARS = 100_000


def _limit(paragraphs: list[str], budget: int) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        if budget <= 0:
            break
        out.append(p[:budget])
        budget -= len(p)
    return out


def _ends(text: str, head: int = 40_000, tail: int = 20_000) -> str:
    """Bylines and codes sit before or right after the story: scan only the ends of very long texts."""
    return text if len(text) <= head + tail else text[:head] + " " + text[-tail:]


def empty_record(url: str | None = None) -> dict[str, Any]:
    rec: dict[str, Any] = dict.fromkeys(KEYS)
    rec.update(url=url, is_article=False, persons=[], quantities=[], keywords=[], errors=[])
    return rec


def _guard(rec: dict[str, Any], what: str, fn: Callable[[], Any], default: Any = None) -> Any:
    try:
        return fn()
    except Exception as exc:  # extraction must never raise: record what failed and go on
        rec["errors"].append(f"{what}: {type(exc).__name__}: {exc}"[:300])
        return default


def _structured_date(page: Page, ld: dict[str, Any] | None, fetched_at: datetime | None) -> datetime | None:
    cands: list[str] = []
    if ld and isinstance(ld.get("datePublished"), str):
        cands.append(ld["datePublished"])
    for k in (
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "dc.date.issued",
        "dc.date",
        "date",
        "sailthru.date",
        "parsely-pub-date",
    ):
        if page.meta.get(k):
            cands.append(page.meta[k])
    node = page.tree.css_first('[itemprop="datePublished"]')
    if node is not None:
        cands.append(node.attributes.get("datetime") or node.attributes.get("content") or "")
    for node in page.tree.css("time[datetime]"):  # the first <time> that is not an update stamp
        a = node.attributes
        if not _NOT_PUB.search(f"{a.get('class') or ''} {a.get('id') or ''} {a.get('itemprop') or ''}"):
            cands.append(a.get("datetime") or "")
            break
    for c in cands:
        dt = dates.parse_iso(c, fetched_at)
        if dt is not None:
            return dt
    return None


def _visible_date(
    page: Page, region: LexborNode | None, paragraphs: list[str], fetched_at: datetime | None
) -> datetime | None:
    """A date shown on the page: a date-marked node (byline, «تاریخ», <time>) in the article's region, then one
    anywhere in the body, and only then the region's text before the story. Prose comes last: a release that
    mentions «از ۲۷ دی سال گذشته» must not take that for its own date when its byline sits in another table row
    (seen on the Joomla-style portal family, where the title's row is the region and the byline the next row)."""
    roots: list[LexborNode | None] = [region] if region is not None else []
    roots.append(page.tree.body or page.tree.root)
    for root in roots:
        if root is None:
            continue
        for node in root.css(_DATE_NODES):
            a = node.attributes
            cls = f"{a.get('class') or ''} {a.get('id') or ''}"
            if node.tag != "time" and not _DATE_CLS.search(cls):
                continue
            if _NOT_PUB.search(cls) or in_boilerplate(node, stop=region):
                continue
            node_text = _ends(node.text(deep=True, separator=" "))
            found = dates.find_dates(node_text, fetched_at)
            if found:
                return found[0]
            rel = dates.find_relative(node_text, fetched_at)  # a byline «دیروز ساعت ۶ عصر» beats other dates
            if rel is not None:
                return rel
    if region is None:
        return None
    text = " ".join(region.text(deep=True, separator=" ").split())
    if paragraphs:  # only what precedes the story: the body's own dates are events, not the publication
        cut = text.find(" ".join(paragraphs[0][:40].split()))
        head = text[:cut] if cut > 0 else text
    else:
        head = text
    found = dates.find_dates(head[:20_000], fetched_at)
    return found[0] if found else None


def _ld_body(ld: dict[str, Any] | None, paragraphs: list[str]) -> list[str]:
    """JSON-LD ``articleBody`` when the DOM gave much less text (a body drawn by script, or one the DOM pass
    could not find); the DOM's paragraphs otherwise (they keep the page's paragraph breaks)."""
    body = (ld or {}).get("articleBody")
    if not isinstance(body, str) or len(body) < 200:
        return paragraphs
    if sum(len(p) for p in paragraphs) >= 0.5 * len(body):
        return paragraphs
    if "<" in body:
        body = LexborHTMLParser(f"<div>{body}</div>").text(deep=True, separator="\n")
    return [t for t in (clean_text(x) for x in re.split(r"\n+", body)) if t]


def _description_lead(page: Page, ld: dict[str, Any] | None, paragraphs: list[str]) -> str | None:
    """No lead element: the page's own summary (meta/og description, JSON-LD ``description``) is the lead when
    it is a sentence of its own: not an excerpt cut from the body's start, not the title."""
    for cand in (
        page.meta.get("description"),
        page.meta.get("og:description"),
        (ld or {}).get("description"),
    ):
        if not isinstance(cand, str):
            continue
        text = clean_text(cand)
        if len(text) < 20 or len(text) > 1000:
            continue
        if search_form(text) == search_form(paragraphs[0]):
            return text  # the whole first paragraph: a lead the page prints as the body's opening
        key = search_form(text.rstrip(".…").removesuffix("...").removesuffix("[…]"))
        first = search_form(" ".join(paragraphs[:2]))
        if key and (first.startswith(key[: max(20, len(key) - 5)]) or key in first):
            return None  # an excerpt cut from the body, which the body already holds
        return text
    return None


def _after_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The headline inside the chosen block is not body, nor the short kicker or category line above it; nor
    is a bare dateline («سه‌شنبه ، 16 فروردین 1401 ساعت 17:46») among the first lines."""
    while (
        len(paragraphs) > 1
        and len(paragraphs[0]) < 60
        and (_NO_LETTERS.match(paragraphs[0]) or dates.find_dates(paragraphs[0]))
    ):
        paragraphs = paragraphs[1:]
    if not title or not paragraphs:
        return paragraphs
    key = search_form(title)
    for i, p in enumerate(paragraphs[:5]):
        if search_form(p) == key:
            if all(len(q) < 100 for q in paragraphs[:i]):
                return paragraphs[i + 1 :] or paragraphs
            return paragraphs[:i] + paragraphs[i + 1 :]
    return paragraphs


def _drop_first(paragraphs: list[str], text: str) -> list[str]:
    """Without the first paragraph equal to ``text`` (the lead's own unit; a body that repeats it keeps it)."""
    if text in paragraphs and len(paragraphs) > 1:
        i = paragraphs.index(text)
        return paragraphs[:i] + paragraphs[i + 1 :]
    return paragraphs


def _url_of(page: Page, url: str | None, ld: dict[str, Any] | None) -> str | None:
    if url:
        return url
    for cand in (page.canonical, page.meta.get("og:url"), (ld or {}).get("url")):
        if isinstance(cand, str) and cand.strip().startswith(("http://", "https://")):
            return cand.strip()
    return None


def _tags(page: Page, ld: dict[str, Any] | None) -> list[str]:
    tags: list[str] = []
    kw = (ld or {}).get("keywords")
    if isinstance(kw, str):
        tags += [k.strip() for k in re.split(r"[،,]", kw) if k.strip()]
    elif isinstance(kw, list):
        tags += [str(k).strip() for k in kw if str(k).strip()]
    if not tags and page.meta.get("keywords"):
        tags += [k.strip() for k in re.split(r"[،,]", page.meta["keywords"]) if k.strip()]
    if not tags:
        tags += [clean_text(a.text(deep=True)) for a in page.tree.css('a[rel="tag"]')]
    return [t for t in tags if t]


def _language(page: Page, text: str) -> str | None:
    sample = text[:300]
    if sample and len(_PERSIAN.findall(sample)) > 0.3 * len(sample.replace(" ", "")):
        return (
            "fa"
            if _PERSIAN_ONLY.search(sample) or not page.lang or page.lang.startswith(("fa", "prs"))
            else page.lang.split("-")[0].lower()
        )
    if page.lang:
        lang = page.lang.split("-")[0].lower()
        return "fa" if lang in ("fa", "prs", "per") else lang
    return None


def extract(
    html: bytes | str,
    *,
    url: str | None = None,
    fetched_at: datetime | None = None,
    encoding: str | None = None,
) -> ExtractionRecord:
    """One page → one record with every GUIDE §1.1 key. Never raises; problems are listed in ``errors``."""
    rec = empty_record(url)
    try:
        _extract(rec, html, url, fetched_at, encoding)
    except Exception as exc:  # last line of defence: a record, never an exception
        rec["errors"].append(f"extract: {type(exc).__name__}: {exc}"[:300])
    return cast("ExtractionRecord", rec)  # built by key below; every KEYS entry is set by empty_record


def _extract(
    rec: dict[str, Any], html: bytes | str, url: str | None, fetched_at: datetime | None, encoding: str | None
) -> None:
    if fetched_at is not None and fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=dates.TEHRAN)
    text, _codec, errs = decode(html, encoding)
    rec["errors"].extend(errs)
    if not text.strip():
        rec["errors"].append("empty page")
        return
    page = parse(text)
    ld = article_ld(page)
    rec["url"] = _url_of(page, url, ld)
    title = _guard(rec, "title", lambda: find_title(page, ld))
    content = main_content(page)
    paragraphs = _guard(
        rec, "body", lambda: _ld_body(ld, _after_title(content.paragraphs, title)), content.paragraphs
    )
    region = region_of(title_node(page, title), content.container) if title else content.container

    def _code() -> str | None:
        if region is not None:
            c = newscode.code_from_text(_ends(region.text(deep=True, separator=" ")))
            if c:
                return c
        body_node = page.tree.body
        c = (
            newscode.code_from_text(_ends(body_node.text(deep=True, separator=" ")))
            if body_node is not None
            else None
        )
        return (
            c
            or newscode.code_from_ld(ld)
            or newscode.code_from_fields(page.tree.root)
            or newscode.code_from_url(rec["url"])
            or newscode.code_from_url(page.canonical)
        )

    rec["news_code"] = _guard(rec, "news_code", _code)
    evidence = _guard(rec, "is_article", lambda: article_evidence(page, title, rec["news_code"]), [])
    kind, why = _guard(
        rec,
        "is_article",
        lambda: page_kind(page, title, paragraphs, rec["url"], evidence, content.roots, content.letters),
        ("article", "classification failed"),
    )
    rec["is_article"] = kind == "article"
    rec["title"] = title
    if kind == "article":
        found = _guard(rec, "lead", lambda: find_lead_node(page, content.container))
        lead = found[0] if found else None
        if found and inside(found[1], content.roots):
            # the lead sits inside the chosen blocks: it is the lead, not the body's first paragraph
            paragraphs = _drop_first(paragraphs, found[0])
        if lead is None and paragraphs:
            lead = _guard(rec, "lead", lambda: _description_lead(page, ld, paragraphs))
            if lead and len(paragraphs) > 1 and search_form(paragraphs[0]) == search_form(lead):
                paragraphs = paragraphs[1:]  # the page's summary is its first paragraph: the lead, set apart
        rec["lead"] = lead
        rec["body"] = "\n\n".join(paragraphs) if paragraphs else None
        if not paragraphs:
            rec["errors"].append(f"body-not-found: {content.why or 'no prose block'} (article by {why})")
    elif evidence or kind == "challenge":
        # the page says it is an article but shows something else: keep the reason, never drop it silently
        rec["errors"].append(
            f"not-article: {kind}: {why}" + (f" (evidence: {', '.join(evidence)})" if evidence else "")
        )

    def _date() -> None:
        iso = _structured_date(page, ld, fetched_at)
        vis = _visible_date(page, region, paragraphs, fetched_at)
        dt = iso
        if vis is not None and (iso is None or abs(iso.date() - vis.date()) > timedelta(days=1)):
            dt = vis
        if dt is None:
            dt = dates.find_relative(
                _ends(region.text(deep=True, separator=" ")) if region is not None else text[:5000],
                fetched_at,
            )
        if dt is not None:
            rec["published_at"] = dates.to_iso(dt)
            rec["published_jalali"] = dates.to_jalali(dt)

    _guard(rec, "date", _date)

    rec["language"] = _guard(rec, "language", lambda: _language(page, " ".join(paragraphs) or (title or "")))
    tags = _guard(rec, "keywords", lambda: _tags(page, ld), [])
    if kind != "article":
        rec["keywords"] = _guard(rec, "keywords", lambda: keywords(tags, title, []), [])
        return
    if rec["body"] and len(rec["body"]) > MAX_BODY_CHARS:
        rec["body"] = rec["body"][:MAX_BODY_CHARS]
        rec["errors"].append(f"body truncated at {MAX_BODY_CHARS} characters")
    paragraphs = _limit(paragraphs, MAX_NLP_CHARS)  # readers below are linear, but no release is this long
    parts = [p for p in (title, rec["lead"], *paragraphs) if p]
    first = paragraphs[0] if paragraphs else (rec["lead"] or "")
    rec["attribution"] = _guard(rec, "attribution", lambda: attr.attribution_of(first))
    quoted = _guard(rec, "attribution", lambda: attr.quoted_source(first))
    body_text = paragraphs
    rec["agency"] = _guard(
        rec, "agency", lambda: attr.agency_of(rec["attribution"], quoted, title or "", body_text, first)
    )
    rec["province"] = _guard(
        rec, "province", lambda: attr.province_of(rec["attribution"], quoted, title or "", body_text)
    )
    rec["persons"] = _guard(rec, "persons", lambda: extract_persons(parts), [])
    rec["quantities"] = _guard(rec, "quantities", lambda: quantities_of(parts), [])
    rec["event_type"] = _guard(rec, "event_type", lambda: event_type(title, rec["lead"], paragraphs))
    rec["keywords"] = _guard(rec, "keywords", lambda: keywords(tags, title, paragraphs), [])
    for key, why in (("title", "no title found"), ("published_at", "no date found")):
        if not rec[key]:
            rec["errors"].append(why)
