"""One batch: archive → extract → cluster → load, in one transaction.

Extraction runs before the transaction opens (CPU work outside the lock, in worker processes when the batch is
large enough); everything a batch writes commits together, so a crash never leaves half a batch and a re-run of
the same pages converges to the same rows. Every call into `khabar.dedup` and the warehouse's cluster tables sits in `_dedup_and_load`.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import duckdb

from khabar.dedup import Clusterer, alias_rows
from khabar.dedup.core import WINDOW
from khabar.extractors.record import ExtractionRecord
from khabar.pipeline.registry import Registry
from khabar.pipeline.workers import map_items
from khabar.records import RawPage
from khabar.urls import canonical_url, same_site, url_key, variant_article
from khabar.warehouse.candidates import stored_exact
from khabar.warehouse.clusters import (
    cluster_state,
    load_signatures,
    refresh_canonical,
    write_aliases,
    write_assignment,
)
from khabar.warehouse.db import transaction
from khabar.warehouse.raw import page_digest, write_pages
from khabar.warehouse.releases import ReleaseRow, write_releases

Also = Callable[[duckdb.DuckDBPyConnection], None]  # more writes joining a batch's transaction


@dataclass
class BatchStats:
    """What one batch (or, summed, one run) did; the counts a run summary shows."""

    pages: int = 0
    articles: int = 0
    non_articles: int = 0
    skipped: int = 0  # non-200 responses: archived, not extracted
    extraction_errors: int = 0  # records whose `errors` is not empty
    releases_written: int = 0
    batches: int = 0  # transactions committed
    error_samples: list[str] = field(default_factory=list)

    def add(self, other: BatchStats) -> None:
        self.pages += other.pages
        self.articles += other.articles
        self.non_articles += other.non_articles
        self.skipped += other.skipped
        self.extraction_errors += other.extraction_errors
        self.releases_written += other.releases_written
        self.batches += other.batches
        self.error_samples = (self.error_samples + other.error_samples)[:20]


# The extractor is looked up on `khabar.extractors` at call time: a re-extraction (or a test patching it) picks up
# a changed extractor.
def _extract(page: RawPage) -> ExtractionRecord:
    from khabar import extractors

    return extractors.extract(page.body, url=None, fetched_at=page.fetched_at, encoding=page.encoding)


def _search_form(text: str) -> str:
    from khabar import extractors

    return extractors.search_form(text)


def _extractor_version() -> str:
    from khabar import extractors

    return extractors.EXTRACTOR_VERSION


def content_hash(search_text: str) -> str:
    """Exact-duplicate key: the search form already unifies letters, digits and ZWNJ/space variants."""
    return hashlib.sha256(" ".join(search_text.split()).encode()).hexdigest()[:32]


def _row_record(record: ExtractionRecord) -> dict[str, Any]:
    """`ReleaseRow.record` is still typed as a plain dict in the warehouse; the object is the record itself."""
    return cast(dict[str, Any], record)


def page_row(page: RawPage) -> ReleaseRow | None:
    """One fetched page as a release row (None for non-200 responses). Pure CPU: runs in extraction workers."""
    from khabar.extractors.newscode import code_from_url

    if page.status != 200:
        return None
    # url=None: the record's url is then the page's own rel=canonical/og:url, which names the release when it
    # points inside the same site (alternative URL shapes of one article become one release)
    record = _extract(page)
    fetched_url = page.final_url or page.url
    declared = record["url"]
    own = bool(declared) and same_site(declared or "", fetched_url)
    canonical = declared if own and declared else fetched_url
    record["url"] = page.url
    if not record.get("news_code"):
        record["news_code"] = code_from_url(fetched_url)
    text = "\n".join(x for x in (record.get("title"), record.get("body")) if x)
    body = record.get("body")
    return ReleaseRow(
        record=_row_record(record),
        canonical_url=canonical_url(canonical),
        source_id=page.source_id,
        page_id=page_digest(page.url, page.body)[0],
        fetched_at=page.fetched_at,
        extractor_version=_extractor_version(),
        content_hash=content_hash(_search_form(body)) if body else None,
        search_text=_search_form(text) if text else None,
        extra={"canonical_from": "page" if own else "fetched"},
    )


def as_variant(page: RawPage, row: ReleaseRow, registry: Registry) -> bool:
    """Re-key a documented print/amp variant page (the source's `variants:`) to its article; True when done.

    A page whose own rel=canonical already names another address keeps that (it knows the article's full URL,
    slug included); the documented shape decides only for a page naming itself or nothing."""
    variants = registry.variants_of(page.source_id)
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


def prefer_source_scheme(page: RawPage, row: ReleaseRow, registry: Registry) -> bool:
    """Show a page naming no address of its own under its source's configured scheme; True when changed.

    Sites answer both http and https and link their pages both ways; without this the address shown would depend
    on which link a run happened to follow first. A redirect or the page's own rel=canonical is the site's word
    and is kept; so is an explicit port (one port, one scheme)."""
    base = registry.url_of(page.source_id)
    redirected = bool(page.final_url) and canonical_url(page.final_url) != canonical_url(page.url)
    if base is None or redirected or row.extra.get("canonical_from") != "fetched":
        return False
    have, want = urlsplit(row.canonical_url), urlsplit(base).scheme.lower()
    if have.scheme == want or have.port is not None or not same_site(base, row.canonical_url):
        return False
    row.canonical_url = urlunsplit((want, *have[1:]))
    return True


def _alias_via(row: ReleaseRow, registry: Registry) -> str:
    """How a row's fetched URL came to name its release: a documented variant shape or the page's canonical."""
    article = variant_article(row.record["url"], registry.variants_of(row.source_id))
    return (
        "variant"
        if article is not None and url_key(article) == url_key(row.canonical_url)
        else "rel_canonical"
    )


def build_rows(
    pages: Sequence[RawPage], stats: BatchStats, registry: Registry | None = None
) -> list[ReleaseRow]:
    """Extract every 200 page of a batch into release rows (pure CPU, no database; in worker processes when the
    batch is large enough, see khabar.pipeline.workers). Documented variants are re-keyed here, in the parent."""
    registry = registry or Registry()
    rows: list[ReleaseRow] = []
    for page, row in zip(pages, map_items(page_row, pages), strict=True):
        stats.pages += 1
        if row is None:
            stats.skipped += 1
            continue
        as_variant(page, row, registry)
        prefer_source_scheme(page, row, registry)
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


def clusterer_for(con: duckdb.DuckDBPyConnection) -> Clusterer:
    """One near-duplicate index per open connection, rebuilt from DuckDB on first use (daily runs see every
    earlier release). A cache of the database's own rows, not run state: any run on `con` may share it."""
    c = _CLUSTERERS.get(con)
    if c is None:
        c = _CLUSTERERS[con] = Clusterer.from_signatures(*load_signatures(con, WINDOW), window=WINDOW)
    return c


def _dedup_and_load(
    con: duckdb.DuckDBPyConnection, clusterer: Clusterer, rows: list[ReleaseRow], registry: Registry
) -> int:
    """Aliases, clusters, releases and canonical copies of one batch (inside its transaction); the rows written.
    The pipeline's only calls into khabar.dedup (which decides) and the warehouse's cluster tables (which store)."""
    write_aliases(
        con,
        alias_rows(
            (url_key(r.record["url"]), r.canonical_url, r.source_id, _alias_via(r, registry))
            for r in rows
            if r.record.get("url")
        ),
    )
    state = cluster_state(con, clusterer.ids_to_load(rows))
    archived = stored_exact(con, clusterer.exact_keys_to_load(rows))  # outside the in-memory window
    write_assignment(con, clusterer.assign(rows, state, archived=archived))
    written = write_releases(con, rows)
    refresh_canonical(con, [r.cluster_id for r in rows if r.cluster_id])
    return written


def process_batch(
    con: duckdb.DuckDBPyConnection,
    pages: Sequence[RawPage],
    registry: Registry | None = None,
    *,
    also: Also | None = None,
) -> BatchStats:
    """Archive, extract, cluster and load one batch of fetched pages in a single transaction.

    `registry` (None: no sources known) names each page's release; `also` runs inside the same transaction: the
    crawler's fetch_log rows and seen-URL state go there, so a crash never records a page as seen without its
    release (or the reverse).
    """
    registry = registry or Registry()
    stats = BatchStats()
    rows = build_rows(pages, stats, registry)
    clusterer = clusterer_for(con)
    try:
        with transaction(con):
            write_pages(con, pages)
            if also is not None:
                also(con)
            stats.releases_written = _dedup_and_load(con, clusterer, rows, registry)
        stats.batches = 1
    except BaseException:
        clusterer.rollback()  # the index must not keep releases the database does not have
        raise
    return stats


__all__ = [
    "BatchStats",
    "build_rows",
    "clusterer_for",
    "content_hash",
    "page_row",
    "prefer_source_scheme",
    "process_batch",
]
