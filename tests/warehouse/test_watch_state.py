"""The watch schedule in the warehouse (migration 008): saved in one transaction (all of a cycle or none of it),
read back as it was written, a source's vanished surfaces dropped; the publication history the rate model learns
from, read from `releases`; the pages a run added, per source (what a check counts as new)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from khabar.records import RawPage
from khabar.warehouse.db import open_db, transaction
from khabar.warehouse.raw import write_pages
from khabar.warehouse.watch_state import (
    SurfaceRow,
    discovered_surfaces,
    load_schedule,
    new_pages_by_source,
    publication_history,
    save_schedule,
    watch_status,
)

T0 = datetime(2024, 3, 19, 4, 0, tzinfo=UTC)


def _row(source: str, url: str, **kw: object) -> SurfaceRow:
    base = SurfaceRow(
        source_id=source,
        url=url,
        kind="feed",
        role="primary",
        last_check=T0,
        last_outcome="nothing",
        consecutive_failures=0,
        next_check=T0 + timedelta(minutes=12),
        interval_s=720.0,
        reason="learnt",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.fixture
def con(tmp_path):
    c = open_db(tmp_path / "k.duckdb")
    yield c
    c.close()


def test_a_saved_schedule_reads_back_as_written(con) -> None:
    rows = [
        _row("a", "https://a.test/feed"),
        _row("a", "https://a.test/", kind="home", last_check=None, last_outcome=None, reason="first"),
        _row("b", "https://b.test/rss", last_outcome="failed", consecutive_failures=3, reason="backoff"),
    ]
    assert save_schedule(con, rows) == 3
    saved = load_schedule(con)
    assert saved == {"a": sorted(rows[:2], key=lambda r: r.url), "b": [rows[2]]}
    assert all(r.next_check.utcoffset() == timedelta(0) for rs in saved.values() for r in rs)
    assert load_schedule(con, ["b"]) == {"b": [rows[2]]}
    assert load_schedule(con, []) == {}


def test_saving_again_updates_and_drops_a_sources_vanished_surfaces(con) -> None:
    save_schedule(
        con, [_row("a", "https://a.test/feed"), _row("a", "https://a.test/old"), _row("b", "https://b.test/")]
    )
    later = _row(
        "a", "https://a.test/feed", last_check=T0 + timedelta(hours=1), last_outcome="new", reason="burst"
    )
    save_schedule(con, [later])
    saved = load_schedule(con)
    assert saved["a"] == [later]  # /old is gone: the crawler no longer lists it
    assert saved["b"] == [_row("b", "https://b.test/")]  # another source's rows are untouched


def test_a_cycle_that_fails_to_save_leaves_the_previous_schedule(con) -> None:
    before = [_row("a", "https://a.test/feed")]
    save_schedule(con, before)
    bad = [_row("a", "https://a.test/feed", reason="burst"), _row("c", "https://c.test/", kind=None)]  # type: ignore[arg-type]
    with pytest.raises(duckdb.Error):
        save_schedule(con, bad)  # kind is NOT NULL
    assert load_schedule(con) == {"a": before}


def test_saving_joins_an_enclosing_transaction(con) -> None:
    with pytest.raises(RuntimeError), transaction(con):
        save_schedule(con, [_row("a", "https://a.test/feed")])
        raise RuntimeError("the batch around it failed")
    assert load_schedule(con) == {}


def _release(con, rid: str, source: str, published: datetime | None, *, article: bool = True) -> None:
    con.execute(
        "INSERT INTO releases (release_id, url, canonical_url, source_id, is_article, published_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [rid, f"https://{source}.test/{rid}", f"https://{source}.test/{rid}", source, article, published],
    )


def test_publication_history_per_source_within_the_window(con) -> None:
    day = timedelta(days=1)
    _release(con, "1", "a", T0 - 2 * day)
    _release(con, "2", "a", T0 - 40 * day)  # before the lookback
    _release(con, "3", "a", T0 - day)
    _release(con, "4", "a", T0 + day)  # after now
    _release(con, "5", "a", T0 - day, article=False)  # a listing is not a publication
    _release(con, "6", "a", None)
    _release(con, "7", "b", T0 - 3 * day)
    _release(con, "8", "c", T0 - day)  # not asked for
    got = publication_history(con, ["a", "b", "z"], T0 - 28 * day, T0)
    assert got == {"a": [T0 - 2 * day, T0 - day], "b": [T0 - 3 * day], "z": []}
    assert publication_history(con, [], T0 - day, T0) == {}


def test_discovered_surfaces_come_from_the_crawl_state(con) -> None:
    found = {"feeds": ["https://a.test/rss"], "sitemaps": [], "archive": "https://a.test/archive?p=1"}
    con.execute("INSERT INTO crawl_sources VALUES ('a', NULL, ?, NULL)", [json.dumps(found)])
    con.execute("INSERT INTO crawl_sources VALUES ('b', NULL, NULL, NULL)")
    assert discovered_surfaces(con, ["a", "b", "c"]) == {"a": found}
    assert discovered_surfaces(con, []) == {}


def test_new_pages_by_source_counts_what_a_run_added(con) -> None:
    def page(url: str, source: str, run: str, body: bytes = b"<p>x</p>") -> RawPage:
        return RawPage(url, url, source, 200, {}, body, T0, run_id=run)

    write_pages(con, [page("https://a.test/1", "a", "r1"), page("https://b.test/1", "b", "r1")])
    # r2: one page changed, one fetched again unchanged (keeps its archived row), one new
    write_pages(
        con,
        [
            page("https://a.test/1", "a", "r2", b"<p>edited</p>"),
            page("https://b.test/1", "b", "r2"),
            page("https://a.test/2", "a", "r2"),
        ],
    )
    assert new_pages_by_source(con, "r2") == {"a": 2}
    assert new_pages_by_source(con, "r1") == {"a": 1, "b": 1}
    assert new_pages_by_source(con, "nope") == {}


def test_watch_status_summarises_each_source(con) -> None:
    assert watch_status(con)[1] == []  # nothing watched yet
    save_schedule(
        con,
        [
            _row(
                "a", "https://a.test/", kind="home", interval_s=600.0, next_check=T0 + timedelta(minutes=10)
            ),
            _row("a", "https://a.test/feed", interval_s=900.0, next_check=T0 + timedelta(minutes=15)),
            _row("b", "https://b.test/", last_outcome="failed", consecutive_failures=2, reason="backoff"),
        ],
    )
    _release(con, "1", "a", T0 - timedelta(hours=2))
    _release(con, "0", "a", T0 - timedelta(hours=5))
    con.execute("UPDATE releases SET fetched_at = published_at + INTERVAL 7 MINUTE")
    cols, rows = watch_status(con, now=T0 + timedelta(minutes=4))
    got = [dict(zip(cols, r, strict=True)) for r in rows]
    assert [g["source_id"] for g in got] == ["a", "b"]  # soonest due first
    assert got[0]["surfaces"] == 2 and got[0]["interval_min"] == 10.0 and got[0]["reason"] == "learnt"
    assert got[0]["next_check"] == T0 + timedelta(minutes=10) and got[0]["last_release"] == T0 - timedelta(
        hours=2
    )
    assert got[0]["last_delay_min"] == 7.0  # the newest release's publication → row
    assert got[0]["current_delay_min"] == 4.0 == got[1]["current_delay_min"]  # since the last check
    assert got[1]["failures"] == 2 and got[1]["last_outcome"] == "failed" and got[1]["last_release"] is None
    assert got[1]["last_delay_min"] is None
    assert watch_status(con)[1][0][-1] >= 4.0  # by default: minutes since, on the database's clock


def test_watch_status_on_a_database_from_before_the_watch(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE releases (source_id VARCHAR)")
    old.close()
    ro = duckdb.connect(str(path), read_only=True)
    assert watch_status(ro) == ([], [])
