"""Exporting a table or report view to Parquet, CSV or JSON Lines, streamed in Arrow batches (flat memory).

The relation name is checked against the catalog and quoted, never pasted from user input; the output file is
written by pyarrow, so the read-only connection keeps DuckDB's external access disabled.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from khabar.warehouse.db import WarehouseError
from khabar.warehouse.query import jsonable

FORMATS = ("parquet", "csv", "jsonl")


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
    ident = '"' + relation.replace('"', '""') + '"'
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
    n = 0
    try:
        if fmt == "parquet":
            with pq.ParquetWriter(tmp, reader.schema, compression="zstd") as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    n += batch.num_rows
        elif fmt == "csv":
            with pacsv.CSVWriter(tmp, _csv_schema(reader.schema)) as writer:
                for batch in reader:
                    writer.write_batch(_csv_batch(batch))
                    n += batch.num_rows
        else:
            with tmp.open("w", encoding="utf-8") as fh:
                for batch in reader:
                    for row in batch.to_pylist():
                        fh.write(
                            json.dumps({k: jsonable(v) for k, v in row.items()}, ensure_ascii=False) + "\n"
                        )
                    n += batch.num_rows
        tmp.replace(out)  # a reader never sees half a file
    finally:
        tmp.unlink(missing_ok=True)
    return n


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    # CSV has no lists: list columns are written as JSON text.
    return pa.schema([pa.field(f.name, pa.string()) if pa.types.is_list(f.type) else f for f in schema])


def _csv_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    cols = []
    for col in batch.columns:
        if pa.types.is_list(col.type):
            col = pa.array(
                [None if v is None else json.dumps(v, ensure_ascii=False) for v in col.to_pylist()],
                pa.string(),
            )
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, schema=_csv_schema(batch.schema))


__all__ = ["FORMATS", "export", "relations"]
