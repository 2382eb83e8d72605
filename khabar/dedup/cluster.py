"""Streaming near-duplicate clustering of release rows, in memory: dedup decides, the warehouse stores (issue 17).

Call order inside one batch transaction (see `khabar.pipeline.process_batch`; the SQL is in
`khabar.warehouse.clusters`)::

    clusterer = Clusterer.from_signatures(*load_signatures(con))   # once per process: rebuilds the LSH index
    with transaction(con):
        state = cluster_state(con, clusterer.ids_to_load(rows))
        write_assignment(con, clusterer.assign(rows, state))      # sets row.cluster_id / row.version
        write_releases(con, rows)
        refresh_canonical(con, {r.cluster_id for r in rows})
    # on an exception inside the transaction: clusterer.rollback()

Staged design: each `assign` stages its documents in memory. If the transaction rolls back and the caller
forgets `rollback()`, the next `assign` sees in its state that the staged signatures never reached the warehouse
and drops them itself, so the in-memory index never holds documents the database lacks.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from khabar.dedup import minhash
from khabar.dedup.core import WINDOW, Archived, MatchCore, StoreCandidates
from khabar.dedup.fingerprint import Fingerprint, containment_of, fingerprints


class ClusterRow(Protocol):
    """What the clusterer reads from a release row and sets on it (`khabar.warehouse.releases.ReleaseRow`)."""

    record: dict
    canonical_url: str
    content_hash: str | None
    cluster_id: str | None
    version: int

    @property
    def release_id(self) -> str: ...


@dataclass(frozen=True)
class Assignment:
    """One batch's decisions beyond the rows' own ``cluster_id`` and ``version``: the fingerprints of new
    (release, version) pairs, why each sits in its cluster, and the stored versions the batch supersedes. The
    warehouse writes it (`khabar.warehouse.clusters.write_assignment`)."""

    signatures: list[dict[str, Any]] = field(default_factory=list)  # rows of dedup_signatures
    evidence: list[dict[str, Any]] = field(default_factory=list)  # rows of dedup_evidence
    superseded: list[tuple[str, int]] = field(default_factory=list)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def new_cluster_id(release_id: str) -> str:
    """A cluster is named after the release that founded it: stable, and readable next to release ids."""
    return "c-" + release_id[:16]


def _clusterable(row: ClusterRow) -> bool:
    rec = row.record
    return bool(rec.get("is_article", True)) and bool(rec.get("body") or rec.get("title"))


class Clusterer:
    """Assigns cluster ids and versions to release rows; keeps an LSH index of every fingerprinted release."""

    def __init__(self, window: int | None = WINDOW) -> None:
        self.core = MatchCore(window)
        self._checkpoint = 0
        self._staged: list[tuple[str, int]] = []
        self._beyond_window = False  # stored fingerprints exist that the in-memory index does not hold
        self._prepared: tuple[tuple[dict, ...], dict[int, Fingerprint]] | None = None

    # ------------------------------------------------------------------------------------------ start-up
    @classmethod
    def from_signatures(
        cls,
        tbl: pa.Table,
        texts: Mapping[tuple[str, int], Mapping[str, Any]] | None = None,
        stored: int | None = None,
        *,
        window: int | None = WINDOW,
    ) -> Clusterer:
        """Rebuild the index from stored signatures (`khabar.warehouse.clusters.load_signatures`: columns
        release_id, version, cluster_id, exact_key, minhash, guard, contain, oldest first; the newest `window`
        of them); `texts` holds the (release, version) → {title, lead, body} of rows stored without a
        containment sample; `stored` counts every stored signature (more than loaded: the older ones are
        matched by exact key only, through `exact_keys_to_load`)."""
        self = cls(window)
        n = tbl.num_rows
        self._beyond_window = stored is not None and stored > n
        if not n:
            return self
        sig_bytes = b"".join(tbl.column("minhash").to_pylist())
        sigs = np.frombuffer(sig_bytes, dtype="<u4").reshape(n, minhash.NUM_PERM)
        exact = np.array(tbl.column("exact_key").to_pylist(), dtype=np.int64).astype(np.uint64)
        keys = np.concatenate([minhash.band_keys(sigs), _exact_band(exact)[:, None]], axis=1)
        guards = [np.frombuffer(g or b"", dtype="<u8") for g in tbl.column("guard").to_pylist()]
        samples = _samples(tbl, texts or {})
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

    def exact_keys_to_load(self, rows: Sequence[ClusterRow]) -> list[int]:
        """The exact keys of the batch's records whose stored fingerprints outside the in-memory window the next
        `assign` needs (`khabar.warehouse.candidates.stored_exact`); none while every stored fingerprint is in
        memory. Fingerprints the rows once for both calls."""
        if not (self._beyond_window or self.core.first):
            return []
        return sorted({fp.exact for fp in self._fingerprints(rows).values()})

    def _fingerprints(self, rows: Sequence[ClusterRow]) -> dict[int, Fingerprint]:
        """Row position → fingerprint of the clusterable rows (cached for the same row objects)."""
        ident = tuple(r.record for r in rows)  # the objects themselves: held, their ids cannot be reused
        prev = self._prepared
        if prev is not None and len(prev[0]) == len(ident) and all(map(operator.is_, prev[0], ident)):
            return prev[1]
        todo = [i for i, r in enumerate(rows) if _clusterable(r)]
        fps = dict(zip(todo, fingerprints([rows[i].record for i in todo]), strict=True))
        self._prepared = (ident, fps)
        return fps

    def ids_to_load(self, rows: Sequence[ClusterRow]) -> list[str]:
        """The releases whose stored state the next `assign` needs: the batch's, and the previous batch's (to
        confirm it committed)."""
        return sorted({r.release_id for r in rows} | {r for r, _ in self._staged})

    def _settle(self, fingerprinted: Collection[tuple[str, int]]) -> None:
        """Confirm the previous batch committed; otherwise drop it from memory (auto-rollback)."""
        if self._staged and not all(key in fingerprinted for key in self._staged):
            self.rollback()
        self._staged = []
        self._checkpoint = self.core.n
        self.core.flush()

    def assign(
        self,
        rows: Sequence[ClusterRow],
        state: tuple[
            Mapping[str, tuple[str | None, str | None, int]],
            Collection[tuple[str, int]],
        ],
        *,
        now: datetime | None = None,
        archived: Mapping[int, Sequence[tuple[str, str, bytes, bytes]]] | None = None,
    ) -> Assignment:
        """Set ``cluster_id`` and ``version`` of every row (in order, each matched against all earlier
        releases and earlier rows of this batch) and return the fingerprints and superseded versions to store.

        `state` is (stored, fingerprinted) for `ids_to_load(rows)` (`khabar.warehouse.clusters.cluster_state`):
        release → (cluster, content hash, version) as the warehouse holds it, and the (release, version)
        pairs that have a fingerprint there. `archived`: exact key → stored (cluster, release, minhash, guard),
        oldest first, for `exact_keys_to_load(rows)` (`khabar.warehouse.candidates.stored_exact`)."""
        stored, fingerprinted_before = state
        self._settle(fingerprinted_before)
        now = now or datetime.now(UTC)
        if not rows:
            return Assignment(at=now)
        fingerprinted = set(fingerprinted_before)
        fps = self._fingerprints(rows)
        self._prepared = None
        fresh = [i for i in fps if rows[i].release_id not in stored]
        store_cands = dict(zip(fresh, self.core.candidates_in_store([fps[i] for i in fresh]), strict=True))
        for i, cands in store_cands.items():
            _attach_archived(cands, (archived or {}).get(fps[i].exact, ()))
        current: dict[str, tuple[str | None, str | None, int]] = dict(stored)
        superseded: list[tuple[str, int]] = []
        sig_rows: dict[tuple[str, int], dict] = {}
        evidence: dict[tuple[str, int], dict] = {}
        for i, row in enumerate(rows):
            rid = row.release_id
            prev = current.get(rid)
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
                    matched_to, sim = (
                        m.release or (self.core.release(m.doc) if m.doc is not None else None),
                        m.jaccard,
                    )
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
            current[rid] = (row.cluster_id, row.content_hash, row.version)
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
        return Assignment(list(sig_rows.values()), list(evidence.values()), superseded, now)


def _samples(tbl: pa.Table, texts: Mapping[tuple[str, int], Mapping[str, Any]]) -> list[np.ndarray]:
    """Containment samples of stored signatures; rows fingerprinted before they existed (null) get theirs from
    the stored release text, so an upgraded warehouse matches briefs of its old releases too."""
    raw = tbl.column("contain").to_pylist()
    out = [np.frombuffer(x, dtype="<u4") if x is not None else None for x in raw]
    missing = [i for i, x in enumerate(out) if x is None]
    if missing:
        rids, versions = tbl.column("release_id").to_pylist(), tbl.column("version").to_pylist()
        recs = [dict(texts.get((rids[i], versions[i]), {})) for i in missing]
        for i, sample in zip(missing, containment_of(recs), strict=True):
            out[i] = sample
    return [x if x is not None else np.zeros(0, dtype=np.uint32) for x in out]


def _attach_archived(cands: StoreCandidates, rows: Sequence[tuple[str, str, bytes, bytes]]) -> None:
    cands.archived = [Archived(c, r, sig, guard) for c, r, sig, guard in rows]


def _exact_band(exact: np.ndarray) -> np.ndarray:
    from khabar.dedup.fingerprint import _EXACT_SALT

    with np.errstate(over="ignore"):
        return exact.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ _EXACT_SALT
