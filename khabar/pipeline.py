"""The plain-Python pipeline after fetching: archive → extract → cluster → load, one atomic batch at a time.

Flows, the CLI, the demo and benchmarks all call this; none of it needs Prefect. Extraction runs before the
transaction opens (CPU work outside the lock); everything a batch writes commits together, so a crash never
leaves half a batch and a re-run of the same pages converges to the same rows.
"""

from __future__ import annotations

import hashlib
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import duckdb

from khabar.dedup import Clusterer, alias_rows
from khabar.records import RawPage
from khabar.urls import Variant, canonical_url, same_site, url_key, variant_article
from khabar.warehouse.clusters import (
    cluster_state,
    load_signatures,
    refresh_canonical,
    write_aliases,
    write_assignment,
)
from khabar.warehouse.db import transaction
from khabar.warehouse.raw import page_digest, write_pages
from khabar.warehouse.releases import ReleaseRow, release_id_for, write_releases
from khabar.warehouse.sources import SourceRow, upsert_sources
from khabar.workers import map_items

if TYPE_CHECKING:
    from khabar.crawl.sources import Source

ExtractFn = Callable[..., dict]


@dataclass
class BatchStats:
    pages: int = 0
    articles: int = 0
    non_articles: int = 0
    skipped: int = 0  # non-200 responses: archived, not extracted
    extraction_errors: int = 0  # records whose `errors` is not empty
    releases_written: int = 0
    batches: int = 0  # transactions committed
    error_samples: list[str] = field(default_factory=list)

    def add(self, other: BatchStats) -> None:
        for name in (
            "pages",
            "articles",
            "non_articles",
            "skipped",
            "extraction_errors",
            "releases_written",
            "batches",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.error_samples = (self.error_samples + other.error_samples)[:20]


def _default_extract() -> tuple[ExtractFn, Callable[[str], str], str]:
    from khabar import (
        extractors,
    )  # attribute lookups at call time: a re-extraction picks up a changed extractor

    return extractors.extract, extractors.search_form, extractors.EXTRACTOR_VERSION


def content_hash(search_text: str) -> str:
    """Exact-duplicate key: the search form already unifies letters, digits and ZWNJ/space variants."""
    return hashlib.sha256(" ".join(search_text.split()).encode()).hexdigest()[:32]


def page_row(page: RawPage) -> ReleaseRow | None:
    """One fetched page as a release row (None for non-200 responses). Pure CPU: runs in extraction workers."""
    from khabar.extractors.newscode import code_from_url

    if page.status != 200:
        return None
    extract, search_form, version = _default_extract()
    # url=None: the record's url is then the page's own rel=canonical/og:url, which names the release when it
    # points inside the same site (alternative URL shapes of one article become one release)
    record = extract(page.body, url=None, fetched_at=page.fetched_at, encoding=page.encoding)
    fetched_url = page.final_url or page.url
    declared = record.get("url")
    own = bool(declared) and same_site(declared, fetched_url)
    canonical = declared if own else fetched_url
    record["url"] = page.url
    if not record.get("news_code"):
        record["news_code"] = code_from_url(fetched_url)
    text = "\n".join(x for x in (record.get("title"), record.get("body")) if x)
    return ReleaseRow(
        record=record,
        canonical_url=canonical_url(canonical),
        source_id=page.source_id,
        page_id=page_digest(page.url, page.body)[0],
        fetched_at=page.fetched_at,
        extractor_version=version,
        content_hash=content_hash(search_form(record["body"])) if record.get("body") else None,
        search_text=search_form(text) if text else None,
        extra={"canonical_from": "page" if own else "fetched"},
    )


def as_variant(page: RawPage, row: ReleaseRow) -> bool:
    """Re-key a documented print/amp variant page (the source's `variants:`) to its article; True when done.

    A page whose own rel=canonical already names another address keeps that (it knows the article's full URL,
    slug included); the documented shape decides only for a page naming itself or nothing."""
    variants = _SOURCE_VARIANTS.get(page.source_id or "")
    fetched = page.final_url or page.url
    if not variants or url_key(row.canonical_url) != url_key(fetched):
        return False
    article = variant_article(fetched, variants)
    if article is None:
        return False
    row.canonical_url = canonical_url(article)
    row.extra["canonical_from"] = (
        "fetched"  # the address is built from the URL fetched, not named by the page
    )
    return True


def prefer_source_scheme(page: RawPage, row: ReleaseRow) -> bool:
    """Show a page naming no address of its own under its source's configured scheme; True when changed.

    Sites answer both http and https and link their pages both ways; without this the address shown would depend
    on which link a run happened to follow first. A redirect or the page's own rel=canonical is the site's word
    and is kept; so is an explicit port (one port, one scheme)."""
    base = _SOURCE_URLS.get(page.source_id or "")
    redirected = bool(page.final_url) and canonical_url(page.final_url) != canonical_url(page.url)
    if base is None or redirected or row.extra.get("canonical_from") != "fetched":
        return False
    have, want = urlsplit(row.canonical_url), urlsplit(base).scheme.lower()
    if have.scheme == want or have.port is not None or not same_site(base, row.canonical_url):
        return False
    row.canonical_url = urlunsplit((want, *have[1:]))
    return True


def _alias_via(row: ReleaseRow) -> str:
    """How a row's fetched URL came to name its release: a documented variant shape or the page's canonical."""
    article = variant_article(row.record["url"], _SOURCE_VARIANTS.get(row.source_id or "", ()))
    return (
        "variant"
        if article is not None and url_key(article) == url_key(row.canonical_url)
        else "rel_canonical"
    )


def build_rows(pages: Sequence[RawPage], stats: BatchStats) -> list[ReleaseRow]:
    """Extract every 200 page of a batch into release rows (pure CPU, no database; in worker processes when the
    batch is large enough, see khabar.workers). Documented variants are re-keyed here, in the parent."""
    rows: list[ReleaseRow] = []
    for page, row in zip(pages, map_items(page_row, pages), strict=True):
        stats.pages += 1
        if row is None:
            stats.skipped += 1
            continue
        as_variant(page, row)
        prefer_source_scheme(page, row)
        record = row.record
        if record.get("errors"):
            stats.extraction_errors += 1
            stats.error_samples.append(f"{page.url}: {record['errors'][0]}")
        if not record.get("is_article"):
            stats.non_articles += 1
        else:
            stats.articles += 1
        rows.append(row)
    return rows


_CLUSTERERS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, Clusterer] = weakref.WeakKeyDictionary()
_SOURCE_VARIANTS: dict[str, tuple[Variant, ...]] = {}
_SOURCE_URLS: dict[str, str] = {}


def clusterer_for(con: duckdb.DuckDBPyConnection) -> Clusterer:
    """One near-duplicate index per open connection, rebuilt from DuckDB on first use (daily runs see every
    earlier release)."""
    c = _CLUSTERERS.get(con)
    if c is None:
        c = _CLUSTERERS[con] = Clusterer.from_signatures(*load_signatures(con))
    return c


DEFAULT_SOURCES = "config/sources.yaml"


class RegistryError(Exception):
    """The sources file given cannot be read or is invalid: the run does not start (one clear message)."""


def load_registry(path: str | Path | None) -> list[Source]:
    """The sources file's entries. `path` None: the default file when there is one, else none at all — an
    import or reprocess without a registry still runs, and its canonical copies follow the documented fallback
    (a source with no row in `sources` is a news agency when its attribution starts with «خبرگزاری»)."""
    from khabar.crawl.sources import SourcesError, load_sources

    if path is None:
        if not Path(DEFAULT_SOURCES).is_file():
            return []
        path = DEFAULT_SOURCES
    try:
        return load_sources(Path(path))
    except (SourcesError, OSError) as exc:
        raise RegistryError(str(exc)) from exc


def source_for(sources: Sequence[Source]) -> Callable[[str], str | None]:
    """The registry source an imported page belongs to (the one whose domains allow its URL; of several, the one
    whose entry URL is the longest prefix of it), or None: an imported page of a registered site is chosen
    between like a crawled one."""
    ranked = sorted(sources, key=lambda s: len(s.url), reverse=True)

    def owner(url: str) -> str | None:
        allowed = [s for s in ranked if s.allows(url)]
        best = next((s for s in allowed if url.startswith(s.url)), allowed[0] if allowed else None)
        return best.id if best is not None else None

    return owner


def use_registry(con: duckdb.DuckDBPyConnection, sources: Sequence[Source]) -> None:
    """The start of every run (ingest, backfill, import, reprocess): the sources file's entries into the
    warehouse's `sources` table, which the canonical-copy rule reads (the agency's own page before a news
    agency's copy), and each source's URL scheme and print/amp shapes for the pages this process loads."""
    upsert_sources(con, [SourceRow(s.id, s.kind, s.agency, s.province, s.url) for s in sources])
    register_source_variants({s.id: s.parsed_variants for s in sources})
    register_source_urls({s.id: s.url for s in sources})


def register_source_urls(urls: Mapping[str, str]) -> None:
    """Each source's configured home URL: its scheme is the one a page naming no address is shown under."""
    _SOURCE_URLS.update(urls)


def register_source_variants(variants: Mapping[str, tuple[Variant, ...]]) -> None:
    """Each source's documented print/amp URL shapes (from the registry, `Source.parsed_variants`); an empty
    tuple forgets a source's."""
    for sid, v in variants.items():
        if v:
            _SOURCE_VARIANTS[sid] = v
        else:
            _SOURCE_VARIANTS.pop(sid, None)


def process_batch(
    con: duckdb.DuckDBPyConnection,
    pages: Sequence[RawPage],
    *,
    also: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> BatchStats:
    """Archive, extract, cluster and load one batch of fetched pages in a single transaction.

    `also` runs inside the same transaction: the crawler's fetch_log rows and seen-URL state go there, so a
    crash never records a page as seen without its release (or the reverse).
    """
    stats = BatchStats()
    rows = build_rows(pages, stats)
    clusterer = clusterer_for(con)
    try:
        with transaction(con):
            write_pages(con, pages)
            if also is not None:
                also(con)
            write_aliases(
                con,
                alias_rows(
                    (url_key(r.record["url"]), r.canonical_url, r.source_id, _alias_via(r))
                    for r in rows
                    if r.record.get("url")
                ),
            )
            write_assignment(con, clusterer.assign(rows, cluster_state(con, clusterer.ids_to_load(rows))))
            stats.releases_written = write_releases(con, rows)
            refresh_canonical(con, [r.cluster_id for r in rows if r.cluster_id])
        stats.batches = 1
    except BaseException:
        clusterer.rollback()  # the index must not keep releases the database does not have
        raise
    return stats


def new_run_id(flow: str) -> str:
    """Sortable and unique: the flow name, the UTC start second and a random suffix."""
    return f"{flow}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


__all__ = [
    "DEFAULT_SOURCES",
    "BatchStats",
    "RegistryError",
    "build_rows",
    "clusterer_for",
    "load_registry",
    "process_batch",
    "register_source_urls",
    "register_source_variants",
    "release_id_for",
    "source_for",
    "use_registry",
]
