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
                    MERGE INTO crawl_urls USING _crawl_urls n ON crawl_urls.key = n.key
                    WHEN MATCHED THEN UPDATE SET
                        url = n.url,
                        etag = CASE WHEN n.last_status = 200 THEN n.etag
                                    ELSE coalesce(n.etag, crawl_urls.etag) END,
                        last_modified = CASE WHEN n.last_status = 200 THEN n.last_modified
                                    ELSE coalesce(n.last_modified, crawl_urls.last_modified) END,
                        published = coalesce(n.published, crawl_urls.published),
                        last_fetched = CASE WHEN n.ok OR NOT crawl_urls.ok THEN n.last_fetched
                                            ELSE crawl_urls.last_fetched END,
                        last_status = n.last_status,
                        ok = n.ok OR crawl_urls.ok,
                        fail_count = CASE WHEN n.ok THEN 0 ELSE crawl_urls.fail_count + 1 END,
                        last_error = n.last_error
                    WHEN NOT MATCHED THEN INSERT BY NAME
                """)
            finally:
                con.unregister("_crawl_urls")
        surfaces = _fold_surfaces(batch.surfaces)
        if surfaces:
            con.register("_crawl_surfaces", pa.Table.from_pylist(surfaces, schema=_SURFACES))
            try:
                con.execute("""
                    MERGE INTO crawl_surfaces USING _crawl_surfaces n ON crawl_surfaces.url = n.url
                    WHEN MATCHED THEN UPDATE SET etag = n.etag, last_modified = n.last_modified,
                        last_fetched = n.last_fetched, children = coalesce(n.children, crawl_surfaces.children)
                    WHEN NOT MATCHED THEN INSERT BY NAME
                """)
            finally:
                con.unregister("_crawl_surfaces")
        sources = _fold_sources(batch.sources, datetime.now(UTC))
        if sources:
            con.register("_crawl_sources", pa.Table.from_pylist(sources, schema=_SOURCES))
            try:
                con.execute("""
                    MERGE INTO crawl_sources USING _crawl_sources n ON crawl_sources.source_id = n.source_id
                    WHEN MATCHED THEN UPDATE SET watermark = greatest(n.watermark, crawl_sources.watermark),
                        surfaces = coalesce(n.surfaces, crawl_sources.surfaces), updated_at = n.updated_at
                    WHEN NOT MATCHED THEN INSERT BY NAME
                """)
            finally:
                con.unregister("_crawl_sources")
        backfills = sorted(set(batch.backfills))
        if backfills:
            stamp = datetime.now(UTC)
            con.register(
                "_crawl_backfills",
                pa.Table.from_pylist(
                    [
                        {"source_id": sid, "start_day": start, "end_day": end, "completed_at": stamp}
                        for sid, start, end in backfills
                    ],
                    schema=_BACKFILLS,
                ),
            )
            try:
                con.execute("""
                    MERGE INTO crawl_backfills USING _crawl_backfills n
                    ON crawl_backfills.source_id = n.source_id AND crawl_backfills.start_day = n.start_day
                       AND crawl_backfills.end_day = n.end_day
                    WHEN NOT MATCHED THEN INSERT BY NAME
                """)
            finally:
                con.unregister("_crawl_backfills")


_SURFACES = pa.schema(
    [
        ("url", pa.string()),
        ("source_id", pa.string()),
        ("kind", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("last_fetched", pa.timestamp("us", tz="UTC")),
        ("children", pa.string()),
    ]
)
_SOURCES = pa.schema(
    [
        ("source_id", pa.string()),
        ("watermark", pa.timestamp("us", tz="UTC")),
        ("surfaces", pa.string()),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)
_BACKFILLS = pa.schema(
    [
        ("source_id", pa.string()),
        ("start_day", pa.date32()),
        ("end_day", pa.date32()),
        ("completed_at", pa.timestamp("us", tz="UTC")),
    ]
)


def _fold_surfaces(surfaces: Sequence[SurfaceState]) -> list[dict]:
    """One row per surface URL, as applying the batch's rows one after another would leave it (a MERGE takes
    each target row once): the later row wins, its children falling back on the earlier ones."""
    out: dict[str, dict] = {}
    for s in surfaces:
        children = json.dumps(s.children) if s.children is not None else None
        prev = out.get(s.url)
        out[s.url] = {
            "url": s.url,
            "source_id": prev["source_id"] if prev else s.source_id,  # an update keeps the first insert's
            "kind": prev["kind"] if prev else s.kind,
            "etag": s.etag,
            "last_modified": s.last_modified,
            "last_fetched": s.last_fetched,
            "children": children if children is not None or prev is None else prev["children"],
        }
    return list(out.values())


def _fold_sources(sources: Sequence[SourceState], now: datetime) -> list[dict]:
    """One row per source, as one-after-another upserts would leave it: the newest watermark, the last surfaces."""
    out: dict[str, dict] = {}
    for src in sources:
        surfaces = json.dumps(src.surfaces, ensure_ascii=False) if src.surfaces else None
        prev = out.get(src.source_id)
        if prev is not None:
            marks = [m for m in (prev["watermark"], src.watermark) if m is not None]
            watermark = max(marks) if marks else None
            surfaces = surfaces if surfaces is not None else prev["surfaces"]
        else:
            watermark = src.watermark
        out[src.source_id] = {
            "source_id": src.source_id,
            "watermark": watermark,
            "surfaces": surfaces,
            "updated_at": now,
        }
    return list(out.values())


__all__ = ["load_state", "retry_backoff", "save_batch_state"]
