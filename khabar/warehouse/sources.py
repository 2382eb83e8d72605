"""The source registry in the warehouse (`sources`, migration 007): written from the sources file at the start of
every run, read by the canonical-copy rule, so ingest, backfill, import and reprocess all choose alike.

A source no longer in the file keeps its row: its releases still need a kind. The rows take plain fields, not the
crawler's `Source` model, so the warehouse depends on no stage above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Literal

import duckdb
import pyarrow as pa

from khabar.warehouse.db import transaction

Kind = Literal["agency", "news_agency"]

_SCHEMA = pa.schema(
    [
        ("source_id", pa.string()),
        ("kind", pa.string()),
        ("agency", pa.string()),
        ("province", pa.string()),
        ("url", pa.string()),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True)
class SourceRow:
    """One registry entry as the warehouse keeps it."""

    source_id: str
    kind: Kind
    agency: str | None = None
    province: str | None = None
    url: str | None = None


def upsert_sources(
    con: duckdb.DuckDBPyConnection, rows: Iterable[SourceRow], *, now: datetime | None = None
) -> int:
    """Insert or update every row in one statement (one Arrow table, not a statement per row); returns how many.
    A source id given twice keeps its last entry, as a YAML mapping would."""
    latest = {r.source_id: r for r in rows}
    if not latest:
        return 0
    stamp = now or datetime.now(UTC)
    table = pa.Table.from_pylist(
        [{**asdict(r), "updated_at": stamp} for r in latest.values()], schema=_SCHEMA
    )
    with transaction(con):
        con.register("_new_sources", table)
        try:
            con.execute(
                "MERGE INTO sources USING _new_sources n ON sources.source_id = n.source_id"
                " WHEN MATCHED THEN UPDATE BY NAME WHEN NOT MATCHED THEN INSERT BY NAME"
            )
        finally:
            con.unregister("_new_sources")
    return len(latest)


__all__ = ["Kind", "SourceRow", "upsert_sources"]
