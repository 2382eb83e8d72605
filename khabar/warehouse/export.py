"""Exporting a table or report view to Parquet, CSV or JSON Lines with DuckDB's own ``COPY … TO … (FORMAT …)``.

The user's connection stays read-only with external access switched off and locked. The relation is read from it
as a stream of Arrow batches (flat memory) and written by a private in-memory DuckDB whose file access is limited
to the one output file (``allowed_paths``). The relation name is checked against the catalog and quoted, never
pasted from user input.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from khabar.warehouse.db import WarehouseError

FORMATS = ("parquet", "csv", "jsonl")
_OPTIONS = {  # DuckDB's COPY options per format; JSON is newline-delimited by default
    "parquet": "FORMAT parquet, COMPRESSION zstd",
    "csv": "FORMAT csv, HEADER true",
    "jsonl": "FORMAT json",
}
# CSV has no nested values: lists, structs and maps are written as JSON text (as JSON Lines writes them).
_NESTED = ("[]", "STRUCT(", "MAP(", "UNION(")


def relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables and views a user may export (main schema only: not the FTS index internals)."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows if r[0] != "schema_migrations"]


def export(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    out: str | Path,
    fmt: str,
    *,
    canonical_only: bool = False,
    batch_rows: int = 50_000,
) -> int:
    """Write `relation` to `out`; returns the number of rows. `canonical_only` keeps one row per release."""
    if fmt not in FORMATS:
        raise WarehouseError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")
    known = relations(con)
    if relation not in known:
        raise WarehouseError(f"no table or view {relation!r}; choose one of: {', '.join(known)}")
    ident = _quote(relation)
    sql = f"SELECT * FROM {ident}"
    if canonical_only:
        cols = {r[0] for r in con.execute(f"DESCRIBE {ident}").fetchall()}
        if "is_canonical" not in cols:
            raise WarehouseError(f"{relation} has no is_canonical column: drop --canonical-only")
        sql += " WHERE is_canonical"
    reader = con.execute(sql).to_arrow_reader(batch_rows)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        n = _copy(reader, tmp.resolve(), fmt)
        tmp.replace(out)  # a reader never sees half a file
    finally:
        tmp.unlink(missing_ok=True)
    return n


def _copy(reader: object, target: Path, fmt: str) -> int:
    """`reader` (an Arrow record batch reader) written to `target` by DuckDB's COPY; the rows written."""
    writer = duckdb.connect()
    try:
        path = _literal(str(target))
        writer.execute(f"SET allowed_paths = [{path}]")
        writer.execute("SET TimeZone = 'UTC'")  # text timestamps the same on every machine
        writer.execute("SET enable_external_access = false")
        writer.execute("SET lock_configuration = true")
        writer.register("src", reader)
        columns = ", ".join(
            _column(name, kind, fmt) for name, kind, *_ in writer.execute("DESCRIBE src").fetchall()
        )
        # USE_TMP_FILE false: DuckDB's own temporary name would fall outside allowed_paths; `.part` is ours.
        options = _OPTIONS[fmt] + ", USE_TMP_FILE false"
        try:
            row = writer.execute(f"COPY (SELECT {columns} FROM src) TO {path} ({options})").fetchone()
        except duckdb.IOException as exc:
            raise OSError(f"cannot write {target}: {str(exc).splitlines()[0]}") from exc
        return int(row[0]) if row else 0
    finally:
        writer.close()


def _column(name: str, kind: str, fmt: str) -> str:
    """The select expression for one column: itself, except where a text format needs a choice (binary values
    as hex; instants as ISO 8601 in UTC, «2024-03-11T06:30:00.000000+00:00», rather than DuckDB's «… 06:30:00+00»;
    nested values as JSON text in CSV)."""
    col = _quote(name)
    if fmt == "parquet":
        return col
    if kind == "BLOB":
        return f"hex({col}) AS {col}"
    if kind == "TIMESTAMP WITH TIME ZONE":
        return f"strftime({col}, '%Y-%m-%dT%H:%M:%S.%f+00:00') AS {col}"
    if fmt == "csv" and any(mark in kind for mark in _NESTED):
        return f"to_json({col})::VARCHAR AS {col}"
    return col


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


__all__ = ["FORMATS", "export", "relations"]
