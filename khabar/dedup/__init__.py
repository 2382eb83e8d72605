"""Deduplication: canonical URLs, exact and near-duplicate clusters across sites, versions (issue 5).

Pipeline use: `Clusterer.from_db(con)` once, then per batch transaction `assign` → `write_releases` →
`refresh_canonical`, and `Clusterer.rollback()` if the transaction fails (see `cluster.py`).
"""

from khabar.dedup.cluster import Clusterer, new_cluster_id, refresh_canonical
from khabar.dedup.urls import resolve_canonical, write_aliases

__all__ = ["Clusterer", "new_cluster_id", "refresh_canonical", "resolve_canonical", "write_aliases"]
