"""Read-only SQL for users (`khabar sql`): the connection itself cannot write, attach or touch files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from khabar.warehouse import lake as lakes
from khabar.warehouse.db import WarehouseError, _explain_io_error, default_db_path, open_db
from khabar.warehouse.search import load_fts


def open_readonly(path: str | Path | None = None, *, lake: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection on which INSERT/DROP fail (read-only file) and ATTACH/COPY TO/file reads fail (no external
    access, and the configuration is locked so a query cannot switch it back on).

    With `lake` (default `$KHABAR_LAKE`) the lake, attached read-only: its catalog's PostgreSQL transactions are
    READ ONLY too. For readers who must not write even by hand, give them a PostgreSQL role with SELECT only."""
    lake_url = lake if lake is not None else lakes.lake_from_env()
    if lake_url:
        con = open_db(lake=lake_url, read_only=True)
        load_fts(con)
        try:
            data = lakes.data_path(con)
            con.execute("SET allowed_directories = ?", [[data]])  # the lake's own files stay readable
            con.execute("SET enable_external_access = false")
        except duckdb.Error as exc:
            con.close()
            raise WarehouseError(f"cannot lock the lake reader down: {exc}") from None
        return con
    db_path = Path(path) if path is not None else default_db_path()
    if not db_path.exists():
        raise WarehouseError(f"no database at {db_path}: run an ingest first (or pass --db)")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.IOException as exc:
        raise WarehouseError(_explain_io_error(db_path, exc)) from exc
    load_fts(con)  # before external access is switched off, so `khabar sql` can use match_bm25 too
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    try:
        cur = con.execute(sql)
    except duckdb.Error as exc:
        raise WarehouseError(str(exc).splitlines()[0]) from exc
    columns = [d[0] for d in cur.description] if cur.description else []
    return columns, cur.fetchall() if columns else []


BLOCKED_SOURCES_SQL = """
WITH last AS (SELECT source_id, arg_max(run_id, started_at) AS run_id FROM fetch_log
              WHERE source_id IS NOT NULL GROUP BY source_id)
SELECT f.source_id,
       count(*) FILTER (WHERE f.error_class = 'challenge') AS challenges,
       arg_max(f.extra->>'challenge', f.started_at) FILTER (WHERE f.error_class = 'challenge') AS last_challenge,
       max(f.started_at) AS last_request
FROM fetch_log f JOIN last ON f.source_id = last.source_id AND f.run_id IS NOT DISTINCT FROM last.run_id
WHERE coalesce(f.extra->>'kind', '') <> 'robots'
GROUP BY f.source_id
HAVING count(*) FILTER (WHERE f.error_class = 'challenge') > 0
   AND count(*) FILTER (WHERE f.status IN (200, 304) AND f.error_class IS NULL) = 0
ORDER BY f.source_id
"""


def blocked_sources(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple]]:
    """Sources whose every answer in their latest run was a challenge page (robots.txt aside): a CDN or WAF keeps
    the crawler out, and nothing of theirs was read. Columns: source_id, challenges, last_challenge, last_request."""
    return run_query(con, BLOCKED_SOURCES_SQL)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def format_rows(columns: Sequence[str], rows: Sequence[tuple], fmt: str) -> str:
    """csv: header then rows; json: one array of row objects; table: aligned text for a terminal."""
    if fmt == "json":
        return json.dumps(
            [dict(zip(columns, map(jsonable, r), strict=True)) for r in rows], ensure_ascii=False
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[jsonable(v) for v in r] for r in rows])
        return buf.getvalue().rstrip("\n")
    if fmt == "table":
        cells = [list(columns)] + [["" if v is None else str(jsonable(v)) for v in r] for r in rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
        lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join(lines)
    raise ValueError(f"unknown format {fmt!r}: use table, csv or json")
