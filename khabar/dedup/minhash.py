"""MinHash signatures and LSH band keys in numpy, for many documents at once.

Why not datasketch: its per-document Python objects and per-band dict keys cost ~1 KB each, and `MinHash.bulk`
runs ~5,800 docs/s (GUIDE §2); a batch-wide numpy pass over all shingles and integer band keys is cheaper and
its keys fit the sorted-array index in `index.py`.
"""

from __future__ import annotations

import numpy as np

NUM_PERM = 64
BANDS = 21
ROWS = 3
_SEED = 20240321

_rng = np.random.default_rng(_SEED)
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_BAND_MULT = _rng.integers(1, 2**63, size=(BANDS, ROWS), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_A32 = (_A >> np.uint64(32)).astype(np.uint32) | np.uint32(1)
_B32 = (_B >> np.uint64(32)).astype(np.uint32)
_EMPTY = np.uint32(0xFFFFFFFF)


def signatures(shingles: list[np.ndarray], chunk: int = 32_768) -> np.ndarray:
    """(len(shingles), NUM_PERM) uint32 MinHash matrix.

    Permutations are ``x = a·h + b (mod 2³²); x ^= x >> 15`` on the low 32 bits of the (already mixed) shingle
    hashes, computed as one (NUM_PERM × shingles) uint32 matrix per chunk and reduced per document with
    ``minimum.reduceat`` along contiguous rows (64-bit arithmetic was ~30× slower).

    Chunks of ≤ 32k shingles (an 8 MB matrix, reused through ``out=`` buffers) instead of 1M (256 MB, new
    temporaries per operation): B4 batches of 1,000 records went from ~47 to ~20 µs per record (CPU time,
    2 KB records); the values are the same, only the grouping of documents per pass changed.
    """
    n = len(shingles)
    out = np.full((n, NUM_PERM), _EMPTY, dtype=np.uint32)
    lens = np.fromiter(map(len, shingles), dtype=np.int64, count=n)
    nonempty = np.flatnonzero(lens)
    if len(nonempty) == 0:
        return out
    flat = np.concatenate([shingles[d] for d in nonempty]).astype(np.uint32)
    ln = lens[nonempty]
    ends = np.cumsum(ln)
    starts = ends - ln
    width = max(min(chunk, len(flat)), int(ln.max()))
    buf = np.empty((NUM_PERM, width), dtype=np.uint32)
    tmp = np.empty_like(buf)
    a, b = _A32[:, None], _B32[:, None]
    i = 0
    while i < len(nonempty):
        j = max(int(np.searchsorted(ends, starts[i] + chunk, "right")), i + 1)  # documents i..j-1 this pass
        s0, s1 = starts[i], ends[j - 1]
        hv, t = buf[:, : s1 - s0], tmp[:, : s1 - s0]
        with np.errstate(over="ignore"):
            np.multiply(a, flat[None, s0:s1], out=hv)
            hv += b
            np.right_shift(hv, np.uint32(15), out=t)
            hv ^= t
        out[nonempty[i:j]] = np.minimum.reduceat(hv, starts[i:j] - s0, axis=1).T
        i = j
    return out


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """(n, BANDS) uint64 keys; equal key in band b ⇔ (almost surely) equal rows of band b. Band index is mixed in."""
    s = sigs[:, : BANDS * ROWS].reshape(len(sigs), BANDS, ROWS).astype(np.uint64)
    with np.errstate(over="ignore"):
        k = (s * _BAND_MULT[None, :, :]).sum(axis=2, dtype=np.uint64)
        k ^= np.arange(BANDS, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
        k ^= k >> np.uint64(29)
        k *= np.uint64(0xBF58476D1CE4E5B9)
        k ^= k >> np.uint64(32)
    return k


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity from two signatures (share of equal MinHash values)."""
    return float(np.count_nonzero(a == b)) / len(a)
