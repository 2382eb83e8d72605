"""Canonical URL of a page, trusting the page's own rel=canonical / og:url only inside the same site."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import duckdb

from khabar.urls import canonical_url, same_site, url_key


def resolve_canonical(page_url: str, declared: str | Iterable[str | None] | None = None) -> str:
    """The identity URL of a page: the first declared canonical (rel=canonical, then og:url) that is an
    http(s) URL on the page's own site, normalised; otherwise the page URL normalised. A declaration pointing
    to another site is ignored: republishers sometimes copy the source's tags, which would merge two pages."""
    candidates = [declared] if isinstance(declared, str) or declared is None else list(declared)
    for d in candidates:
        if not d or not d.strip():
            continue
        absolute = urljoin(page_url, d.strip())
        if urlsplit(absolute).scheme.lower() in ("http", "https") and same_site(page_url, absolute):
            return canonical_url(absolute)
    return canonical_url(page_url)


def write_aliases(con: duckdb.DuckDBPyConnection, aliases: Iterable[tuple[str, str, str | None, str]]) -> int:
    """Record (alias key, canonical URL, source_id, via) rows; an alias keeps its first mapping. The alias is
    stored as its `url_key` (lookups join http/https spellings), the canonical URL as the address the site serves.
    Returns rows offered (an alias with the canonical URL's own identity is skipped)."""
    rows = [
        (url_key(a), c, s, v, datetime.now(UTC))
        for a, c, s, v in aliases
        if a and c and url_key(a) != url_key(c)
    ]
    if rows:
        con.executemany("INSERT OR IGNORE INTO url_aliases VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)
