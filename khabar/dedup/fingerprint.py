"""Fingerprints of records: MinHash signature, LSH band keys, exact-text key and hard-negative guard features."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress

import numpy as np

from khabar.dedup import minhash
from khabar.dedup.text import (
    _MULT,
    _NAME_MUL,
    _VALS,
    BREAK,
    DATE_SET_CTX,
    F_BREAK,
    F_CUE,
    F_DATE,
    F_DIGIT,
    F_NAME,
    F_NUMW,
    F_PLACE,
    F_PLACE_HEAD,
    F_SEP,
    F_SLOT,
    K_DATE,
    K_NAME,
    MAIN_PLACE_CTX,
    PLACE_CTX,
    SEP,
    _mix,
    _new_vals,
    batch_tokens,
    cue_value,
    exact_key,
    guard_features,
    head_features,
    name_value,
    numbers_to_values,
    person_features,
    person_tokens,
    phrase_places,
    prepare,
    samples_and_heads,
    shingle_hashes,
    text_codes,
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
    sample: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))  # containment sample


def texts(record: dict) -> tuple[str, str]:
    """(title, lead and body) as fingerprinted: `prepare`d, so boilerplate and number spellings are gone."""
    body = "\n".join(x for x in (record.get("lead"), record.get("body")) if x)
    return prepare(record.get("title") or "", body=False), prepare(body)


def _parts(title: str, body_text: str) -> tuple[list[str], list[str]]:
    """All tokens (title, lead, body) for shingles; lead and body tokens with line breaks for the guard
    (titles are rewritten by republishers and decorated with «+ تصاویر»: they would only add false conflicts).
    Numbers in words are values (`numbers_to_values`) in both."""
    body = numbers_to_values(tokens_with_breaks(body_text))[0]
    flat = numbers_to_values(tokens(title))[0] + [t for t in body if t != BREAK]
    return flat, body


def containment_of(records: Sequence[dict]) -> list[np.ndarray]:
    """The containment samples `fingerprints` gives these records (rebuilding rows stored without them)."""
    return samples_and_heads(*text_codes([" ".join(_parts(*texts(r))[1]) for r in records]))[0]


def _fingerprints_slow(records: Sequence[dict]) -> list[Fingerprint]:
    """The per-record reference path (also the fallback when `batch_tokens` declines a batch)."""
    prepared = [texts(r) for r in records]
    parts = [_parts(*tb) for tb in prepared]
    samples, heads = samples_and_heads(*text_codes([" ".join(body) for _, body in parts]))
    shingles = [shingle_hashes(token_ids(flat), SHINGLE) for flat, _ in parts]
    sigs = minhash.signatures(shingles)
    keys = minhash.band_keys(sigs)
    out = []
    for i, ((flat, body), rec) in enumerate(zip(parts, records, strict=True)):
        ex = exact_key(flat)
        with np.errstate(over="ignore"):
            ek = np.uint64(ex) * np.uint64(0x9E3779B97F4A7C15) ^ _EXACT_SALT
        out.append(
            Fingerprint(
                sigs[i],
                np.append(keys[i], ek),
                ex,
                np.union1d(guard_features(body, rec.get("persons")), head_features(heads[i])),
                len(shingles[i]),
                samples[i],
            )
        )
    return out


_LOW32 = 0xFFFFFFFF
_NAME_VALS: dict[str, tuple[int, int]] = {}  # name run → (whole, tail) values, per process
_CTX_MUL = np.array([0, 1, 2, 3, 4], dtype=np.uint64) * np.uint64(0xC2B2AE3D)


def _guards(
    toks: list[str],
    arr: np.ndarray,
    flags: np.ndarray,
    body: np.ndarray,
    doc: np.ndarray,
    persons: Sequence[Sequence[dict] | None] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """`guard_features` (without persons) of every body in the batch token stream at once, in numpy: the word
    after each cue word, and each maximal run of numbers and date words with a digit (the per-record loop skips
    the rest of a run, so its slots are exactly the maximal runs). ``arr``/``flags`` carry id and class per
    token; the two `SEP` tokens around each text read as `BREAK`, so neighbours need no bounds checks.
    Returns (record, feature) arrays. Why: as a Python loop over marked tokens this was ~40 µs per record
    (~27 marked tokens, ~55 features, 96-bit integer products in `_ctx`); vectorised ~10 µs."""
    ids = arr & np.uint64(_LOW32)
    slot = body & ((flags & np.uint64(F_SLOT >> 32)) != 0)
    cue = np.flatnonzero(body & ((flags & np.uint64(F_CUE >> 32)) != 0))
    cue = cue[(flags[cue + 1] & np.uint64((F_SLOT | F_BREAK) >> 32)) == 0]
    prev_slot = np.zeros_like(slot)
    prev_slot[1:] = slot[:-1]
    next_slot = np.zeros_like(slot)
    next_slot[:-1] = slot[1:]
    starts = np.flatnonzero(slot & ~prev_slot)
    ends = np.flatnonzero(slot & ~next_slot)
    digits = np.concatenate(([0], np.cumsum(body & ((flags & np.uint64(F_DIGIT >> 32)) != 0))))
    has_digit = digits[ends + 1] > digits[starts]
    has_digit &= (flags[ends + 1] & np.uint64(F_SEP >> 32)) == 0  # a run that ends the text may be cut short
    starts, ends = starts[has_digit], ends[has_digit]
    dates = np.concatenate(([0], np.cumsum(body & ((flags & np.uint64(F_DATE >> 32)) != 0))))
    date = (dates[ends + 1] > dates[starts]).astype(np.uint64) * np.uint64(K_DATE)
    val = ids[starts]
    multi = np.flatnonzero(ends > starts)
    if len(multi):
        val[multi] = [
            zlib.crc32(" ".join(toks[i : j + 1]).encode())
            for i, j in zip(starts[multi].tolist(), ends[multi].tolist(), strict=True)
        ]
    a1, b1 = ids[starts - 1], ids[ends + 1]
    kind = np.repeat(np.arange(1, 5, dtype=np.int64), [len(cue), len(starts), len(starts), len(starts)])
    a = np.concatenate([ids[cue - 1], a1, ids[starts - 2], b1])
    b = np.concatenate([ids[cue], b1, a1, ids[ends + 2]])
    cue_v = np.array([cue_value(toks[i]) for i in (cue + 1).tolist()], dtype=np.uint64)
    v = np.concatenate([cue_v, val, val, val])
    rec = np.concatenate([doc[cue], doc[starts], doc[starts], doc[starts]])
    with np.errstate(over="ignore"):  # `_ctx`: uint64 wrap-around keeps the bits 7..38 it uses
        ctx = (a * np.uint64(0x9E3779B1) ^ b) * np.uint64(0x85EBCA77) + _CTX_MUL[kind]
    ctx = ctx >> np.uint64(7) & np.uint64(_LOW32 & ~15)
    ctx |= kind.astype(np.uint64) | np.concatenate([np.zeros(len(cue), dtype=np.uint64), date, date, date])
    # name runs (`guard_features`): maximal runs of name-shaped body words, three contexts each
    nm = body & ((flags & np.uint64(F_NAME >> 32)) != 0)
    for d, ps in enumerate(persons):  # a record's own persons' name words (`person_tokens`)
        own = person_tokens(ps) if ps else None
        if own:
            lo, hi = np.searchsorted(doc, [d, d + 1])
            at = [i for i in range(int(lo), int(hi)) if toks[i] in own]
            nm[at] = body[at]
    prev_nm = np.zeros_like(nm)
    prev_nm[1:] = nm[:-1]
    next_nm = np.zeros_like(nm)
    next_nm[:-1] = nm[1:]
    ns, ne = np.flatnonzero(nm & ~prev_nm), np.flatnonzero(nm & ~next_nm)
    if len(ns):
        vals2 = _NAME_VALS
        if len(vals2) > 1_000_000:
            vals2.clear()
        pair = []
        for i, j in zip(ns.tolist(), ne.tolist(), strict=True):
            t = toks[i] if i == j else "".join(toks[i : j + 1])
            v2 = vals2.get(t)
            if v2 is None:
                v2 = vals2[t] = (zlib.crc32(t.encode()) | 1, name_value(t))
            pair.append(v2)
        whole, tail = np.array(pair, dtype=np.uint64).reshape(-1, 2).T
        p1, n1, n2 = ids[ns - 1], ids[ne + 1], ids[ne + 2]
        na = np.concatenate([p1, n1])
        nb = np.concatenate([n1, n2])
        mul = np.repeat(np.array(_NAME_MUL, dtype=np.uint64), len(ns))
        with np.errstate(over="ignore"):
            nctx = (na * np.uint64(0x9E3779B1) ^ nb) * np.uint64(0x85EBCA77) + mul
        nctx = nctx >> np.uint64(7) & np.uint64(_LOW32 & ~15) | np.uint64(K_NAME)
        brk = np.uint64(_VALS[BREAK] & _LOW32)
        keep = np.tile(n1 != brk, 2)  # nothing beyond a paragraph's edge (`guard_features`)
        keep[len(ns) :] &= n2 != brk
        name_rec = np.tile(doc[ns], 2)[keep]
        name_feat = (nctx << np.uint64(32) | np.concatenate([whole, tail]))[keep]
    else:
        name_rec = np.zeros(0, dtype=np.int64)
        name_feat = np.zeros(0, dtype=np.uint64)
    place = np.flatnonzero(body & ((flags & np.uint64(F_PLACE >> 32)) != 0))
    place_doc, place_id = doc[place], ids[place]
    heads = np.flatnonzero(body & ((flags & np.uint64(F_PLACE_HEAD >> 32)) != 0))
    if len(heads):  # places of several words: few, matched in Python (`phrase_places`)
        found = [
            (d, v)
            for i, d in zip(heads.tolist(), doc[heads].tolist(), strict=True)
            for v in phrase_places(toks, [i])
        ]
        if found:
            place_doc = np.concatenate([place_doc, np.array([d for d, _ in found], dtype=np.int64)])
            place_id = np.concatenate([place_id, np.array([v for _, v in found], dtype=np.uint64)])
    # main places: per record, the place ids with the highest count
    pk, pn = np.unique(place_doc.astype(np.uint64) << np.uint64(32) | place_id, return_counts=True)
    prec = (pk >> np.uint64(32)).astype(np.int64)
    top = np.zeros(int(prec.max()) + 1 if len(prec) else 0, dtype=np.int64)
    np.maximum.at(top, prec, pn)
    main = pn == top[prec]
    dated = date != 0
    rec = np.concatenate([rec, place_doc, prec[main], doc[starts][dated]])
    ctx = np.concatenate(
        [
            ctx,
            np.full(len(place_doc), PLACE_CTX, dtype=np.uint64),
            np.full(int(main.sum()), MAIN_PLACE_CTX, dtype=np.uint64),
            np.full(int(dated.sum()), DATE_SET_CTX, dtype=np.uint64),
        ]
    )
    v = np.concatenate([v, place_id, pk[main] & np.uint64(_LOW32), val[dated]])
    return np.concatenate([rec, name_rec]), np.concatenate([ctx << np.uint64(32) | v, name_feat])


def fingerprints(records: Sequence[dict]) -> list[Fingerprint]:
    """Fingerprints of many records at once: one tokenising pass, one shingle pass and one numpy MinHash pass
    for the whole batch. Bit-identical to `_fingerprints_slow` (the per-record functions of `text.py`), which
    cost ~420 µs per 2 KB record against ~190 µs here (CPU time, batches of 1,000 synthetic B4 records).
    Signatures and guards are stored in DuckDB and rebuilt from there: any change of value is a bug."""
    n = len(records)
    if n == 0:
        return []
    prepared = [texts(r) for r in records]
    titles = [t for t, _ in prepared]
    bodies = [b for _, b in prepared]
    batch = batch_tokens(titles, bodies)
    if batch is None:
        return _fingerprints_slow(records)  # (prepares again: a rare path)
    toks, vals = batch
    if vals is None:
        vals = list(map(_VALS.__getitem__, toks))
    arr = np.array(vals, dtype=np.uint64)
    hits = np.flatnonzero(arr & np.uint64(F_NUMW)).tolist()
    if hits:
        toks, changed, new_vals = numbers_to_values(toks, hits, vals)
        if changed and new_vals is not None:
            vals = new_vals
            arr = np.array(vals, dtype=np.uint64)
    if len(_VALS) > 2_000_000:
        _VALS.clear()
        _VALS.update(_new_vals())
    flags = arr >> np.uint64(32)
    sep = (flags & np.uint64(F_SEP >> 32)) != 0
    csum = np.cumsum(sep)
    seg = csum >> 1  # text number: titles 0..n-1, then bodies n..2n-1
    is_body = seg >= n
    keep = ~sep & ~(is_body & ((flags & np.uint64(F_BREAK >> 32)) != 0))
    # exact keys: " ".join(title tokens + body tokens without BREAK) per record (one SEP kept after each text)
    joined = " ".join(compress(toks, (keep | (sep & ((csum & 1) == 1))).tobytes()))
    pieces = joined.encode().split(_SEP_BYTES)
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
    fdoc, feat = _guards(
        toks, arr, flags, is_body, seg.astype(np.int64) - n, [r.get("persons") for r in records]
    )
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
    # containment samples from the body tokens (numbers as values; spaces, BREAK and SEP are not alphanumeric
    # and go anyway): the bodies' half of the exact keys' string, each body followed by its SEP. Why: joining
    # the body tokens once more per record cost ~8 µs per B4 record.
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
    sep_at = np.flatnonzero(codes == ord(SEP))  # one per text: titles, then bodies
    body0 = int(sep_at[n - 1]) + 1
    at = np.concatenate(([body0], sep_at[n : 2 * n - 1] + 1)) - body0
    samples, heads = samples_and_heads(codes[body0:], at)
    hl = np.fromiter(map(len, heads), dtype=np.int64, count=n)
    if hl.sum():
        fdoc = np.concatenate([fdoc, np.repeat(np.arange(n, dtype=np.int64), hl)])
        feat = np.concatenate([feat, head_features(np.concatenate(heads))])
    # per record sorted distinct features: one lexsort for the batch, then slices
    order = np.lexsort((feat, fdoc))
    feat, fdoc = feat[order], fdoc[order]
    first = np.ones(len(feat), dtype=bool)
    first[1:] = (feat[1:] != feat[:-1]) | (fdoc[1:] != fdoc[:-1])
    feat, fdoc = feat[first], fdoc[first]
    gb = np.searchsorted(fdoc, np.arange(n + 1)).tolist()
    return [
        Fingerprint(sigs[d], keys[d], exact[d], feat[gb[d] : gb[d + 1]], n_shingles[d], samples[d])
        for d in range(n)
    ]
