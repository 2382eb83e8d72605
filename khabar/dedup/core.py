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
# Bounded index (issue 21): near-duplicate candidates (LSH bands, containment shingles) come from the newest
# WINDOW documents only; an older one leaves memory (its signature, guard, sample and index keys) and stays
# reachable by its exact key, which the warehouse answers per batch (`khabar.warehouse.candidates`). Eviction runs
# at a flush once EVICT_SLACK more have arrived, so it is rare and each pass costs O(WINDOW). Measured on the
# simulated web (bench/b2_end_to_end.py --phases, `LAG_SQL`): see the README's B2 row for how late copies come.
WINDOW = 100_000
EVICT_SLACK = 0.25


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
    release: str | None = None  # the matched release when ``doc`` left the in-memory window (exact key only)


@dataclass(frozen=True)
class Archived:
    """A stored fingerprint outside the in-memory window with a record's exact key (from the warehouse)."""

    cluster_id: str
    release_id: str
    signature: bytes  # little-endian uint32 MinHash values, as stored
    guard: bytes  # little-endian uint64 guard features, as stored


@dataclass
class StoreCandidates:
    """What the stored index segments offer one record: LSH band candidates and, for the stored documents that
    pass the containment pre-filter, the rare shingles shared with each; and the stored fingerprints outside
    the window that share its exact key (oldest first)."""

    bands: set[int] = field(default_factory=set)
    shared: dict[int, int] = field(default_factory=dict)
    archived: list[Archived] = field(default_factory=list)


class MatchCore:
    """Documents numbered 0..n-1 with 16-bit MinHash values, guard features and a cluster id each; those
    numbered ``first``..n-1 are in memory (``window``: how many are kept; None keeps all)."""

    def __init__(self, window: int | None = None) -> None:
        self.window = window
        self.first = 0  # documents below this number were evicted: their rows are gone from every array below
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
        i = doc - self.first
        return self._sigs[i // _CHUNK][i % _CHUNK]

    def cluster(self, doc: int) -> str:
        return self.cluster_names[self._cluster_of[doc - self.first]]

    def release(self, doc: int) -> str:
        return self.release_of[doc - self.first]

    def _cluster_number(self, cluster_id: str) -> int:
        no = self._cluster_no.get(cluster_id)
        if no is None:
            no = self._cluster_no[cluster_id] = len(self.cluster_names)
            self.cluster_names.append(cluster_id)
        return no

    def add(self, fp: Fingerprint, cluster_id: str, release_id: str, *, index: bool = True) -> int:
        """Store one document (and index it unless told not to); returns its number."""
        doc = self.n
        i = doc - self.first
        if i % _CHUNK == 0:
            self._sigs.append(np.zeros((_CHUNK, minhash.NUM_PERM), dtype=np.uint16))
        self._sigs[-1][i % _CHUNK] = fp.signature.astype(np.uint16)
        self._guards.append(fp.guard.astype("<u8").tobytes())
        self._samples.append(fp.sample.astype("<u4").tobytes())
        if i >= len(self._cluster_of):
            self._cluster_of = np.resize(self._cluster_of, max(1024, 2 * len(self._cluster_of)))
        self._cluster_of[i] = self._cluster_number(cluster_id)
        if i >= len(self._sample_nbytes):
            self._sample_nbytes = np.resize(self._sample_nbytes, max(1024, 2 * len(self._sample_nbytes)))
        self._sample_nbytes[i] = len(self._samples[-1])
        self.release_of.append(release_id)
        self.n += 1
        if index:
            self.index.add(doc, fp.keys)
            if len(fp.sample):
                self.cindex.add(doc, fp.sample.astype(np.uint64))
        return doc

    def flush(self, force: bool = False) -> None:
        """Turn the pending entries of both indexes into sorted segments when large (see `BandIndex.flush`),
        and evict the documents past the window once enough have arrived."""
        self.index.flush(force)
        self.cindex.flush(force)
        if self.window is not None and self.n - self.first > self.window * (1 + EVICT_SLACK):
            self.evict(self.n - self.window)

    def evict(self, first: int) -> None:
        """Forget documents below ``first`` (they stay in the warehouse, reachable by their exact key): their
        index keys, signatures, guards, samples, and the cluster names no kept document uses."""
        if first <= self.first:
            return
        first = min(first, self.n)
        self.index.flush(True)
        self.cindex.flush(True)
        self.index.drop_below(first)
        self.cindex.drop_below(first)
        k = first - self.first
        live = self.n - first
        sigs = np.concatenate(self._sigs)[k : k + live]
        self._sigs = []  # whole chunks again, the kept rows first (`add` fills the last one)
        for s in range(0, live, _CHUNK):
            chunk = np.zeros((_CHUNK, minhash.NUM_PERM), dtype=np.uint16)
            part = sigs[s : s + _CHUNK]
            chunk[: len(part)] = part
            self._sigs.append(chunk)
        del self._guards[:k]
        del self._samples[:k]
        del self.release_of[:k]
        kept = self._cluster_of[k : k + live]
        used, renumbered = np.unique(kept, return_inverse=True)
        self.cluster_names = [self.cluster_names[c] for c in used.tolist()]
        self._cluster_no = {c: i for i, c in enumerate(self.cluster_names)}
        self._cluster_of = np.zeros(max(1024, 2 * live), dtype=np.int32)
        self._cluster_of[:live] = renumbered
        nbytes = np.zeros(max(1024, 2 * live), dtype=np.int64)
        nbytes[:live] = self._sample_nbytes[k : k + live]
        self._sample_nbytes = nbytes
        self.first = first

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
            pos = (first - self.first + done) % _CHUNK
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
        lo, hi = first - self.first, need - self.first  # rows of the arrays (documents minus the evicted)
        if hi > len(self._cluster_of):
            self._cluster_of = np.resize(self._cluster_of, max(1024, 2 * hi))
        self._cluster_of[lo:hi] = numbers
        if hi > len(self._sample_nbytes):
            self._sample_nbytes = np.resize(self._sample_nbytes, max(1024, 2 * hi))
        self._sample_nbytes[lo:hi] = [len(x) for x in self._samples[lo:hi]]
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
        if n < self.first:
            raise ValueError(f"cannot truncate to {n}: documents below {self.first} were evicted")
        self.index.remove_from(n)
        self.cindex.remove_from(n)
        i = n - self.first
        del self._guards[i:]
        del self._samples[i:]
        del self.release_of[i:]
        self._sigs = self._sigs[: (i + _CHUNK - 1) // _CHUNK] if i else []
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
            share = np.maximum(k / n_mine, 4 * k / np.maximum(4, self._sample_nbytes[doc - self.first]))
            ok = np.flatnonzero((k >= MIN_SHARED) & (share >= MIN_CONTAINMENT - 0.15))
            for p, c in zip(pair[ok].tolist(), k[ok].tolist(), strict=True):
                shared[p >> 32][p & 0xFFFFFFFF] = c
        return [StoreCandidates(b, c) for b, c in zip(bands, shared, strict=True)]

    def _sample(self, doc: int) -> np.ndarray:
        return np.frombuffer(self._samples[doc - self.first], dtype="<u4")

    def match(
        self, fp: Fingerprint, store_candidates: StoreCandidates | set[int] | None = None
    ) -> Match | None:
        """The cluster a new document belongs to, or None: exact key first, then MinHash + guard, then
        containment + a guard that finds nothing."""
        archived: list[Archived] = []
        if isinstance(store_candidates, StoreCandidates):
            store_bands, store_shared = store_candidates.bands, store_candidates.shared
            archived = store_candidates.archived
        else:
            store_bands, store_shared = set(store_candidates or ()), {}
        if archived:  # older than every document in memory: its exact duplicate comes first, as there
            m = self._match_archived(fp, archived)
            if m is not None:
                return m
        cands = store_bands | self.index.query_pending(fp.keys)
        vetoed: set[int] = set()
        if cands:
            m = self._match_bands(fp, cands, vetoed)
            if m is not None:
                return m
        return self._match_containment(fp, store_shared, vetoed)

    def _match_archived(self, fp: Fingerprint, archived: list[Archived]) -> Match | None:
        """An exact duplicate of a release outside the window: the test `_match_bands` applies to documents in
        memory (equal 16-bit MinHash values, equal guard features), on the stored bytes."""
        sig16 = fp.signature.astype(np.uint16)
        guard = fp.guard.astype("<u8").tobytes()
        for a in archived:
            if a.guard == guard and np.array_equal(
                np.frombuffer(a.signature, dtype="<u4").astype(np.uint16), sig16
            ):
                return Match(a.cluster_id, None, 1.0, True, "exact", release=a.release_id)
        return None

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
                exact_hit.setdefault(int(self._cluster_of[doc - self.first]), doc)
                continue
            if j < MIN_JACCARD:
                continue
            cno = int(self._cluster_of[doc - self.first])
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
            g = guard_check(mine, np.frombuffer(self._guards[doc - self.first], dtype="<u8"), ca, cb)
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
                and max(k / n_mine, 4 * k / max(4, len(samples[d - self.first]))) >= MIN_CONTAINMENT - 0.15
            ),
            key=lambda d: (-shared[d], d),
        )
        best: tuple[float, int, float, float, GuardCheck] | None = None
        per_cluster: dict[int, float] = {}
        guard = fp.guard.tolist()
        sig16 = fp.signature.astype(np.uint16)
        for doc in top[:TOP_CANDIDATES]:
            cno = int(self._cluster_of[doc - self.first])
            if cno in vetoed:
                continue
            other = self._sample(doc)
            inter = int(np.intersect1d(mine, other, assume_unique=True).size)
            if inter < MIN_SHARED:
                continue
            c, c_rev = inter / len(mine), inter / max(1, len(other))
            if max(c, c_rev) < MIN_CONTAINMENT or min(c, c_rev) < MIN_OTHER_SHARE:
                continue
            g = guard_check(guard, np.frombuffer(self._guards[doc - self.first], dtype="<u8"), c, c_rev)
            if g.hard or g.figures:
                vetoed.add(cno)
                continue
            score = max(c, c_rev)
            per_cluster[cno] = max(score, per_cluster.get(cno, 0.0))
            if best is None or score > best[0]:
                best = (score, doc, c, c_rev, g)
        if best is None or int(self._cluster_of[best[1] - self.first]) in vetoed:
            return None
        cno = int(self._cluster_of[best[1] - self.first])
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
        return self._guards[doc - self.first] == fp.guard.astype("<u8").tobytes()


def _copy_shape(ca: float, cb: float) -> bool:
    """One record (nearly) contained in the other, and not a sliver of it (see `MIN_COVER`)."""
    return max(ca, cb) >= MIN_COVER and min(ca, cb) >= MIN_OTHER_SHARE
