"""`dedup_evidence`: why each fingerprinted release sits in its cluster (issue 18), written with the dedup batch
and read by `khabar explain-cluster`; and the release texts the index needs to rebuild containment samples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

EVIDENCE_SCHEMA = pa.schema(
    [
        ("release_id", pa.string()),
        ("version", pa.int32()),
        ("cluster_id", pa.string()),
        ("signal", pa.string()),
        ("matched_to", pa.string()),
        ("jaccard", pa.float64()),
        ("containment", pa.float64()),
        ("containment_rev", pa.float64()),
        ("guard", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
    ]
)


def write_evidence(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace evidence rows (dicts with the `EVIDENCE_SCHEMA` fields), inside the caller's transaction."""
    if not rows:
        return
    tbl = pa.Table.from_pylist(list(rows), schema=EVIDENCE_SCHEMA)
    con.register("_dedup_new_evidence", tbl)
    try:
        con.execute(
            "MERGE INTO dedup_evidence USING _dedup_new_evidence n"
            " ON dedup_evidence.release_id = n.release_id AND dedup_evidence.version = n.version"
            " WHEN MATCHED THEN UPDATE BY NAME WHEN NOT MATCHED THEN INSERT BY NAME"
        )
    finally:
        con.unregister("_dedup_new_evidence")


def cluster_evidence(con: duckdb.DuckDBPyConnection, cluster_id: str) -> list[dict[str, Any]]:
    """Every member of a cluster (current version of each release) with its evidence, oldest first."""
    cur = con.execute(
        """
        SELECT r.release_id, r.version, r.source_id, r.url, r.title, r.is_canonical, r.published_at,
               e.signal, e.matched_to, e.jaccard, e.containment, e.containment_rev, e.guard
        FROM releases r
        LEFT JOIN dedup_evidence e ON e.release_id = r.release_id AND e.version = r.version
        WHERE r.cluster_id = ?
        ORDER BY e.created_at NULLS LAST, r.published_at, r.release_id
        """,
        [cluster_id],
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def release_texts(con: duckdb.DuckDBPyConnection, release_ids: Sequence[str]) -> dict[tuple[str, int], dict]:
    """(release, version) → {title, lead, body} of stored releases (current and earlier versions)."""
    if not release_ids:
        return {}
    rows = con.execute(
        """
        SELECT release_id, version, title, lead, body FROM releases WHERE release_id IN (SELECT unnest(?))
        UNION ALL
        SELECT release_id, version, title, lead, body FROM release_versions WHERE release_id IN (SELECT unnest(?))
        """,
        [list(release_ids), list(release_ids)],
    ).fetchall()
    return {(r, v): {"title": t, "lead": le, "body": b} for r, v, t, le, b in rows}
