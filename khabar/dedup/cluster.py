"""Streaming near-duplicate clustering of release rows, persisted in DuckDB, and the canonical-release rule.

Call order inside one batch transaction (see `khabar.pipeline.process_batch`)::

    clusterer = Clusterer.from_db(con)             # once per process: rebuilds the LSH index from DuckDB
    with transaction(con):
        clusterer.assign(con, rows)                # sets row.cluster_id / row.version, writes dedup tables
        write_releases(con, rows)
        refresh_canonical(con, {r.cluster_id for r in rows}, source_kinds)
    # on an exception inside the transaction: clusterer.rollback()

Staged design: each `assign` stages its documents in memory. If the transaction rolls back and the caller
forgets `rollback()`, the next `assign` notices that the staged signatures never reached `dedup_signatures`
and drops them itself, so the in-memory index never holds documents the database lacks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

from khabar.dedup import minhash
from khabar.dedup.core import MatchCore
from khabar.dedup.fingerprint import containment_of, fingerprints
from khabar.warehouse.evidence import release_texts, write_evidence
from khabar.warehouse.releases import ReleaseRow

_SIG_SCHEMA = pa.schema(
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


def new_cluster_id(release_id: str) -> str:
    """A cluster is named after the release that founded it: stable, and readable next to release ids."""
    return "c-" + release_id[:16]


def _clusterable(row: ReleaseRow) -> bool:
    rec = row.record
    return bool(rec.get("is_article", True)) and bool(rec.get("body") or rec.get("title"))


class Clusterer:
    """Assigns cluster ids and versions to release rows; keeps an LSH index of every fingerprinted release."""

    def __init__(self) -> None:
        self.core = MatchCore()
        self._checkpoint = 0
        self._staged: list[tuple[str, int]] = []

    # ------------------------------------------------------------------------------------------ start-up
    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> Clusterer:
        """Rebuild the index from `dedup_signatures` (one sorted segment; ~1 s per 100k signatures)."""
        self = cls()
        tbl = con.execute(
            "SELECT release_id, version, cluster_id, exact_key, minhash, guard, contain FROM dedup_signatures"
            " ORDER BY created_at, release_id, version"
        ).to_arrow_table()
        n = tbl.num_rows
        if not n:
            return self
        sig_bytes = b"".join(tbl.column("minhash").to_pylist())
        sigs = np.frombuffer(sig_bytes, dtype="<u4").reshape(n, minhash.NUM_PERM)
        exact = np.array(tbl.column("exact_key").to_pylist(), dtype=np.int64).astype(np.uint64)
        keys = np.concatenate([minhash.band_keys(sigs), _exact_band(exact)[:, None]], axis=1)
        guards = [np.frombuffer(g or b"", dtype="<u8") for g in tbl.column("guard").to_pylist()]
        samples = _samples(con, tbl)
        self.core.add_many(
            sigs,
            keys,
            guards,
            tbl.column("cluster_id").to_pylist(),
            tbl.column("release_id").to_pylist(),
            samples,
        )
        self._checkpoint = self.core.n
        return self

    # ------------------------------------------------------------------------------------------ batches
    def rollback(self) -> None:
        """Forget what the last `assign` added (its transaction rolled back)."""
        self.core.truncate(self._checkpoint)
        self._staged = []

    def _settle(self, con: duckdb.DuckDBPyConnection) -> None:
        """Confirm the previous batch committed; otherwise drop it from memory (auto-rollback)."""
        if self._staged:
            found = set(
                con.execute(
                    "SELECT release_id, version FROM dedup_signatures WHERE release_id IN (SELECT unnest(?))",
                    [list({r for r, _ in self._staged})],
                ).fetchall()
            )
            if not set(self._staged) <= found:
                self.rollback()
        self._staged = []
        self._checkpoint = self.core.n
        self.core.flush()

    def assign(self, con: duckdb.DuckDBPyConnection, rows: Sequence[ReleaseRow]) -> None:
        """Set ``cluster_id`` and ``version`` of every row (in order, each matched against all earlier
        releases and earlier rows of this batch) and record fingerprints and superseded versions."""
        self._settle(con)
        if not rows:
            return
        ids = list({r.release_id for r in rows})
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
        todo = [i for i, r in enumerate(rows) if _clusterable(r)]
        fps = dict(zip(todo, fingerprints([rows[i].record for i in todo]), strict=True))
        fresh = [i for i in todo if rows[i].release_id not in stored]
        store_cands = dict(zip(fresh, self.core.candidates_in_store([fps[i] for i in fresh]), strict=True))
        now = datetime.now(UTC)
        state: dict[str, tuple[str | None, str | None, int]] = dict(stored)
        superseded: list[tuple[str, int]] = []
        sig_rows: dict[tuple[str, int], dict] = {}
        evidence: dict[tuple[str, int], dict] = {}
        for i, row in enumerate(rows):
            rid = row.release_id
            prev = state.get(rid)
            matched_to, sim = None, None
            ev: dict = {
                "signal": "founder",
                "matched_to": None,
                "jaccard": None,
                "containment": None,
                "containment_rev": None,
                "guard": None,
            }
            if prev is not None:
                url = row.record.get("url")
                ev["signal"] = "url_alias" if url and url != row.canonical_url else "same_url"
                cid, old_hash, old_version = prev
                row.cluster_id = cid or new_cluster_id(rid)
                if old_hash == row.content_hash:
                    row.version = old_version
                else:
                    row.version = old_version + 1
                    superseded.append((rid, old_version))
            else:
                row.version = 1
                m = self.core.match(fps[i], store_cands.get(i)) if i in fps else None
                if m is not None:
                    row.cluster_id = m.cluster_id
                    matched_to, sim = self.core.release_of[m.doc] if m.doc is not None else None, m.jaccard
                    ev = {
                        "signal": m.signal,
                        "matched_to": matched_to,
                        "jaccard": m.jaccard,
                        "containment": m.containment,
                        "containment_rev": m.containment_rev,
                        "guard": json.dumps(m.guard.as_dict()) if m.guard is not None else None,
                    }
                else:
                    row.cluster_id = new_cluster_id(rid)
            state[rid] = (row.cluster_id, row.content_hash, row.version)
            key = (rid, row.version)
            if i in fps and key not in fingerprinted:
                fingerprinted.add(key)
                fp = fps[i]
                self.core.add(fp, row.cluster_id, rid)
                self._staged.append(key)
                sig_rows[key] = {
                    "release_id": rid,
                    "version": row.version,
                    "cluster_id": row.cluster_id,
                    "content_hash": row.content_hash,
                    "exact_key": fp.exact,
                    "minhash": fp.signature.astype("<u4").tobytes(),
                    "guard": fp.guard.astype("<u8").tobytes(),
                    "n_shingles": fp.n_shingles,
                    "matched_to": matched_to,
                    "similarity": sim,
                    "created_at": now,
                    "contain": fp.sample.astype("<u4").tobytes(),
                }
                evidence[key] = {
                    "release_id": rid,
                    "version": row.version,
                    "cluster_id": row.cluster_id,
                    "created_at": now,
                    **ev,
                }
        _archive_versions(con, superseded, now)
        if sig_rows:
            tbl = pa.Table.from_pylist(list(sig_rows.values()), schema=_SIG_SCHEMA)
            con.register("_dedup_new_sigs", tbl)
            try:
                con.execute("INSERT OR REPLACE INTO dedup_signatures BY NAME SELECT * FROM _dedup_new_sigs")
            finally:
                con.unregister("_dedup_new_sigs")
        write_evidence(con, list(evidence.values()))


def _samples(con: duckdb.DuckDBPyConnection, tbl: pa.Table) -> list[np.ndarray]:
    """Containment samples of stored signatures; rows fingerprinted before they existed (null) get theirs from
    the stored release text, so an upgraded warehouse matches briefs of its old releases too."""
    raw = tbl.column("contain").to_pylist()
    out = [np.frombuffer(x, dtype="<u4") if x is not None else None for x in raw]
    missing = [i for i, x in enumerate(out) if x is None]
    if missing:
        rids, versions = tbl.column("release_id").to_pylist(), tbl.column("version").to_pylist()
        stored = release_texts(con, sorted({rids[i] for i in missing}))
        recs = [stored.get((rids[i], versions[i]), {}) for i in missing]
        for i, sample in zip(missing, containment_of(recs), strict=True):
            out[i] = sample
    return [x if x is not None else np.zeros(0, dtype=np.uint32) for x in out]


def _exact_band(exact: np.ndarray) -> np.ndarray:
    from khabar.dedup.fingerprint import _EXACT_SALT

    with np.errstate(over="ignore"):
        return exact.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ _EXACT_SALT


def _archive_versions(
    con: duckdb.DuckDBPyConnection, superseded: list[tuple[str, int]], now: datetime
) -> None:
    """Copy the stored rows about to be overwritten into `release_versions` (earlier versions are kept)."""
    if not superseded:
        return
    con.execute(
        """
        INSERT OR IGNORE INTO release_versions
        SELECT r.release_id, r.version, url, title, lead, body, published_at, content_hash, cluster_id, fetched_at,
               extractor_version, ? FROM releases r
        JOIN (SELECT unnest(?) AS release_id, unnest(?) AS version) s
          ON s.release_id = r.release_id AND s.version = r.version
        """,
        [now, [r for r, _ in superseded], [v for _, v in superseded]],
    )


def _news_agency_ids() -> list[str]:
    from khabar.simweb.directory import NEWS_AGENCIES

    return [a.key for a in NEWS_AGENCIES]


def refresh_canonical(
    con: duckdb.DuckDBPyConnection,
    cluster_ids: Iterable[str | None],
    source_kinds: Mapping[str, str] | None = None,
) -> None:
    """Exactly one canonical release per touched cluster: the agency's own site before a news agency, then the
    earliest published, then the URL. A source counts as a news agency when ``source_kinds`` says so, else
    when it is a simulated news agency or its attribution starts with «خبرگزاری»."""
    ids = sorted({c for c in cluster_ids if c})
    if not ids:
        return
    kinds = dict(source_kinds or {})
    con.execute(
        """
        UPDATE releases SET is_canonical = (releases.release_id = ranked.release_id)
        FROM (
            SELECT r.cluster_id, arg_min(r.release_id, (
                CASE WHEN k.kind IS NOT NULL THEN k.kind = 'news_agency'
                     ELSE r.source_id IN (SELECT unnest(?))
                          OR replace(coalesce(r.attribution, ''), 'ي', 'ی') LIKE 'خبرگزاری%' END,
                coalesce(r.published_at, r.fetched_at), r.url)) AS release_id
            FROM releases r
            LEFT JOIN (SELECT unnest(?) AS source_id, unnest(?) AS kind) k ON k.source_id = r.source_id
            WHERE r.cluster_id IN (SELECT unnest(?))
            GROUP BY r.cluster_id
        ) AS ranked
        WHERE releases.cluster_id = ranked.cluster_id
        """,
        [_news_agency_ids(), list(kinds), list(kinds.values()), ids],
    )
