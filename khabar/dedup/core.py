"""The streaming matcher without a database: documents, their clusters and the LSH index, in memory.

`Clusterer` (cluster.py) wraps this with DuckDB persistence; the benchmark drives it directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from khabar.dedup import minhash
from khabar.dedup.fingerprint import Fingerprint
from khabar.dedup.index import BandIndex
from khabar.dedup.text import conflicts

# Decision rule, measured on the simulated web's truth (see tests/dedup): an LSH candidate with estimated
# Jaccard ≥ MIN_JACCARD joins unless the guard finds values that differ in a shared context (numbers, dates,
# places, people): none allowed, or one when the texts are otherwise close (a corrected figure). A candidate
# failing the guard vetoes its whole cluster (templated siblings would chain together otherwise).
MIN_JACCARD = 0.30
MAX_CONFLICTS = 1  # one differing figure or date: a release corrected after its copies were made
MIN_JACCARD_WITH_CONFLICT = 0.6
_CHUNK = 65_536


@dataclass
class Match:
    cluster_id: str
    doc: int | None  # the best-matching document, None for a new cluster
    jaccard: float
    exact: bool


class MatchCore:
    """Documents numbered 0..n-1 with 16-bit MinHash values, guard features and a cluster id each."""

    def __init__(self) -> None:
        self.index = BandIndex()
        self.n = 0
        self._sigs: list[np.ndarray] = []  # chunks of (≤ _CHUNK, NUM_PERM) uint16
        self._guards: list[bytes] = []  # per doc sorted little-endian uint64 (bytes: ~80 B less)
        self._cluster_of = np.zeros(0, dtype=np.int32)
        self.cluster_names: list[str] = []
        self._cluster_no: dict[str, int] = {}
        self.release_of: list[str] = []

    # --------------------------------------------------------------------------------------------- storage
    def _sig(self, doc: int) -> np.ndarray:
        return self._sigs[doc // _CHUNK][doc % _CHUNK]

    def cluster(self, doc: int) -> str:
        return self.cluster_names[self._cluster_of[doc]]

    def _cluster_number(self, cluster_id: str) -> int:
        no = self._cluster_no.get(cluster_id)
        if no is None:
            no = self._cluster_no[cluster_id] = len(self.cluster_names)
            self.cluster_names.append(cluster_id)
        return no

    def add(self, fp: Fingerprint, cluster_id: str, release_id: str, *, index: bool = True) -> int:
        """Store one document (and index it unless told not to); returns its number."""
        doc = self.n
        if doc % _CHUNK == 0:
            self._sigs.append(np.zeros((_CHUNK, minhash.NUM_PERM), dtype=np.uint16))
        self._sigs[-1][doc % _CHUNK] = fp.signature.astype(np.uint16)
        self._guards.append(fp.guard.astype("<u8").tobytes())
        if doc >= len(self._cluster_of):
            self._cluster_of = np.resize(self._cluster_of, max(1024, 2 * len(self._cluster_of)))
        self._cluster_of[doc] = self._cluster_number(cluster_id)
        self.release_of.append(release_id)
        self.n += 1
        if index:
            self.index.add(doc, fp.keys)
        return doc

    def add_many(self, sigs: np.ndarray, keys: np.ndarray, guards: list[np.ndarray], clusters: list[str],
                 releases: list[str]) -> None:  # fmt: skip
        """Store and index many documents at once (rebuilding from the database): one sorted segment."""
        first, m = self.n, len(sigs)
        if m == 0:
            return
        sig16 = sigs.astype(np.uint16)
        done = 0
        while done < m:
            pos = (first + done) % _CHUNK
            if pos == 0:
                self._sigs.append(np.zeros((_CHUNK, minhash.NUM_PERM), dtype=np.uint16))
            take = min(_CHUNK - pos, m - done)
            self._sigs[-1][pos : pos + take] = sig16[done : done + take]
            done += take
        self._guards.extend(g.astype("<u8").tobytes() for g in guards)
        numbers = np.array([self._cluster_number(c) for c in clusters], dtype=np.int32)
        need = first + m
        if need > len(self._cluster_of):
            self._cluster_of = np.resize(self._cluster_of, max(1024, 2 * need))
        self._cluster_of[first:need] = numbers
        self.release_of.extend(releases)
        self.n = need
        self.index.bulk_load(np.arange(first, need), keys)

    def truncate(self, n: int) -> None:
        """Forget documents n.. (rollback of a batch that never reached the database)."""
        if n >= self.n:
            return
        self.index.remove_from(n)
        del self._guards[n:]
        del self.release_of[n:]
        self._sigs = self._sigs[: (n + _CHUNK - 1) // _CHUNK] if n else []
        self.n = n

    # --------------------------------------------------------------------------------------------- matching
    def candidates_in_store(self, fps: list[Fingerprint]) -> list[set[int]]:
        if not fps:
            return []
        return self.index.query_segments(np.stack([fp.keys for fp in fps]))

    def match(self, fp: Fingerprint, store_candidates: set[int] | None = None) -> Match | None:
        """The cluster a new document belongs to, or None: exact key first, then MinHash + guard."""
        cands = set(store_candidates or ()) | self.index.query_pending(fp.keys)
        if not cands:
            return None
        sig16 = fp.signature.astype(np.uint16)
        mine = fp.guard.tolist()
        best: dict[int, tuple[float, int, bool]] = {}
        vetoed: set[int] = set()
        for doc in cands:
            other = self._sig(doc)
            j = float(np.count_nonzero(other == sig16)) / minhash.NUM_PERM
            exact = j == 1.0 and self._exact_equal(fp, doc)
            if j < MIN_JACCARD and not exact:
                continue
            cno = int(self._cluster_of[doc])
            if not exact:
                c = conflicts(mine, np.frombuffer(self._guards[doc], dtype="<u8"))
                if c > MAX_CONFLICTS:
                    vetoed.add(cno)
                    continue
                if c and j < MIN_JACCARD_WITH_CONFLICT:
                    continue
            score = 2.0 if exact else j
            if cno not in best or score > best[cno][0]:
                best[cno] = (score, doc, exact)
        ok = {c: v for c, v in best.items() if c not in vetoed or v[2]}
        if not ok:
            return None
        cno, (score, doc, exact) = max(ok.items(), key=lambda kv: (kv[1][0], -kv[1][1]))
        return Match(self.cluster_names[cno], doc, min(score, 1.0), exact)

    def _exact_equal(self, fp: Fingerprint, doc: int) -> bool:
        return self._guards[doc] == fp.guard.astype("<u8").tobytes()
