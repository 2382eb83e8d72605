"""Crawling: the source registry, discovery (feeds, sitemaps, listings), the polite fetcher, incremental state.
The only package that opens sockets. The state it reads and hands over per batch (`CrawlState`, `CrawlBatch`) lives
in `khabar.crawl_records`, below the warehouse that stores it."""

from __future__ import annotations

from khabar.crawl.crawler import Backfill, Crawler, CrawlReport, Incremental, Mode
from khabar.crawl.settings import CrawlSettings
from khabar.crawl.sources import Source, SourcesError, load_sources

__all__ = [
    "Backfill",
    "CrawlReport",
    "CrawlSettings",
    "Crawler",
    "Incremental",
    "Mode",
    "Source",
    "SourcesError",
    "load_sources",
]
