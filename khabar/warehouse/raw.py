"""The raw archive (`pages`) and the request log (`fetch_log`): bulk, idempotent writes through Arrow."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator, Sequence

import duckdb
import pyarrow as pa

from khabar.records import FetchLogEntry, RawPage
from khabar.warehouse.db import transaction

_PAGES_SCHEMA = pa.schema(
    [
        ("page_id", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("source_id", pa.string()),
        ("status", pa.int32()),
        ("headers", pa.string()),
        ("body_zlib", pa.binary()),
        ("body_sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("encoding", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("run_id", pa.string()),
        ("discovered_via", pa.string()),
        ("published_hint", pa.timestamp("us", tz="UTC")),
    ]
)

_FETCH_LOG_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("source_id", pa.string()),
        ("url", pa.string()),
        ("host", pa.string()),
        ("status", pa.int32()),
        ("bytes", pa.int64()),
        ("milliseconds", pa.float64()),
        ("error_class", pa.string()),
        ("attempt", pa.int32()),
        ("started_at", pa.timestamp("us", tz="UTC")),
        ("extra", pa.string()),
    ]
)


def page_digest(url: str, body: bytes) -> tuple[str, str]:
    """(page_id, body sha256): same URL and same bytes → same id, so archiving a page twice is a no-op."""
    body_sha = hashlib.sha256(body).hexdigest()
    return hashlib.sha256(f"{url}\0{body_sha}".encode()).hexdigest()[:32], body_sha


def write_pages(con: duckdb.DuckDBPyConnection, pages: Sequence[RawPage]) -> list[str]:
    """Archive responses in one transaction; returns the page ids (existing ones are left as they were)."""
    rows: dict[str, dict] = {}
    ids: list[str] = []
    for p in pages:
        pid, body_sha = page_digest(p.url, p.body)
        ids.append(pid)
        rows.setdefault(
            pid,
            {
                "page_id": pid,
                "url": p.url,
                "final_url": p.final_url,
                "source_id": p.source_id,
                "status": p.status,
                "headers": json.dumps(p.headers, ensure_ascii=False),
                "body_zlib": zlib.compress(p.body, 6),
                "body_sha256": body_sha,
                "size_bytes": len(p.body),
                "encoding": p.encoding,
                "fetched_at": p.fetched_at,
                "run_id": p.run_id,
                "discovered_via": p.discovered_via,
                "published_hint": p.published_hint,
            },
        )
    if rows:
        table = pa.Table.from_pylist(list(rows.values()), schema=_PAGES_SCHEMA)
        with transaction(con):
            con.register("_new_pages", table)
            try:
                con.execute(
                    "MERGE INTO pages USING _new_pages n ON pages.page_id = n.page_id"
                    " WHEN NOT MATCHED THEN INSERT BY NAME"
                )
            finally:
                con.unregister("_new_pages")
    return ids


def write_fetch_log(con: duckdb.DuckDBPyConnection, entries: Sequence[FetchLogEntry]) -> None:
    """Append request rows (a request happened, so a re-run adds its own rows: this log is not idempotent)."""
    if not entries:
        return
    table = pa.Table.from_pylist(
        [
            {
                "run_id": e.run_id,
                "source_id": e.source_id,
                "url": e.url,
                "host": e.host,
                "status": e.status,
                "bytes": e.bytes,
                "milliseconds": e.milliseconds,
                "error_class": e.error_class,
                "attempt": e.attempt,
                "started_at": e.started_at,
                "extra": json.dumps(e.extra, ensure_ascii=False) if e.extra else None,
            }
            for e in entries
        ],
        schema=_FETCH_LOG_SCHEMA,
    )
    with transaction(con):
        con.register("_new_log", table)
        try:
            con.execute("INSERT INTO fetch_log BY NAME SELECT * FROM _new_log")
        finally:
            con.unregister("_new_log")


def iter_pages(
    con: duckdb.DuckDBPyConnection, *, since: object | None = None, batch_size: int = 500
) -> Iterator[RawPage]:
    """Stream archived pages back (newest version per URL) for re-extraction without the network."""
    from datetime import datetime

    sql = (
        "SELECT url, final_url, source_id, status, headers, body_zlib, fetched_at, run_id, discovered_via,"
        " published_hint, encoding FROM pages"
        " WHERE (? IS NULL OR fetched_at >= ?)"
        " QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1 ORDER BY url"
    )
    cur = con.cursor()
    cur.execute(sql, [since, since])
    while True:
        chunk = cur.fetchmany(batch_size)
        if not chunk:
            break
        for url, final_url, source_id, status, headers, body, fetched_at, run_id, via, hint, enc in chunk:
            assert isinstance(fetched_at, datetime)
            yield RawPage(
                url=url,
                final_url=final_url or url,
                source_id=source_id,
                status=status,
                headers=json.loads(headers) if headers else {},
                body=zlib.decompress(body),
                fetched_at=fetched_at,
                run_id=run_id,
                discovered_via=via,
                published_hint=hint,
                encoding=enc,
            )


def prune_pages(
    con: duckdb.DuckDBPyConnection, *, keep_versions: int = 3, max_age_days: float | None = None
) -> int:
    """Retention for the raw archive: keep the newest `keep_versions` bodies of each URL (and, with
    `max_age_days`, drop older bodies past that age). The page a release was extracted from is never dropped,
    so `reprocess` always has what it needs. Returns the number of pages deleted."""
    if keep_versions < 1:
        raise ValueError("keep_versions must be at least 1")
    with transaction(con):
        n = con.execute(
            """
            DELETE FROM pages WHERE page_id IN (
                SELECT page_id FROM (
                    SELECT page_id, fetched_at,
                           row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, page_id) AS newest
                    FROM pages
                ) WHERE (newest > ? OR (? IS NOT NULL AND fetched_at < now() - to_days(CAST(? AS INTEGER))))
                  AND newest > 1
                  AND page_id NOT IN (SELECT page_id FROM releases WHERE page_id IS NOT NULL)
            )
            """,
            [keep_versions, max_age_days, max_age_days],
        ).fetchone()
    return int(n[0]) if n else 0
