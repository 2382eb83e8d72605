"""Crawl state in memory: what a run reads at start and the updates each batch carries to the warehouse.

Below both the crawler, which fills it, and the warehouse, which stores it (issue 17): neither stage imports the
other for these types, nor for `parse_date`, which reads the timestamps of feeds, sitemaps and HTTP validators
(Last-Modified) for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from khabar.records import FetchLogEntry, RawPage


def parse_date(text: str | None) -> datetime | None:
    """ISO 8601 (with Z or offset) or RFC 822; naive values are taken as UTC. None when unreadable."""
    if not text:
        return None
    t = text.strip()
    try:
        dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = parsedate_to_datetime(t)
        except (TypeError, ValueError, IndexError):
            return None
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@dataclass
class UrlState:
    key: str
    source_id: str
    url: str
    ok: bool
    last_fetched: datetime
    last_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    published: datetime | None = None
    last_error: str | None = None
    first_seen: datetime | None = None  # wall time of its first fetch (the revalidation schedule)


@dataclass
class SurfaceState:
    url: str
    source_id: str
    kind: str
    last_fetched: datetime
    etag: str | None = None
    last_modified: str | None = None
    children: list[list[str | None]] | None = None


@dataclass
class SourceState:
    source_id: str
    watermark: datetime | None = None
    surfaces: dict[str, Any] | None = None


@dataclass
class CrawlState:
    """Per-source memory kept small: keys of seen URLs, validators only for the recent ones (re-checks) and
    the failed ones (retried next run)."""

    seen: dict[str, set[str]] = field(default_factory=dict)  # source → canonical keys fetched ok
    recent: dict[str, list[UrlState]] = field(default_factory=dict)  # source → published within the window
    failed: dict[str, list[UrlState]] = field(default_factory=dict)  # source → never fetched ok, retry
    # key → version of the copy held: its Last-Modified (the server's clock, comparable with a sitemap's <lastmod>),
    # else the time it was fetched
    fetched_at: dict[str, datetime] = field(default_factory=dict)
    surfaces: dict[str, SurfaceState] = field(default_factory=dict)  # url → validators
    sources: dict[str, SourceState] = field(default_factory=dict)
    backfills_done: set[tuple[str, date, date]] = field(default_factory=set)


@dataclass
class CrawlBatch:
    """What the sink loads in one transaction: pages, the request log, and the state that goes with them."""

    pages: list[RawPage] = field(default_factory=list)
    fetch_log: list[FetchLogEntry] = field(default_factory=list)
    urls: list[UrlState] = field(default_factory=list)
    surfaces: list[SurfaceState] = field(default_factory=list)
    sources: list[SourceState] = field(default_factory=list)
    backfills: list[tuple[str, date, date]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.pages or self.fetch_log or self.urls or self.surfaces or self.sources or self.backfills
        )


__all__ = ["CrawlBatch", "CrawlState", "SourceState", "SurfaceState", "UrlState", "parse_date"]
