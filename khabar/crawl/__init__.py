"""Crawling: the source registry, discovery (feeds, sitemaps, listings), the polite fetcher, incremental state.
The only package that opens sockets."""

from __future__ import annotations

from khabar.crawl.crawler import Backfill, Crawler, CrawlReport, Incremental, Mode
from khabar.crawl.settings import CrawlSettings
from khabar.crawl.sources import Source, SourcesError, load_sources
from khabar.crawl.state import CrawlBatch, CrawlState

__all__ = ["Backfill", "CrawlBatch", "CrawlReport", "CrawlSettings", "CrawlState", "Crawler", "Incremental", "Mode",
           "Source", "SourcesError", "load_sources"]  # fmt: skip
