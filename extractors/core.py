"""``extract``: one page → one GUIDE §1.1 record. Every step is guarded: a failure lands in ``errors``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from selectolax.lexbor import LexborNode

from extractors import attribution as attr
from extractors import dates, newscode
from extractors.classify import page_kind
from extractors.events import event_type, keywords
from extractors.html import (
    Page,
    article_ld,
    clean_text,
    decode,
    find_lead,
    find_title,
    in_boilerplate,
    main_content,
    parse,
    region_of,
    title_node,
)
from extractors.persons import extract_persons
from extractors.quantities import quantities_of

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
_DATE_CLS = re.compile(r"date|time|byline|news-?info|meta|publish|tarikh", re.I)
_NOT_PUB = re.compile(r"update|modif|edit|lblModified", re.I)
# «time, span, div, td, p, li, small», but only those with a class or an id: the others (most nodes) fail the
# _DATE_CLS test below anyway, and reading their attributes cost ~1/3 of _visible_date. lexbor returns a
# selector group once per node in document order (same node lists on the 3,302 reference pages).
_DATE_NODES = "time, " + ", ".join(f"{t}[class], {t}[id]" for t in ("span", "div", "td", "p", "li", "small"))
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
    for c in cands:
        dt = dates.parse_iso(c, fetched_at)
        if dt is not None:
            return dt
    return None


def _visible_date(
    page: Page, region: LexborNode | None, paragraphs: list[str], fetched_at: datetime | None
) -> datetime | None:
    roots = [region] if region is not None else []
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
            found = dates.find_dates(_ends(node.text(deep=True, separator=" ")), fetched_at)
            if found:
                return found[0]
        if root is region:
            text = region.text(deep=True, separator=" ")
            if paragraphs:
                cut = text.find(paragraphs[0][:40])
                head = text[:cut] if cut > 0 else text
            else:
                head = text
            found = dates.find_dates(head[:20_000], fetched_at)
            if found:
                return found[0]
    return None


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
) -> dict[str, Any]:
    """One page → one record with every GUIDE §1.1 key. Never raises; problems are listed in ``errors``."""
    rec = empty_record(url)
    try:
        _extract(rec, html, url, fetched_at, encoding)
    except Exception as exc:  # last line of defence: a record, never an exception
        rec["errors"].append(f"extract: {type(exc).__name__}: {exc}"[:300])
    return rec


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
    paragraphs = content.paragraphs
    body_ld = (ld or {}).get("articleBody")
    if not paragraphs and isinstance(body_ld, str) and len(body_ld) > 200:
        paragraphs = [clean_text(x) for x in body_ld.split("\n") if x.strip()]
    kind = _guard(rec, "is_article", lambda: page_kind(page, title, paragraphs), "article")
    rec["is_article"] = kind == "article"
    rec["title"] = title
    if kind == "article":
        rec["lead"] = _guard(rec, "lead", lambda: find_lead(page, content.container))
        rec["body"] = "\n\n".join(paragraphs) if paragraphs else None
    region = region_of(title_node(page, title), content.container) if title else content.container

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
    for key, why in (
        ("title", "no title found"),
        ("body", "no body found"),
        ("published_at", "no date found"),
    ):
        if not rec[key]:
            rec["errors"].append(why)
