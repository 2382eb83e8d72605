"""Crawling: the source registry, discovery (feeds, sitemaps, listings), the polite fetcher, incremental state.
The only package that opens sockets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from khabar.crawl.crawler import Backfill, Crawler, CrawlReport, Incremental, Mode
from khabar.crawl.settings import CrawlSettings
from khabar.crawl.sources import Source, SourcesError, load_sources
from khabar.crawl.state import CrawlBatch, CrawlState

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "Backfill",
    "CrawlBatch",
    "CrawlReport",
    "CrawlSettings",
    "CrawlState",
    "Crawler",
    "Incremental",
    "Mode",
    "Source",
    "SourcesError",
    "load_sources",
    "store_batch",
]


def store_batch(con: duckdb.DuckDBPyConnection, batch: CrawlBatch) -> None:
    """A minimal sink body: pages, fetch_log and crawl state in one transaction, so a crash never records a URL as
    seen without its page. The pipeline does the same plus its extraction inside its own transaction."""
    from khabar.warehouse.crawl_state import save_batch_state
    from khabar.warehouse.db import transaction
    from khabar.warehouse.raw import write_fetch_log, write_pages

    with transaction(con):
        write_pages(con, batch.pages)
        write_fetch_log(con, batch.fetch_log)
        save_batch_state(con, batch)
