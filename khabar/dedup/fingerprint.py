"""Fingerprints of records: MinHash signature, LSH band keys, exact-text key and hard-negative guard features."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from khabar.dedup import minhash
from khabar.dedup.text import (
    BREAK,
    exact_key,
    guard_features,
    shingle_hashes,
    token_ids,
    tokens,
    tokens_with_breaks,
)

SHINGLE = 4  # word 4-shingles: measured on truth, copies keep more 4- than 5-shingles under edits
_EXACT_SALT = np.uint64(0xA5A5_5A5A_C3C3_3C3C)


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


def fingerprints(records: Sequence[dict]) -> list[Fingerprint]:
    """Fingerprints of many records at once (one numpy MinHash pass for the whole batch)."""
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
