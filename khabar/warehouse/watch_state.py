"""The watch mode's state in the warehouse (migration 008): the schedule per source and surface, the surfaces the
crawler discovered, and the publication history the rate model learns from.

Why here and in plain rows: the warehouse is the only layer that runs SQL and sits below the crawler, so it knows
nothing of `khabar.crawl.schedule`'s types; the pipeline turns these rows into schedule histories. A cycle's
outcomes are saved with one Arrow table in one transaction: a watch stopped mid-way resumes from the last
committed schedule, never from half of one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from khabar.warehouse.db import transaction

_SCHEMA = pa.schema(
    [
        ("source_id", pa.string()),
        ("url", pa.string()),
        ("kind", pa.string()),
        ("role", pa.string()),
        ("last_check", pa.timestamp("us", tz="UTC")),
        ("last_outcome", pa.string()),
        ("consecutive_failures", pa.int32()),
        ("next_check", pa.timestamp("us", tz="UTC")),
        ("interval_s", pa.float64()),
        ("reason", pa.string()),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)
_COLUMNS = ", ".join(_SCHEMA.names)


@dataclass(frozen=True)
class SurfaceRow:
    """One row of `watch_surfaces`: how a surface's checks went and when it is due next."""

    source_id: str
    url: str
    kind: str
    role: str
    last_check: datetime | None
    last_outcome: str | None
    consecutive_failures: int
    next_check: datetime
    interval_s: float
    reason: str


def load_schedule(
    con: duckdb.DuckDBPyConnection, source_ids: Sequence[str] | None = None
) -> dict[str, list[SurfaceRow]]:
    """The saved schedule by source id (every source when `source_ids` is None), surfaces in URL order."""
    sql = f"SELECT {', '.join(f.name for f in _fields())} FROM watch_surfaces"
    params: list[object] = []
    if source_ids is not None:
        sql += " WHERE source_id IN (SELECT unnest(?))"
        params.append(list(source_ids))
    out: dict[str, list[SurfaceRow]] = {}
    for row in con.execute(sql + " ORDER BY source_id, url", params).fetchall():
        r = SurfaceRow(*row)
        out.setdefault(r.source_id, []).append(r)
    return out


def _fields() -> list[pa.Field]:
    return [f for f in _SCHEMA if f.name != "updated_at"]


def save_schedule(
    con: duckdb.DuckDBPyConnection, rows: Sequence[SurfaceRow], *, now: datetime | None = None
) -> int:
    """Upsert a cycle's rows in one transaction (one Arrow table); a saved source's surfaces not among its new
    rows are dropped (the crawler no longer finds them). Returns the number of rows written."""
    latest = {(r.source_id, r.url): r for r in rows}
    if not latest:
        return 0
    stamp = now or datetime.now(UTC)
    table = pa.Table.from_pylist(
        [{**asdict(r), "updated_at": stamp} for r in latest.values()], schema=_SCHEMA
    )
    with transaction(con):
        con.register("_watch_rows", table)
        try:
            con.execute(
                "DELETE FROM watch_surfaces w WHERE w.source_id IN (SELECT DISTINCT source_id FROM _watch_rows)"
                " AND NOT EXISTS (SELECT 1 FROM _watch_rows n WHERE n.source_id = w.source_id AND n.url = w.url)"
            )
            con.execute(
                "MERGE INTO watch_surfaces USING _watch_rows n"
                " ON watch_surfaces.source_id = n.source_id AND watch_surfaces.url = n.url"
                " WHEN MATCHED THEN UPDATE BY NAME WHEN NOT MATCHED THEN INSERT BY NAME"
            )
        finally:
            con.unregister("_watch_rows")
    return len(latest)


def publication_history(
    con: duckdb.DuckDBPyConnection, source_ids: Sequence[str], since: datetime, until: datetime
) -> dict[str, list[datetime]]:
    """Publication instants per source in `[since, until]`, from `releases` (canonical or not: a source's own
    rate counts its own releases), oldest first."""
    out: dict[str, list[datetime]] = {s: [] for s in source_ids}
    if not source_ids:
        return out
    for sid, published in con.execute(
        "SELECT source_id, published_at FROM releases WHERE source_id IN (SELECT unnest(?))"
        " AND is_article AND published_at BETWEEN ? AND ? ORDER BY published_at",
        [list(source_ids), since, until],
    ).fetchall():
        out[sid].append(published)
    return out


def discovered_surfaces(
    con: duckdb.DuckDBPyConnection, source_ids: Sequence[str]
) -> dict[str, dict[str, object]]:
    """The surfaces the crawler found per source (`crawl_sources.surfaces`: feeds, sitemaps, archive)."""
    if not source_ids:
        return {}
    out: dict[str, dict[str, object]] = {}
    for sid, surfaces in con.execute(
        "SELECT source_id, surfaces FROM crawl_sources WHERE source_id IN (SELECT unnest(?))",
        [list(source_ids)],
    ).fetchall():
        if surfaces:
            found = json.loads(surfaces)
            if isinstance(found, dict):
                out[sid] = found
    return out


def new_pages_by_source(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Pages a run added to the raw archive, per source: new or changed content (an unchanged page re-fetched
    keeps its archived row), which is what a watch check counts as «new items»."""
    return dict(
        con.execute(
            "SELECT source_id, count(*) FROM pages WHERE run_id = ? AND source_id IS NOT NULL GROUP BY source_id",
            [run_id],
        ).fetchall()
    )


def watch_status(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple]]:
    """Per watched source, for `khabar status`: its shortest planned interval (minutes), last check and how it
    went, failures in a row, next check and why, and its newest release's publication time. Empty when the
    database predates the watch (read-only connections are never migrated) or nothing is watched yet."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'watch_surfaces'"
    ).fetchone()
    if not exists or not exists[0]:
        return [], []
    cur = con.execute("""
        SELECT w.source_id, count(*) AS surfaces, round(min(w.interval_s) / 60, 1) AS interval_min,
               max(w.last_check) AS last_check, arg_max(w.last_outcome, w.last_check) AS last_outcome,
               max(w.consecutive_failures) AS failures, min(w.next_check) AS next_check,
               arg_min(w.reason, w.next_check) AS reason,
               (SELECT max(r.published_at) FROM releases r WHERE r.source_id = w.source_id AND r.is_article)
                   AS last_release
        FROM watch_surfaces w GROUP BY w.source_id ORDER BY next_check, w.source_id
    """)
    return [d[0] for d in cur.description], cur.fetchall()


__all__ = [
    "SurfaceRow",
    "discovered_surfaces",
    "load_schedule",
    "new_pages_by_source",
    "publication_history",
    "save_schedule",
    "watch_status",
]
