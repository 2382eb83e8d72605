"""Canonical URL of a page, trusting the page's own rel=canonical / og:url only inside the same site."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

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


def alias_rows(
    aliases: Iterable[tuple[str, str, str | None, str]],
) -> list[tuple[str, str, str | None, str]]:
    """The (alias key, canonical URL, source_id, via) rows worth recording from (alias URL, canonical URL,
    source_id, via): the alias as its `url_key` (lookups join http/https spellings), the canonical URL as the
    address the site serves; an alias with the canonical URL's own identity is left out. The warehouse writes
    them (`khabar.warehouse.clusters.write_aliases`)."""
    return [(url_key(a), c, s, v) for a, c, s, v in aliases if a and c and url_key(a) != url_key(c)]
