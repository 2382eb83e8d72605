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
_K1, _K2, _K3, _K4 = (k * 0xC2B2AE3D for k in (1, 2, 3, 4))


def _guards(toks: list[str], vals: list[int], marks: list[int], docs: list[int], n: int) -> list[list[int]]:
    """`guard_features` (without persons) of every body in the batch token stream in one loop over the marked
    tokens only; `vals` carry id and class, and the two `SEP` tokens around each text read as `BREAK`."""
    feats: list[list[int]] = [[] for _ in range(n)]
    low = _LOW32
    done = -1
    for i, d in zip(marks, docs, strict=True):
        if i <= done:
            continue
        v = vals[i]
        if not v & F_SLOT:  # a cue word: the next word names a place or a person
            nv = vals[i + 1]
            if not nv & (F_SLOT | F_BREAK):
                a = vals[i - 1] & low
                feats[d].append(
                    ((((a * 0x9E3779B1) ^ (v & low)) * 0x85EBCA77 + _K1) >> 7 & low) << 32 | nv & low
                )
            continue
        j = i
        digit = v & F_DIGIT
        while vals[j + 1] & F_SLOT:
            j += 1
            digit |= vals[j] & F_DIGIT
        done = j
        if digit:
            val = v & low if i == j else zlib.crc32(" ".join(toks[i : j + 1]).encode())
            a1, b1 = vals[i - 1] & low, vals[j + 1] & low
            p2, n2 = vals[i - 2] & low, vals[j + 2] & low
            f = feats[d]
            f.append(((((a1 * 0x9E3779B1) ^ b1) * 0x85EBCA77 + _K2) >> 7 & low) << 32 | val)
            f.append(((((p2 * 0x9E3779B1) ^ a1) * 0x85EBCA77 + _K3) >> 7 & low) << 32 | val)
            f.append(((((b1 * 0x9E3779B1) ^ n2) * 0x85EBCA77 + _K4) >> 7 & low) << 32 | val)
    return feats


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
    seg = csum >> 1  # text number: title of doc d is 2d, body 2d + 1
    is_body = (seg & 1).astype(bool)
    keep = ~sep & ~(is_body & ((flags & np.uint64(F_BREAK >> 32)) != 0))
    # exact keys: " ".join(title tokens + body tokens without BREAK) per record, one SEP after each body
    joined = " ".join(compress(toks, (keep | (sep & ((csum & 3) == 3))).tolist())).encode()
    pieces = joined.split(_SEP_BYTES)
    exact = [(zlib.crc32(p) << 32 | zlib.adler32(p)) & _MASK63 for p in (x.strip(b" ") for x in pieces[:n])]
    # shingles: every window of SHINGLE ids inside one record (short records: the whole text, as shingle_hashes)
    ids = arr[keep] & np.uint64(_LOW32)
    tdoc = (seg[keep] >> 1).astype(np.int64)
    lens = np.bincount(tdoc, minlength=n)
    bounds = np.concatenate(([0], np.cumsum(lens)))
    k = SHINGLE
    shingles: list[np.ndarray] = []
    if len(ids) >= k:
        with np.errstate(over="ignore"):
            h = ids[: len(ids) - k + 1] * _MULT[0]
            for j in range(1, k):
                h += ids[j : len(ids) - k + 1 + j] * _MULT[j]
        hb = bounds[:-1].copy()
        he = np.maximum(bounds[1:] - k + 1, hb)
        mixed = _mix(h)
    else:
        mixed = np.zeros(0, dtype=np.uint64)
        hb = he = bounds[:-1]
    for d in range(n):
        ln = lens[d]
        if ln >= k:
            shingles.append(np.unique(mixed[hb[d] : he[d]]))
        else:
            shingles.append(shingle_hashes(ids[bounds[d] : bounds[d + 1]], k))
    sigs = minhash.signatures(shingles)
    ex_arr = np.array(exact, dtype=np.uint64)
    with np.errstate(over="ignore"):
        ek = ex_arr * np.uint64(0x9E3779B97F4A7C15) ^ _EXACT_SALT
    keys = np.concatenate([minhash.band_keys(sigs), ek[:, None]], axis=1)
    marks = np.flatnonzero(is_body & ((flags & np.uint64(F_MARK >> 32)) != 0))
    feats = _guards(toks, vals, marks.tolist(), (seg[marks] >> 1).tolist(), n)
    out = []
    for d, rec in enumerate(records):
        f = feats[d]
        persons = rec.get("persons")
        if persons:
            f = f + person_features(persons)
        out.append(Fingerprint(sigs[d], keys[d], exact[d], np.array(sorted(set(f)), dtype=np.uint64),
                               len(shingles[d])))  # fmt: skip
    return out
