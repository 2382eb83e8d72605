"""The address a release is shown under (issue 16): the scheme the site served, and for a page that names no
address of its own reached without a redirect, its source's configured scheme, so the address does not depend
on which of a site's http/https links a run followed first. The identity (release id) never changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from khabar.pipeline import Registry, prefer_source_scheme
from khabar.records import RawPage
from khabar.urls import canonical_url
from khabar.warehouse.releases import ReleaseRow

NOW = datetime(2024, 3, 16, tzinfo=UTC)

CASES = [
    # source URL, requested, final, named by, address before, address after
    ("https://x.ir/", "http://x.ir/a", "http://x.ir/a", "fetched", "http://x.ir/a", "https://x.ir/a"),
    (
        "http://x.ir/",
        "https://www.x.ir/a",
        "https://www.x.ir/a",
        "fetched",
        "https://x.ir/a",
        "http://x.ir/a",
    ),
    ("https://x.ir/", "http://x.ir/a", "http://x.ir/a", "page", "http://x.ir/a", "http://x.ir/a"),  # its word
    (
        "https://x.ir/",
        "http://x.ir/r/1",
        "http://x.ir/a",
        "fetched",
        "http://x.ir/a",
        "http://x.ir/a",
    ),  # redirected
    (
        "https://x.ir/",
        "http://x.ir:8080/a",
        "http://x.ir:8080/a",
        "fetched",
        "http://x.ir:8080/a",
        "http://x.ir:8080/a",
    ),  # a port serves one scheme
    (
        "https://y.ir/",
        "http://x.ir/a",
        "http://x.ir/a",
        "fetched",
        "http://x.ir/a",
        "http://x.ir/a",
    ),  # other site
    ("https://x.ir/", "https://x.ir/a", "https://x.ir/a", "fetched", "https://x.ir/a", "https://x.ir/a"),
]


@pytest.mark.parametrize(("base", "url", "final", "named_by", "before", "after"), CASES)
def test_address_scheme(base, url, final, named_by, before, after):
    registry = Registry(urls={"s": base})
    page = RawPage(url=url, final_url=final, source_id="s", status=200, headers={}, body=b"", fetched_at=NOW)
    row = ReleaseRow(
        {"url": url}, canonical_url(before), "s", None, NOW, "t", extra={"canonical_from": named_by}
    )
    rid = row.release_id
    assert prefer_source_scheme(page, row, registry) is (before != after)
    assert row.canonical_url == after
    assert row.release_id == rid  # the identity never moves


def test_release_ids_are_the_keys_made_before_the_address_kept_its_scheme():
    import hashlib

    from khabar.warehouse.releases import release_id_for

    old_key = "https://example.ir/fa/news/1"  # what canonical_url returned for both spellings before
    expected = hashlib.sha256(old_key.encode()).hexdigest()[:24]
    assert (
        release_id_for("http://example.ir/fa/news/1")
        == release_id_for("https://www.example.ir/fa/news/1/")
        == expected
    )
