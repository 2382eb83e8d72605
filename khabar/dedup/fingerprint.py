"""Fingerprints of records: MinHash signature, LSH band keys, exact-text key and hard-negative guard features."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress

import numpy as np

from khabar.dedup import minhash
from khabar.dedup.text import (
    _MULT,
    _VALS,
    BREAK,
    F_BREAK,
    F_DIGIT,
    F_MARK,
    F_SEP,
    F_SLOT,
    SEP,
    _mix,
    _new_vals,
    batch_tokens,
    exact_key,
    guard_features,
    person_features,
    shingle_hashes,
    token_ids,
    tokens,
    tokens_with_breaks,
)

SHINGLE = 4  # word 4-shingles: measured on truth, copies keep more 4- than 5-shingles under edits
_EXACT_SALT = np.uint64(0xA5A5_5A5A_C3C3_3C3C)
_MASK63 = (1 << 63) - 1
_SEP_BYTES = SEP.encode()


@dataclass
class Fingerprint:
    signature: np.ndarray  # (NUM_PERM,) uint32
    keys: np.ndarray  # (BANDS + 1,) uint64: LSH band keys, then the exact-text key
    exact: int
    guard: np.ndarray  # sorted uint64 (context << 32 | value)
    n_shingles: int


def _parts(record: dict) -> tuple[list[str], list[str]]:
    """All tokens (title, lead, body) for shingles; lead and body tokens with line breaks for the guard
    (titles are rewritten by republishers and decorated with «+ تصاویر»: they would only add false conflicts)."""
    body = tokens_with_breaks("\n".join(x for x in (record.get("lead"), record.get("body")) if x))
    flat = tokens(record.get("title") or "") + [t for t in body if t != BREAK]
    return flat, body


def _fingerprints_slow(records: Sequence[dict]) -> list[Fingerprint]:
    """The per-record reference path (also the fallback when `batch_tokens` declines a batch)."""
    parts = [_parts(r) for r in records]
    shingles = [shingle_hashes(token_ids(flat), SHINGLE) for flat, _ in parts]
    sigs = minhash.signatures(shingles)
    keys = minhash.band_keys(sigs)
    out = []
    for i, ((flat, body), rec) in enumerate(zip(parts, records, strict=True)):
        ex = exact_key(flat)
        with np.errstate(over="ignore"):
            ek = np.uint64(ex) * np.uint64(0x9E3779B97F4A7C15) ^ _EXACT_SALT
        out.append(Fingerprint(sigs[i], np.append(keys[i], ek), ex,
                               guard_features(body, rec.get("persons")), len(shingles[i])))  # fmt: skip
    return out


_LOW32 = 0xFFFFFFFF
_CTX_MUL = np.array([0, 1, 2, 3, 4], dtype=np.uint64) * np.uint64(0xC2B2AE3D)


def _guards(
    toks: list[str], vals: list[int], marks: list[int], docs: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """`guard_features` (without persons) of every body in the batch token stream: one loop over the marked
    tokens only (`vals` carry id and class; the two `SEP` tokens around each text read as `BREAK`), the
    context hashes (`_ctx`) then in numpy for the whole batch — as Python integers they went through 96-bit
    products and cost ~1 µs per feature (~55 features per record). Returns (record, feature) arrays."""
    ra: list[int] = []  # per feature: record << 3 | kind, the two context ids and the value
    ca: list[int] = []
    cb: list[int] = []
    va: list[int] = []
    low = _LOW32
    done = -1
    for i, d in zip(marks, docs, strict=True):
        if i <= done:
            continue
        v = vals[i]
        if not v & F_SLOT:  # a cue word: the next word names a place or a person
            nv = vals[i + 1]
            if not nv & (F_SLOT | F_BREAK):
                ra.append(d << 3 | 1)
                ca.append(vals[i - 1] & low)
                cb.append(v & low)
                va.append(nv & low)
            continue
        # a run of numbers and date words: one value, context from the nearest words outside the run
        j = i
        digit = v & F_DIGIT
        while vals[j + 1] & F_SLOT:
            j += 1
            digit |= vals[j] & F_DIGIT
        done = j
        if digit:
            val = v & low if i == j else zlib.crc32(" ".join(toks[i : j + 1]).encode())
            a1, b1 = vals[i - 1] & low, vals[j + 1] & low
            d8 = d << 3
            ra += (d8 | 2, d8 | 3, d8 | 4)
            ca += (a1, vals[i - 2] & low, b1)
            cb += (b1, a1, vals[j + 2] & low)
            va += (val, val, val)
    rk = np.array(ra, dtype=np.int64)
    a = np.array(ca, dtype=np.uint64)
    with np.errstate(over="ignore"):
        ctx = ((a * np.uint64(0x9E3779B1) ^ np.array(cb, dtype=np.uint64)) * np.uint64(0x85EBCA77)
               + _CTX_MUL[rk & 7]) >> np.uint64(7) & np.uint64(low)  # fmt: skip
    return rk >> 3, ctx << np.uint64(32) | np.array(va, dtype=np.uint64)


def fingerprints(records: Sequence[dict]) -> list[Fingerprint]:
    """Fingerprints of many records at once: one tokenising pass, one shingle pass and one numpy MinHash pass
    for the whole batch. Bit-identical to `_fingerprints_slow` (the per-record functions of `text.py`)."""
    n = len(records)
    if n == 0:
        return []
    titles = [r.get("title") or "" for r in records]
    bodies = ["\n".join(x for x in (r.get("lead"), r.get("body")) if x) for r in records]
    toks = batch_tokens(titles, bodies)
    if toks is None:
        return _fingerprints_slow(records)
    vals = list(map(_VALS.__getitem__, toks))
    if len(_VALS) > 2_000_000:
        _VALS.clear()
        _VALS.update(_new_vals())
    arr = np.array(vals, dtype=np.uint64)
    flags = arr >> np.uint64(32)
    sep = (flags & np.uint64(F_SEP >> 32)) != 0
    csum = np.cumsum(sep)
    seg = csum >> 1  # text number: titles 0..n-1, then bodies n..2n-1
    is_body = seg >= n
    keep = ~sep & ~(is_body & ((flags & np.uint64(F_BREAK >> 32)) != 0))
    # exact keys: " ".join(title tokens + body tokens without BREAK) per record (one SEP kept after each text)
    pieces = " ".join(compress(toks, (keep | (sep & ((csum & 1) == 1))).tolist())).encode().split(_SEP_BYTES)
    exact = []
    for t, b in zip(pieces[:n], pieces[n : 2 * n], strict=True):
        t, b = t.strip(b" "), b.strip(b" ")
        p = t + b" " + b if t and b else t or b
        exact.append((zlib.crc32(p) << 32 | zlib.adler32(p)) & _MASK63)
    # shingles: every window of SHINGLE ids inside one record (short records: the whole text, as shingle_hashes).
    # Record order: a stable sort by record of the kept tokens (two sorted runs, titles then bodies: one merge)
    tdoc = seg[keep].astype(np.int64)
    tdoc[tdoc >= n] -= n
    order = np.argsort(tdoc, kind="stable")
    ids = (arr[keep] & np.uint64(_LOW32))[order]
    lens = np.bincount(tdoc, minlength=n)
    bounds = np.concatenate(([0], np.cumsum(lens)))
    k = SHINGLE
    shingles: list[np.ndarray] = []  # per record: its window hashes, duplicates included
    n_shingles: list[int] = []
    if len(ids) >= k:
        with np.errstate(over="ignore"):
            h = ids[: len(ids) - k + 1] * _MULT[0]
            for j in range(1, k):
                h += ids[j : len(ids) - k + 1 + j] * _MULT[j]
        mixed = _mix(h)
    else:
        mixed = np.zeros(0, dtype=np.uint64)
    for d, ln in enumerate(lens.tolist()):
        if ln >= k:
            w = mixed[bounds[d] : bounds[d + 1] - k + 1]
            shingles.append(w)
            x = np.sort(w)  # distinct count (np.unique costs ~2× for the same)
            n_shingles.append(1 + int(np.count_nonzero(x[1:] != x[:-1])))
        else:
            w = shingle_hashes(ids[bounds[d] : bounds[d + 1]], k)
            shingles.append(w)
            n_shingles.append(len(w))
    sigs = minhash.signatures(shingles)  # a minimum: duplicate shingles change nothing
    ex_arr = np.array(exact, dtype=np.uint64)
    with np.errstate(over="ignore"):
        ek = ex_arr * np.uint64(0x9E3779B97F4A7C15) ^ _EXACT_SALT
    keys = np.concatenate([minhash.band_keys(sigs), ek[:, None]], axis=1)
    marks = np.flatnonzero(is_body & ((flags & np.uint64(F_MARK >> 32)) != 0))
    fdoc, feat = _guards(toks, vals, marks.tolist(), (seg[marks] - n).tolist())
    pdoc, pfeat = [], []
    for d, rec in enumerate(records):
        persons = rec.get("persons")
        if persons:
            pf = person_features(persons)
            pdoc += [d] * len(pf)
            pfeat += pf
    if pdoc:
        fdoc = np.concatenate([fdoc, np.array(pdoc, dtype=np.int64)])
        feat = np.concatenate([feat, np.array(pfeat, dtype=np.uint64)])
    # per record sorted distinct features: one lexsort for the batch, then slices
    order = np.lexsort((feat, fdoc))
    feat, fdoc = feat[order], fdoc[order]
    first = np.ones(len(feat), dtype=bool)
    first[1:] = (feat[1:] != feat[:-1]) | (fdoc[1:] != fdoc[:-1])
    feat, fdoc = feat[first], fdoc[first]
    gb = np.searchsorted(fdoc, np.arange(n + 1)).tolist()
    return [Fingerprint(sigs[d], keys[d], exact[d], feat[gb[d] : gb[d + 1]], n_shingles[d]) for d in range(n)]
