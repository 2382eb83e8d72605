"""The clusterer runs without a database (issue 17): it takes the warehouse's state as plain values and returns its
decisions as an `Assignment`; an index rebuilt from those decisions decides as the first one did."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest

from khabar.dedup import Assignment, Clusterer
from khabar.simweb.dedup_eval import iter_truth_articles, truth_rows

START = date(2022, 1, 1)
AT = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def truths() -> list:
    return list(iter_truth_articles(START, START + timedelta(days=2)))[:80]


def _as_stored(rows) -> tuple[dict, set]:
    """The state the warehouse would return for `rows` once they and their signatures are written."""
    return {r.release_id: (r.cluster_id, r.content_hash, r.version) for r in rows}, {
        (r.release_id, r.version) for r in rows
    }


def test_assign_needs_no_database_and_returns_what_to_store(truths):
    rows = truth_rows(truths)
    clusterer = Clusterer()
    a = clusterer.assign(rows, ({}, set()), now=AT)
    assert isinstance(a, Assignment) and a.at == AT and a.superseded == []
    assert all(r.cluster_id and r.version == 1 for r in rows)
    assert len({r.cluster_id for r in rows}) < len(rows)  # the simulated copies joined their releases
    assert [s["release_id"] for s in a.signatures] == [r.release_id for r in rows]
    assert [e["release_id"] for e in a.evidence] == [r.release_id for r in rows]
    assert {e["signal"] for e in a.evidence} >= {"founder"} and len({e["signal"] for e in a.evidence}) > 1
    assert clusterer.ids_to_load([]) == sorted({r.release_id for r in rows})  # staged until confirmed


def test_an_index_rebuilt_from_the_assignment_decides_alike(truths):
    first = truth_rows(truths)
    a = Clusterer().assign(first, ({}, set()), now=AT)
    rebuilt = Clusterer.from_signatures(pa.Table.from_pylist(a.signatures))
    assert rebuilt.core.n == len(first)
    # the same pages again: known releases keep their cluster and version, nothing new to store
    again = truth_rows(truths)
    b = rebuilt.assign(again, _as_stored(first), now=AT)
    assert [r.cluster_id for r in again] == [r.cluster_id for r in first]
    assert b.signatures == [] and b.superseded == []
    assert {e["signal"] for e in b.evidence} <= {"same_url", "url_alias"}
    # a changed text is the next version of its release, and the stored version is superseded
    edited = truth_rows([dataclasses.replace(truths[0], body=truths[0].body + "\n\nمتن افزوده.")])
    c = rebuilt.assign(edited, _as_stored(first), now=AT)
    assert edited[0].version == 2 and c.superseded == [(first[0].release_id, 1)]
    assert [(s["release_id"], s["version"]) for s in c.signatures] == [(first[0].release_id, 2)]


def test_a_batch_the_warehouse_never_got_is_forgotten(truths):
    clusterer = Clusterer()
    clusterer.assign(truth_rows(truths[:20]), ({}, set()))
    assert clusterer.core.n == 20
    clusterer.assign([], ({}, set()))  # its signatures are not in the state: the transaction rolled back
    assert clusterer.core.n == 0 and clusterer.ids_to_load([]) == []
    rows = truth_rows(truths[:20])
    clusterer.assign(rows, ({}, set()))
    clusterer.assign([], _as_stored(rows))  # this time they were committed
    assert clusterer.core.n == 20
