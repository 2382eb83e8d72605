"""The bounded index (issue 21): only the newest `window` fingerprints stay in memory; older releases are still
joined by an exact copy through what the warehouse returns for the batch's exact keys."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from khabar.dedup import Clusterer
from khabar.simweb.dedup_eval import iter_truth_articles, truth_rows

START = date(2022, 1, 1)
AT = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def truths() -> list:
    return list(iter_truth_articles(START, START + timedelta(days=3)))[:120]


def _run(clusterer: Clusterer, rows: list, batch: int = 10, archive: dict | None = None) -> list:
    """Assign batch by batch, each batch's fingerprints confirmed stored; `archive` collects them by exact key
    (what `khabar.warehouse.candidates.stored_exact` would return)."""
    stored: dict = {}
    fingerprinted: set = set()
    assignments = []
    for s in range(0, len(rows), batch):
        chunk = rows[s : s + batch]
        keys = clusterer.exact_keys_to_load(chunk)
        found = {k: archive[k] for k in keys if archive and k in archive}
        a = clusterer.assign(chunk, (stored, fingerprinted), now=AT, archived=found)
        for sig in a.signatures:
            fingerprinted.add((sig["release_id"], sig["version"]))
            if archive is not None:
                archive.setdefault(sig["exact_key"], []).append(
                    (sig["cluster_id"], sig["release_id"], sig["minhash"], sig["guard"])
                )
        stored.update({r.release_id: (r.cluster_id, r.content_hash, r.version) for r in chunk})
        assignments.append(a)
    clusterer.assign([], (stored, fingerprinted), now=AT)  # confirms the last batch (and flushes)
    return assignments


def test_a_window_larger_than_history_changes_nothing(truths):
    unbounded, bounded = truth_rows(truths), truth_rows(truths)
    _run(Clusterer(window=None), unbounded)
    c = Clusterer(window=len(truths))
    _run(c, bounded)
    assert c.core.first == 0
    assert [r.cluster_id for r in bounded] == [r.cluster_id for r in unbounded]


def test_memory_stays_within_the_window_and_old_releases_join_by_exact_copy(truths):
    window = 20
    c = Clusterer(window=window)
    archive: dict = {}
    rows = truth_rows(truths)
    _run(c, rows, archive=archive)
    assert c.core.first > 0 and c.core.n - c.core.first <= window * 1.25
    assert len(c.core.release_of) == c.core.n - c.core.first
    assert len(c.core.cluster_names) <= c.core.n - c.core.first
    # an exact copy of the very first release, under another address: no longer in memory, joined by exact key
    old = truths[0]
    copy = truth_rows([dataclasses.replace(old, url=old.url.replace("://", "://copy.", 1))])
    assert copy[0].release_id != rows[0].release_id
    a = _run(c, copy, archive=archive)[0]
    assert copy[0].cluster_id == rows[0].cluster_id
    assert a.evidence[0]["signal"] == "exact" and a.evidence[0]["matched_to"] == rows[0].release_id
    # without the warehouse's answer it founds its own cluster: the window is what bounds near matching
    blind = Clusterer(window=window)
    again = truth_rows(truths)
    _run(blind, again)
    alone = truth_rows([dataclasses.replace(old, url=old.url.replace("://", "://other.", 1))])
    _run(blind, alone)
    assert alone[0].cluster_id != again[0].cluster_id


def test_a_rollback_after_an_eviction_keeps_the_kept_documents(truths):
    c = Clusterer(window=20)
    rows = truth_rows(truths[:60])
    _run(c, rows)
    n, first = c.core.n, c.core.first
    more = truth_rows(truths[60:70])
    c.assign(more, ({}, set()), now=AT)
    assert c.core.n == n + len(more)
    c.rollback()
    assert (c.core.n, c.core.first) == (n, first)
    assert len(c.core.release_of) == n - first
