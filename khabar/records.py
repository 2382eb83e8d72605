"""Records passed between pipeline stages: the contract between crawl, extract, dedup and warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RawPage:
    """One HTTP response worth keeping: what the raw archive stores and what extraction reads."""

    url: str  # the URL as requested (after canonicalisation by the crawler)
    final_url: str  # the URL after redirects
    source_id: str
    status: int
    headers: dict[str, str]  # lower-cased header names
    body: bytes  # content-decoded (gzip/br removed) bytes, still in the page's own charset
    fetched_at: datetime  # timezone-aware, UTC
    run_id: str | None = None
    discovered_via: str | None = None  # "feed" | "sitemap" | "listing" | "link" | "import"
    published_hint: datetime | None = None  # from a feed or sitemap entry, when given
    encoding: str | None = None  # charset the crawler determined (header, meta or sniffing)


@dataclass(frozen=True)
class FetchLogEntry:
    """One row of fetch_log: one HTTP request (attempt), successful or not."""

    run_id: str | None
    url: str
    host: str
    status: int | None  # None when no response (timeout, reset, DNS failure)
    bytes: int
    milliseconds: float
    error_class: str | None  # e.g. "ReadTimeout", "RemoteProtocolError", "HTTP 503", "robots-disallowed"
    attempt: int
    started_at: datetime
    source_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
