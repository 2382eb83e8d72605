"""The deduplication tables: what the clusterer reads at start-up and per batch, and what its decisions write.

`khabar.dedup` decides in memory and runs no SQL (issue 17); this module loads its inputs (`load_signatures`,
`cluster_state`) and writes its output (`write_assignment`, `write_aliases`), each bulk through Arrow, inside the
batch transaction of the caller. `refresh_canonical` chooses each touched cluster's canonical release, reading the
source registry (`sources`) by a JOIN. The warehouse does not import `khabar.dedup`: an assignment arrives as any
object with the fields of `ClusterWrites` (`khabar.dedup.Assignment` has them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

import duckdb
import pyarrow as pa

from khabar.warehouse.evidence import release_texts, write_evidence

SIGNATURE_SCHEMA = pa.schema(
    [
        ("release_id", pa.string()),
        ("version", pa.int32()),
        ("cluster_id", pa.string()),
        ("content_hash", pa.string()),
        ("exact_key", pa.int64()),
        ("minhash", pa.binary()),
        ("guard", pa.binary()),
        ("n_shingles", pa.int32()),
        ("matched_to", pa.string()),
        ("similarity", pa.float64()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("contain", pa.binary()),
    ]
)
_ALIAS_SCHEMA = pa.schema(
    [
        ("alias_url", pa.string()),
        ("canonical_url", pa.string()),
        ("source_id", pa.string()),
        ("via", pa.string()),
        ("first_seen", pa.timestamp("us", tz="UTC")),
    ]
)


class StoredSignatures(NamedTuple):
    """The stored fingerprints (every one, or the newest `limit`), oldest first (columns release_id, version,
    cluster_id, exact_key, minhash, guard, contain), the stored texts of those fingerprinted before containment
    samples existed (null `contain`), and how many are stored in all."""

    table: pa.Table
    texts: dict[tuple[str, int], dict[str, Any]]
    stored: int


class ClusterState(NamedTuple):
    """What the warehouse holds for some releases: their current (cluster, content hash, version), and which
    (release, version) pairs already have a fingerprint."""

    stored: dict[str, tuple[str | None, str | None, int]]
    fingerprinted: set[tuple[str, int]]


class ClusterWrites(Protocol):
    """The fields of one batch's clustering decisions that the warehouse writes."""

    @property
    def signatures(self) -> Sequence[Mapping[str, Any]]: ...  # rows of `SIGNATURE_SCHEMA`

    @property
    def evidence(self) -> Sequence[Mapping[str, Any]]: ...  # rows of `evidence.EVIDENCE_SCHEMA`

    @property
    def superseded(self) -> Sequence[tuple[str, int]]: ...  # (release, version) about to be overwritten

    @property
    def at(self) -> datetime: ...


def load_signatures(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> StoredSignatures:
    """The index's start-up read (one sorted scan; ~1 s per 100k signatures): the newest `limit` (the bounded
    window, `khabar.dedup.core.WINDOW`; None: all), oldest first."""
    cols = "release_id, version, cluster_id, exact_key, minhash, guard, contain"
    if limit is None:
        tbl = con.execute(
            f"SELECT {cols} FROM dedup_signatures ORDER BY created_at, release_id, version"
        ).to_arrow_table()
    else:
        tbl = con.execute(
            f"SELECT {cols} FROM (SELECT {cols}, created_at FROM dedup_signatures"
            " ORDER BY created_at DESC, release_id DESC, version DESC LIMIT ?)"
            " ORDER BY created_at, release_id, version",
            [limit],
        ).to_arrow_table()
    total = tbl.num_rows
    if limit is not None and total == limit:
        row = con.execute("SELECT count(*) FROM dedup_signatures").fetchone()
        total = int(row[0]) if row else 0
    contain = tbl.column("contain")
    if not contain.null_count:
        return StoredSignatures(tbl, {}, total)
    missing = {
        rid
        for rid, valid in zip(
            tbl.column("release_id").to_pylist(), contain.is_valid().to_pylist(), strict=True
        )
        if not valid
    }
    return StoredSignatures(tbl, release_texts(con, sorted(missing)), total)


def cluster_state(con: duckdb.DuckDBPyConnection, release_ids: Iterable[str]) -> ClusterState:
    """The stored state of `release_ids` that one `Clusterer.assign` reads (inside the batch transaction)."""
    ids = sorted(set(release_ids))
    if not ids:
        return ClusterState({}, set())
    stored = {
        rid: (cid, h, v)
        for rid, cid, h, v in con.execute(
            "SELECT release_id, cluster_id, content_hash, version FROM releases WHERE release_id IN (SELECT unnest(?))",
            [ids],
        ).fetchall()
    }
    fingerprinted = {
        (r, v)
        for r, v in con.execute(
            "SELECT release_id, version FROM dedup_signatures WHERE release_id IN (SELECT unnest(?))",
            [ids],
        ).fetchall()
    }
    return ClusterState(stored, fingerprinted)


def write_assignment(con: duckdb.DuckDBPyConnection, a: ClusterWrites) -> None:
    """Archive the superseded versions, then insert the new fingerprints and their evidence (joins the caller's
    transaction; call it before `write_releases` overwrites the rows being archived)."""
    _archive_versions(con, a.superseded, a.at)
    if a.signatures:
        tbl = pa.Table.from_pylist([dict(r) for r in a.signatures], schema=SIGNATURE_SCHEMA)
        con.register("_dedup_new_sigs", tbl)
        try:
            con.execute(
                "MERGE INTO dedup_signatures USING _dedup_new_sigs n"
                " ON dedup_signatures.release_id = n.release_id AND dedup_signatures.version = n.version"
                " WHEN MATCHED THEN UPDATE BY NAME WHEN NOT MATCHED THEN INSERT BY NAME"
            )
        finally:
            con.unregister("_dedup_new_sigs")
    write_evidence(con, [dict(r) for r in a.evidence])


def _archive_versions(
    con: duckdb.DuckDBPyConnection, superseded: Sequence[tuple[str, int]], now: datetime
) -> None:
    """Copy the stored rows about to be overwritten into `release_versions` (earlier versions are kept)."""
    if not superseded:
        return
    con.execute(
        """
        MERGE INTO release_versions USING (
            SELECT r.release_id, r.version, url, title, lead, body, published_at, content_hash, cluster_id,
                   fetched_at, extractor_version, ?::TIMESTAMPTZ AS superseded_at FROM releases r
            JOIN (SELECT DISTINCT * FROM (SELECT unnest(?) AS release_id, unnest(?) AS version)) s
              ON s.release_id = r.release_id AND s.version = r.version
        ) n ON release_versions.release_id = n.release_id AND release_versions.version = n.version
        WHEN NOT MATCHED THEN INSERT BY NAME
        """,
        [now, [r for r, _ in superseded], [v for _, v in superseded]],
    )


def refresh_canonical(con: duckdb.DuckDBPyConnection, cluster_ids: Iterable[str | None]) -> None:
    """Exactly one canonical release per touched cluster: the agency's own site before a news agency, then the
    earliest published, then the URL. A source is a news agency when its row in `sources` says so; a source with
    no row there (an import without a registry) is one when its attribution starts with «خبرگزاری»."""
    ids = sorted({c for c in cluster_ids if c})
    if not ids:
        return
    con.execute(
        """
        UPDATE releases SET is_canonical = (releases.release_id = ranked.release_id)
        FROM (
            SELECT r.cluster_id, arg_min(r.release_id, (
                CASE WHEN s.kind IS NOT NULL THEN s.kind = 'news_agency'
                     ELSE replace(coalesce(r.attribution, ''), 'ي', 'ی') LIKE 'خبرگزاری%' END,
                coalesce(r.published_at, r.fetched_at), r.url)) AS release_id
            FROM releases r
            LEFT JOIN sources s ON s.source_id = r.source_id
            WHERE r.cluster_id IN (SELECT unnest(?))
            GROUP BY r.cluster_id
        ) AS ranked
        WHERE releases.cluster_id = ranked.cluster_id
        """,
        [ids],
    )


def write_aliases(
    con: duckdb.DuckDBPyConnection,
    aliases: Iterable[tuple[str, str, str | None, str]],
    *,
    now: datetime | None = None,
) -> int:
    """Record (alias key, canonical URL, source_id, via) rows (`khabar.dedup.alias_rows` makes them) in one
    statement; an alias keeps its first mapping, in the table and within the batch. Returns the rows offered."""
    rows = list(aliases)
    first: dict[str, tuple[str, str, str | None, str]] = {}
    for row in rows:
        first.setdefault(row[0], row)
    if not first:
        return 0
    stamp = now or datetime.now(UTC)
    table = pa.Table.from_pylist(
        [
            {"alias_url": a, "canonical_url": c, "source_id": s, "via": v, "first_seen": stamp}
            for a, c, s, v in first.values()
        ],
        schema=_ALIAS_SCHEMA,
    )
    con.register("_new_aliases", table)
    try:
        con.execute(
            "MERGE INTO url_aliases USING _new_aliases n ON url_aliases.alias_url = n.alias_url"
            " WHEN NOT MATCHED THEN INSERT BY NAME"
        )
    finally:
        con.unregister("_new_aliases")
    return len(rows)


__all__ = [
    "SIGNATURE_SCHEMA",
    "ClusterState",
    "ClusterWrites",
    "StoredSignatures",
    "cluster_state",
    "load_signatures",
    "refresh_canonical",
    "write_aliases",
    "write_assignment",
]
