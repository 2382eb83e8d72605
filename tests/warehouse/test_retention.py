from __future__ import annotations

from datetime import UTC, datetime, timedelta

from khabar.records import RawPage
from khabar.warehouse.db import open_db
from khabar.warehouse.raw import prune_pages, write_pages
from khabar.warehouse.releases import ReleaseRow, write_releases

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _page(url: str, n: int) -> RawPage:
    return RawPage(url, url, "s", 200, {}, f"<p>version {n}</p>".encode(), T0 + timedelta(days=n))


def test_keeps_newest_versions_and_the_page_a_release_came_from(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    ids = write_pages(con, [_page("https://a.test/1", n) for n in range(6)] + [_page("https://a.test/2", 0)])
    # the release was extracted from version 1 (an old one): it must survive retention
    write_releases(
        con,
        [
            ReleaseRow(
                {"url": "https://a.test/1", "is_article": True}, "https://a.test/1", "s", ids[1], T0, "t"
            )
        ],
    )
    assert prune_pages(con, keep_versions=2) == 3  # versions 0, 2, 3 go
    left = {r[0] for r in con.execute("SELECT page_id FROM pages").fetchall()}
    assert left == {ids[5], ids[4], ids[1], ids[6]}
    assert prune_pages(con, keep_versions=2) == 0  # idempotent
    assert prune_pages(con, keep_versions=1, max_age_days=1) == 1  # version 4 goes; 1 is a release's page
