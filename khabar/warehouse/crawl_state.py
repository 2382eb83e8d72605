"""Reading and writing the crawl state tables (migration 002). `save_batch_state` runs inside the pipeline's
batch transaction, next to the pages it describes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa

from khabar.crawl_records import CrawlBatch, CrawlState, SourceState, SurfaceState, UrlState, parse_date
from khabar.warehouse.db import transaction

_URLS = pa.schema(
    [
        ("key", pa.string()),
        ("source_id", pa.string()),
        ("url", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("published", pa.timestamp("us", tz="UTC")),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("last_fetched", pa.timestamp("us", tz="UTC")),
        ("last_status", pa.int32()),
        ("ok", pa.bool_()),
        ("fail_count", pa.int32()),
        ("last_error", pa.string()),
    ]
)


def retry_backoff(fail_count: int) -> timedelta:
    """How long after its last failed attempt a page is tried again: the next run after a first failure, then
    1 h, 2 h, 4 h … up to a day (a challenge wall or a broken page is not asked for on every run)."""
    if fail_count <= 1:
        return timedelta(0)
    return min(timedelta(days=1), timedelta(hours=2 ** (fail_count - 2)))


def load_state(
    con: duckdb.DuckDBPyConnection,
    source_ids: Sequence[str],
    *,
    recheck_days: float = 3.0,
    max_failures: int = 10,
    now: datetime | None = None,
    wall_now: datetime | None = None,
) -> CrawlState:
    """`now` is the crawl's clock (publication windows); `wall_now` the machine's, which the attempt times in
    crawl_urls use (the retry backoff)."""
    state = CrawlState()
    wall = wall_now or datetime.now(UTC)
    ids = list(source_ids)
    if not ids:
        return state
    since = (now or datetime.now(UTC)) - timedelta(days=recheck_days)
    cur = con.execute(
        "SELECT key, source_id, url, ok, last_fetched, last_status, etag, last_modified, published, last_error,"
        " fail_count, first_seen FROM crawl_urls WHERE source_id IN (SELECT unnest(?))",
        [ids],
    )
    while rows := cur.fetchmany(50_000):
        for key, sid, url, ok, fetched, status, etag, lm, published, err, fails, first in rows:
            if ok:
                state.seen.setdefault(sid, set()).add(key)
                state.fetched_at[key] = parse_date(lm) or fetched  # Last-Modified, server clock
                if published is not None and published >= since:
                    state.recent.setdefault(sid, []).append(
                        UrlState(key, sid, url, True, fetched, status, etag, lm, published, first_seen=first)
                    )
            elif fails < max_failures and (fetched is None or wall - fetched >= retry_backoff(fails)):
                state.failed.setdefault(sid, []).append(
                    UrlState(key, sid, url, False, fetched, status, etag, lm, published, err)
                )
    for url, sid, kind, etag, lm, fetched, children in con.execute(
        "SELECT url, source_id, kind, etag, last_modified, last_fetched, children FROM crawl_surfaces"
        " WHERE source_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall():
        state.surfaces[url] = SurfaceState(
            url, sid, kind, fetched, etag, lm, json.loads(children) if children else None
        )
    for sid, watermark, surfaces in con.execute(
        "SELECT source_id, watermark, surfaces FROM crawl_sources WHERE source_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall():
        state.sources[sid] = SourceState(sid, watermark, json.loads(surfaces) if surfaces else None)
    for sid, start, end in con.execute(
        "SELECT source_id, start_day, end_day FROM crawl_backfills WHERE source_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall():
        state.backfills_done.add((sid, start, end))
    return state


def _merge_urls(urls: Sequence[UrlState]) -> list[UrlState]:
    """One row per key: a success wins over a failure of another variant of the same page in the batch."""
    out: dict[str, UrlState] = {}
    for u in urls:
        prev = out.get(u.key)
        if prev is None or u.ok or not prev.ok:
            out[u.key] = u
    return list(out.values())


def save_batch_state(con: duckdb.DuckDBPyConnection, batch: CrawlBatch) -> None:
    """Upsert the batch's URL, surface, source and backfill state (joins the caller's transaction)."""
    with transaction(con):
        urls = _merge_urls(batch.urls)
        if urls:
            table = pa.Table.from_pylist(
                [
                    {
                        "key": u.key,
                        "source_id": u.source_id,
                        "url": u.url,
                        "etag": u.etag,
                        "last_modified": u.last_modified,
                        "published": u.published,
                        "first_seen": u.last_fetched,
                        "last_fetched": u.last_fetched,
                        "last_status": u.last_status,
                        "ok": u.ok,
                        "fail_count": 0 if u.ok else 1,
                        "last_error": u.last_error,
                    }
                    for u in urls
                ],
                schema=_URLS,
            )
            con.register("_crawl_urls", table)
            try:
                con.execute("""
                    INSERT INTO crawl_urls BY NAME SELECT * FROM _crawl_urls ON CONFLICT (key) DO UPDATE SET
                        url = excluded.url,
                        etag = CASE WHEN excluded.last_status = 200 THEN excluded.etag
                                    ELSE coalesce(excluded.etag, crawl_urls.etag) END,
                        last_modified = CASE WHEN excluded.last_status = 200 THEN excluded.last_modified
                                    ELSE coalesce(excluded.last_modified, crawl_urls.last_modified) END,
                        published = coalesce(excluded.published, crawl_urls.published),
                        last_fetched = CASE WHEN excluded.ok OR NOT crawl_urls.ok THEN excluded.last_fetched
                                            ELSE crawl_urls.last_fetched END,
                        last_status = excluded.last_status,
                        ok = excluded.ok OR crawl_urls.ok,
                        fail_count = CASE WHEN excluded.ok THEN 0 ELSE crawl_urls.fail_count + 1 END,
                        last_error = excluded.last_error
                """)
            finally:
                con.unregister("_crawl_urls")
        for s in batch.surfaces:
            con.execute(
                "INSERT INTO crawl_surfaces VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " etag = excluded.etag, last_modified = excluded.last_modified, last_fetched = excluded.last_fetched,"
                " children = coalesce(excluded.children, crawl_surfaces.children)",
                [
                    s.url,
                    s.source_id,
                    s.kind,
                    s.etag,
                    s.last_modified,
                    s.last_fetched,
                    json.dumps(s.children) if s.children is not None else None,
                ],
            )
        for src in batch.sources:
            con.execute(
                "INSERT INTO crawl_sources VALUES (?, ?, ?, ?) ON CONFLICT (source_id) DO UPDATE SET"
                " watermark = greatest(excluded.watermark, crawl_sources.watermark),"
                " surfaces = coalesce(excluded.surfaces, crawl_sources.surfaces), updated_at = excluded.updated_at",
                [
                    src.source_id,
                    src.watermark,
                    json.dumps(src.surfaces, ensure_ascii=False) if src.surfaces else None,
                    datetime.now(UTC),
                ],
            )
        for sid, start, end in batch.backfills:
            con.execute(
                "INSERT INTO crawl_backfills VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [sid, start, end, datetime.now(UTC)],
            )


__all__ = ["load_state", "retry_backoff", "save_batch_state"]
