"""The bounded near-duplicate index's reach into history (issue 21): stored fingerprints by exact key.

`khabar.dedup` keeps only the newest `khabar.dedup.core.WINDOW` fingerprints in memory; an older release is still
found when a batch holds an exact copy of it, by one semi-join of the batch's exact keys against
`dedup_signatures` per batch (`stored_exact`). Why a scan and no index: the column is 8 bytes a fingerprint (a
few ms per million), while an ART index costs memory and every insert.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb


def stored_exact(
    con: duckdb.DuckDBPyConnection, exact_keys: Sequence[int]
) -> dict[int, list[tuple[str, str, bytes, bytes]]]:
    """exact key → (cluster_id, release_id, minhash, guard) of every stored fingerprint with it, oldest first
    (the order `khabar.warehouse.clusters.load_signatures` numbers documents in)."""
    keys = sorted(set(exact_keys))
    if not keys:
        return {}
    out: dict[int, list[tuple[str, str, bytes, bytes]]] = {}
    for key, cid, rid, sig, guard in con.execute(
        "SELECT exact_key, cluster_id, release_id, minhash, guard FROM dedup_signatures"
        " WHERE exact_key IN (SELECT unnest(?)) ORDER BY created_at, release_id, version",
        [keys],
    ).fetchall():
        out.setdefault(int(key), []).append((cid, rid, bytes(sig), bytes(guard or b"")))
    return out


__all__ = ["stored_exact"]
