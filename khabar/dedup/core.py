"""The streaming matcher without a database: documents, their clusters and the LSH index, in memory.

`Clusterer` (cluster.py) wraps this for the pipeline's batches (state loaded and assignments stored by
`khabar.warehouse.clusters`); the benchmark drives it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from khabar.dedup import minhash
from khabar.dedup.fingerprint import Fingerprint
from khabar.dedup.index import BandIndex
from khabar.dedup.text import GuardCheck, guard_check

# Decision rule, measured on the simulated web's truth (see tests/dedup): an LSH candidate with estimated
# Jaccard ≥ MIN_JACCARD joins unless the guard (`text.guard_check`) finds another place, date or person (never
# allowed) or figures that differ in a shared context: none, or one when the texts are otherwise close (a
# corrected figure). Per candidate cluster its most similar member decides; failing, it vetoes the cluster
# (templated siblings would chain together otherwise).
MIN_JACCARD = 0.30
MAX_CONFLICTS = 1  # one differing figure: a release corrected after its copies were made
MIN_JACCARD_WITH_CONFLICT = 0.8  # 0.6 let a re-issue for another place with a figure in words join
# Containment (a brief, a trimmed copy, a copy with paragraphs dropped: a subset of its release, or the release
# a subset of a longer copy): the share of one record's sampled character shingles found in the other. Candidates
# come from the shingle → document index on rare shingles only; the guard must then find nothing at all.
MIN_CONTAINMENT = 0.85
AMBIGUOUS = 0.05  # contained as well in another cluster's record: a brief of either, joined to neither
MIN_SHARED = 3  # sampled shingles in common (~50 characters of text at 1 in 16)
RARE_CAP = 16  # a sampled shingle in more documents than this (in one index segment) is boilerplate
TOP_CANDIDATES = 6
# A copy adds nothing of substance: one of the two records is (nearly) contained in the other. A MinHash match
# where neither is (a brief and a follow-up story that quotes its opening paragraph, Jaccard 0.33-0.41 in B11)
# is two stories; so is a record that holds the other and ten times as much of its own (a story quoting a brief).
MIN_COVER = 0.6
MIN_OTHER_SHARE = 0.0
_CHUNK = 65_536


@dataclass
class Match:
    cluster_id: str
    doc: int | None  # the best-matching document, None for a new cluster
    jaccard: float
    exact: bool
    signal: str = "minhash"  # exact | minhash | containment
    containment: float | None = None  # share of this record's sampled shingles found in ``doc``
    containment_rev: float | None = None  # share of ``doc``'s found in this record
    guard: GuardCheck | None = None


@dataclass
class StoreCandidates:
    """What the stored index segments offer one record: LSH band candidates and, for the stored documents that
    pass the containment pre-filter, the rare shingles shared with each."""

    bands: set[int] = field(default_factory=set)
    shared: dict[int, int] = field(default_factory=dict)


class MatchCore:
    """Documents numbered 0..n-1 with 16-bit MinHash values, guard features and a cluster id each."""

    def __init__(self) -> None:
        self.index = BandIndex()
        self.cindex = BandIndex()  # sampled character shingle → documents (containment candidates)
        self._samples: list[bytes] = []  # per doc sorted little-endian uint32 containment sample
        self._sample_nbytes = np.zeros(0, dtype=np.int64)  # len(self._samples[doc]), for the batch pre-filter
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
        self._samples.append(fp.sample.astype("<u4").tobytes())
        if doc >= len(self._cluster_of):
            self._cluster_of = np.resize(self._cluster_of, max(1024, 2 * len(self._cluster_of)))
        self._cluster_of[doc] = self._cluster_number(cluster_id)
        if doc >= len(self._sample_nbytes):
            self._sample_nbytes = np.resize(self._sample_nbytes, max(1024, 2 * len(self._sample_nbytes)))
        self._sample_nbytes[doc] = len(self._samples[-1])
        self.release_of.append(release_id)
        self.n += 1
        if index:
            self.index.add(doc, fp.keys)
            if len(fp.sample):
                self.cindex.add(doc, fp.sample.astype(np.uint64))
        return doc

    def flush(self, force: bool = False) -> None:
        """Turn the pending entries of both indexes into sorted segments when large (see `BandIndex.flush`)."""
        self.index.flush(force)
        self.cindex.flush(force)

    def add_many(
        self,
        sigs: np.ndarray,
        keys: np.ndarray,
        guards: list[np.ndarray],
        clusters: list[str],
        releases: list[str],
        samples: list[np.ndarray] | None = None,
    ) -> None:
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
        samples = samples if samples is not None else [np.zeros(0, dtype=np.uint32)] * m
        self._samples.extend(x.astype("<u4").tobytes() for x in samples)
        numbers = np.array([self._cluster_number(c) for c in clusters], dtype=np.int32)
        need = first + m
        if need > len(self._cluster_of):
            self._cluster_of = np.resize(self._cluster_of, max(1024, 2 * need))
        self._cluster_of[first:need] = numbers
        if need > len(self._sample_nbytes):
            self._sample_nbytes = np.resize(self._sample_nbytes, max(1024, 2 * need))
        self._sample_nbytes[first:need] = [len(x) for x in self._samples[first:need]]
        self.release_of.extend(releases)
        self.n = need
        self.index.bulk_load(np.arange(first, need), keys)
        lens = [len(x) for x in samples]
        if sum(lens):
            docs = np.repeat(np.arange(first, need, dtype=np.int32), lens)
            self.cindex.bulk_load_flat(docs, np.concatenate(samples).astype(np.uint64))

    def truncate(self, n: int) -> None:
        """Forget documents n.. (rollback of a batch that never reached the database)."""
        if n >= self.n:
            return
        self.index.remove_from(n)
        self.cindex.remove_from(n)
        del self._guards[n:]
        del self._samples[n:]
        del self.release_of[n:]
        self._sigs = self._sigs[: (n + _CHUNK - 1) // _CHUNK] if n else []
        self.n = n

    # --------------------------------------------------------------------------------------------- matching
    def candidates_in_store(self, fps: list[Fingerprint]) -> list[StoreCandidates]:
        if not fps:
            return []
        bands = self.index.query_segments(np.stack([fp.keys for fp in fps]))
        rows = [fp.sample for fp in fps]
        shared: list[dict[int, int]] = [{} for _ in fps]
        pair, k = self.cindex.pair_counts(rows, RARE_CAP)
        if len(pair):
            # `_match_containment`'s counted-share filter, for the whole batch in numpy (the same float
            # divisions and comparisons): stored documents are never pending, so filtering them apart changes
            # no candidate. Why: a dict entry per shared rare shingle pair; store candidates 0.91 → 0.50 s CPU
            # at B4 20k (with sorted searches, `index._by_key`).
            row, doc = pair >> 32, pair & 0xFFFFFFFF
            n_mine = np.array([len(r) for r in rows], dtype=np.int64)[row]
            share = np.maximum(k / n_mine, 4 * k / np.maximum(4, self._sample_nbytes[doc]))
            ok = np.flatnonzero((k >= MIN_SHARED) & (share >= MIN_CONTAINMENT - 0.15))
            for p, c in zip(pair[ok].tolist(), k[ok].tolist(), strict=True):
                shared[p >> 32][p & 0xFFFFFFFF] = c
        return [StoreCandidates(b, c) for b, c in zip(bands, shared, strict=True)]

    def _sample(self, doc: int) -> np.ndarray:
        return np.frombuffer(self._samples[doc], dtype="<u4")

    def match(
        self, fp: Fingerprint, store_candidates: StoreCandidates | set[int] | None = None
    ) -> Match | None:
        """The cluster a new document belongs to, or None: exact key first, then MinHash + guard, then
        containment + a guard that finds nothing."""
        if isinstance(store_candidates, StoreCandidates):
            store_bands, store_shared = store_candidates.bands, store_candidates.shared
        else:
            store_bands, store_shared = set(store_candidates or ()), {}
        cands = store_bands | self.index.query_pending(fp.keys)
        vetoed: set[int] = set()
        if cands:
            m = self._match_bands(fp, cands, vetoed)
            if m is not None:
                return m
        return self._match_containment(fp, store_shared, vetoed)

    def _match_bands(self, fp: Fingerprint, cands: set[int], vetoed: set[int]) -> Match | None:
        """Per candidate cluster, its most similar member decides: it joins when the guard passes, and vetoes
        the cluster when it fails (a templated sibling's closest record is its sibling; a copy's closest is the
        release or a fuller copy, even when a copy that dropped other paragraphs disagrees about a place)."""
        sig16 = fp.signature.astype(np.uint16)
        mine = fp.guard.tolist()
        top: dict[int, tuple[float, int]] = {}  # cluster → (best Jaccard, doc)
        exact_hit: dict[int, int] = {}
        for doc in cands:
            j = float(np.count_nonzero(self._sig(doc) == sig16)) / minhash.NUM_PERM
            if j == 1.0 and self._exact_equal(fp, doc):
                exact_hit.setdefault(int(self._cluster_of[doc]), doc)
                continue
            if j < MIN_JACCARD:
                continue
            cno = int(self._cluster_of[doc])
            if cno not in top or (j, -doc) > (top[cno][0], -top[cno][1]):
                top[cno] = (j, doc)
        if exact_hit:
            cno, doc = min(exact_hit.items(), key=lambda kv: kv[1])
            return Match(self.cluster_names[cno], doc, 1.0, True, "exact")
        best: tuple[float, int, int, GuardCheck] | None = None
        for cno, (j, doc) in top.items():
            ca, cb = self._shares(fp.sample, doc)
            if ca is not None and cb is not None and not _copy_shape(ca, cb):
                continue
            g = guard_check(mine, np.frombuffer(self._guards[doc], dtype="<u8"), ca, cb)
            if g.hard or g.figures > MAX_CONFLICTS:
                vetoed.add(cno)
                continue
            if g.figures and j < MIN_JACCARD_WITH_CONFLICT:
                continue
            if best is None or (j, -doc) > (best[0], -best[1]):
                best = (j, doc, cno, g)
        if best is None:
            return None
        j, doc, cno, g = best
        return Match(self.cluster_names[cno], doc, j, False, "minhash", guard=g)

    def _match_containment(
        self, fp: Fingerprint, store_shared: dict[int, int], vetoed: set[int]
    ) -> Match | None:
        mine = fp.sample
        if len(mine) < MIN_SHARED:
            return None
        shared = dict(store_shared)
        for d, k in self.cindex.count_pending(mine.astype(np.uint64), RARE_CAP).items():
            shared[d] = shared.get(d, 0) + k
        n_mine = len(mine)
        samples = self._samples
        # counted shares first (rare shingles only: a lower bound, 15 points of slack), exact ones for the best
        top = sorted(
            (
                d
                for d, k in shared.items()
                if k >= MIN_SHARED
                and max(k / n_mine, 4 * k / max(4, len(samples[d]))) >= MIN_CONTAINMENT - 0.15
            ),
            key=lambda d: (-shared[d], d),
        )
        best: tuple[float, int, float, float, GuardCheck] | None = None
        per_cluster: dict[int, float] = {}
        guard = fp.guard.tolist()
        sig16 = fp.signature.astype(np.uint16)
        for doc in top[:TOP_CANDIDATES]:
            cno = int(self._cluster_of[doc])
            if cno in vetoed:
                continue
            other = self._sample(doc)
            inter = int(np.intersect1d(mine, other, assume_unique=True).size)
            if inter < MIN_SHARED:
                continue
            c, c_rev = inter / len(mine), inter / max(1, len(other))
            if max(c, c_rev) < MIN_CONTAINMENT or min(c, c_rev) < MIN_OTHER_SHARE:
                continue
            g = guard_check(guard, np.frombuffer(self._guards[doc], dtype="<u8"), c, c_rev)
            if g.hard or g.figures:
                vetoed.add(cno)
                continue
            score = max(c, c_rev)
            per_cluster[cno] = max(score, per_cluster.get(cno, 0.0))
            if best is None or score > best[0]:
                best = (score, doc, c, c_rev, g)
        if best is None or int(self._cluster_of[best[1]]) in vetoed:
            return None
        cno = int(self._cluster_of[best[1]])
        if any(c != cno and c not in vetoed and v >= best[0] - AMBIGUOUS for c, v in per_cluster.items()):
            return None
        _, doc, c, c_rev, g = best
        j = float(np.count_nonzero(self._sig(doc) == sig16)) / minhash.NUM_PERM
        return Match(self.cluster(doc), doc, j, False, "containment", round(c, 4), round(c_rev, 4), g)

    def _shares(self, mine: np.ndarray, doc: int) -> tuple[float | None, float | None]:
        """(share of ``mine`` found in ``doc``'s sample, the reverse); None for an empty sample."""
        other = self._sample(doc)
        if len(mine) < MIN_SHARED or len(other) < MIN_SHARED:
            return None, None
        inter = int(np.intersect1d(mine, other, assume_unique=True).size)
        return inter / len(mine), inter / len(other)

    def _exact_equal(self, fp: Fingerprint, doc: int) -> bool:
        return self._guards[doc] == fp.guard.astype("<u8").tobytes()


def _copy_shape(ca: float, cb: float) -> bool:
    """One record (nearly) contained in the other, and not a sliver of it (see `MIN_COVER`)."""
    return max(ca, cb) >= MIN_COVER and min(ca, cb) >= MIN_OTHER_SHARE
