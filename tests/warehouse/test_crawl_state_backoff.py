"""Failed pages (challenge pages included) are retried on a later run, with a backoff that grows per failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from khabar.crawl_records import CrawlBatch, UrlState
from khabar.warehouse.crawl_state import load_state, retry_backoff, save_batch_state
from khabar.warehouse.db import open_db


def _fail(con, when: datetime, error: str = "challenge") -> None:
    save_batch_state(
        con,
        CrawlBatch(
            urls=[
                UrlState("https://a.test/n/1", "a", "http://a.test/n/1", False, when, 403, last_error=error)
            ]
        ),
    )


def test_backoff_grows_and_is_capped():
    assert retry_backoff(1) == timedelta(0)
    assert [retry_backoff(n) for n in (2, 3, 4)] == [
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=4),
    ]
    assert retry_backoff(30) == timedelta(days=1)


def test_a_failed_page_waits_out_its_backoff(tmp_path):
    con = open_db(tmp_path / "s.duckdb")
    t0 = datetime(2024, 3, 1, 8, tzinfo=UTC)
    _fail(con, t0)
    # one failure: the very next run retries it
    assert [u.last_error for u in load_state(con, ["a"], wall_now=t0 + timedelta(seconds=5)).failed["a"]] == [
        "challenge"
    ]
    _fail(con, t0 + timedelta(minutes=10))  # the retry failed too: fail_count 2, back off an hour from it
    assert "a" not in load_state(con, ["a"], wall_now=t0 + timedelta(minutes=40)).failed
    assert (
        load_state(con, ["a"], wall_now=t0 + timedelta(minutes=71)).failed["a"][0].url == "http://a.test/n/1"
    )
    # a success clears it
    save_batch_state(
        con,
        CrawlBatch(
            urls=[
                UrlState("https://a.test/n/1", "a", "http://a.test/n/1", True, t0 + timedelta(hours=2), 200)
            ]
        ),
    )
    state = load_state(con, ["a"], wall_now=t0 + timedelta(hours=3))
    assert "a" not in state.failed and "https://a.test/n/1" in state.seen["a"]
