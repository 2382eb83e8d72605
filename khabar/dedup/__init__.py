"""Deduplication: canonical URLs, exact and near-duplicate clusters across sites, versions (issue 5).

Pure: it decides in memory and runs no SQL; `khabar.warehouse.clusters` loads what it reads and writes what it
decides. Pipeline use: `Clusterer.from_signatures(*load_signatures(con))` once, then per batch transaction
`cluster_state` → `assign` → `write_assignment` → `write_releases` → `refresh_canonical`, and
`Clusterer.rollback()` if the transaction fails (see `cluster.py`).
"""

from khabar.dedup.cluster import Assignment, Clusterer, ClusterRow, new_cluster_id
from khabar.dedup.urls import alias_rows, resolve_canonical

__all__ = ["Assignment", "ClusterRow", "Clusterer", "alias_rows", "new_cluster_id", "resolve_canonical"]
