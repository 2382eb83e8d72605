"""The deduplication tables (khabar.warehouse.clusters): the canonical rule reads the `sources` registry, aliases and
assignments are written in bulk, and what the clusterer reads back is what was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from khabar.warehouse.clusters import (
    cluster_state,
    load_signatures,
    refresh_canonical,
    write_aliases,
    write_assignment,
)
from khabar.warehouse.db import open_db
from khabar.warehouse.releases import ReleaseRow, write_releases
from khabar.warehouse.sources import SourceRow, upsert_sources

T0 = datetime(2024, 3, 19, 8, 0, tzinfo=UTC)


def _row(
    n: int, source: str, *, hours: int = 0, attribution: str | None = None, cluster: str = "c-1"
) -> ReleaseRow:
    published = (T0 + timedelta(hours=hours)).isoformat()
    record = {"url": f"https://{source}.ir/n/{n}", "is_article": True, "title": f"خبر {n}", "body": "متن"}
    record |= {"published_at": published, "attribution": attribution}
    return ReleaseRow(
        record=record,
        canonical_url=record["url"],
        source_id=source,
        page_id=None,
        fetched_at=T0,
        extractor_version="t",
        content_hash=f"h{n}",
        cluster_id=cluster,
    )


def _canonical(con) -> dict[str, str]:
    return dict(con.execute("SELECT cluster_id, source_id FROM releases WHERE is_canonical").fetchall())


@pytest.mark.parametrize(
    ("registry", "rows", "expected"),
    [
        # the agency's own copy wins over a registered news agency's earlier one
        (
            {"isna": "news_agency", "behzisti": "agency"},
            [_row(1, "isna"), _row(2, "behzisti", hours=5)],
            "behzisti",
        ),
        # a registered agency whose attribution reads like a news agency's is still an agency
        (
            {"behzisti": "agency"},
            [_row(1, "behzisti", hours=5, attribution="خبرگزاری ایرنا"), _row(2, "blog", hours=9)],
            "behzisti",
        ),
        # no row in `sources`: the attribution decides (Arabic ي unified), then the earliest publication
        ({}, [_row(1, "irna", attribution="خبرگزاري ايرنا"), _row(2, "ostan", hours=3)], "ostan"),
        ({}, [_row(1, "a"), _row(2, "b", hours=3)], "a"),
    ],
)
def test_canonical_copy_follows_the_sources_table(tmp_path, registry, rows, expected):
    con = open_db(tmp_path / "k.duckdb")
    upsert_sources(con, [SourceRow(sid, kind) for sid, kind in registry.items()])
    write_releases(con, rows)
    refresh_canonical(con, ["c-1", None])
    assert _canonical(con) == {"c-1": expected}


def test_canonical_rule_touches_only_the_clusters_named(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    write_releases(con, [_row(1, "a"), _row(2, "b", cluster="c-2")])
    refresh_canonical(con, ["c-2"])
    assert _canonical(con) == {"c-2": "b"}


def test_aliases_keep_their_first_mapping(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    offered = write_aliases(
        con,
        [
            ("http://a.ir/x?id=1", "http://a.ir/n/1", "a", "rel_canonical"),
            ("http://a.ir/x?id=1", "http://a.ir/n/2", "a", "og_url"),  # later in the same batch: ignored
        ],
    )
    assert offered == 2
    assert write_aliases(con, [("http://a.ir/x?id=1", "http://a.ir/n/3", "a", "og_url")]) == 1
    assert write_aliases(con, []) == 0
    assert con.execute("SELECT alias_url, canonical_url, via FROM url_aliases").fetchall() == [
        ("http://a.ir/x?id=1", "http://a.ir/n/1", "rel_canonical")
    ]


@dataclass
class _Writes:
    """An assignment as `khabar.dedup` hands it over (the warehouse needs only these fields)."""

    signatures: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    superseded: list[tuple[str, int]] = field(default_factory=list)
    at: datetime = T0


def _signature(rid: str, version: int, contain: bytes | None) -> dict[str, Any]:
    return {
        "release_id": rid,
        "version": version,
        "cluster_id": "c-1",
        "content_hash": "h",
        "exact_key": 7,
        "minhash": b"\0" * 8,
        "guard": b"",
        "n_shingles": 3,
        "matched_to": None,
        "similarity": None,
        "created_at": T0 + timedelta(seconds=version),
        "contain": contain,
    }


def test_assignment_round_trip_and_superseded_versions(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    first = _row(1, "a")
    rid = first.release_id
    write_releases(con, [first])
    evidence = {"release_id": rid, "version": 1, "cluster_id": "c-1", "signal": "founder", "created_at": T0}
    write_assignment(con, _Writes(signatures=[_signature(rid, 1, None)], evidence=[evidence]))
    state = cluster_state(con, [rid, "unknown"])
    assert state.stored == {rid: ("c-1", "h1", 1)} and state.fingerprinted == {(rid, 1)}
    assert cluster_state(con, []) == ({}, set())
    # version 2 of the same page: version 1 is archived before the row is overwritten
    write_assignment(con, _Writes(signatures=[_signature(rid, 2, b"\1\0\0\0")], superseded=[(rid, 1)]))
    second = _row(1, "a")
    second.version, second.record["title"] = 2, "خبر ویرایش‌شده"
    write_releases(con, [second])
    assert con.execute("SELECT release_id, version, title FROM release_versions").fetchall() == [
        (rid, 1, "خبر 1")
    ]
    # start-up read: oldest first; texts only for the signature stored without a containment sample
    stored = load_signatures(con)
    assert stored.table.column("version").to_pylist() == [1, 2]
    assert stored.texts[(rid, 1)]["title"] == "خبر 1"  # the archived version's text, for its null sample
    assert con.execute("SELECT signal FROM dedup_evidence").fetchall() == [("founder",)]


def test_no_texts_are_read_when_every_signature_has_its_sample(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    write_assignment(con, _Writes(signatures=[_signature("r1", 1, b"\1\0\0\0")]))
    stored = load_signatures(con)
    assert stored.table.num_rows == 1 and stored.texts == {}
