"""Loading extracted records into `releases`, `persons` and `quantities`: bulk, idempotent, atomic per batch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa

from khabar.urls import url_key
from khabar.warehouse.db import transaction

RELEASE_COLUMNS: tuple[str, ...] = (
    "release_id",
    "url",
    "canonical_url",
    "source_id",
    "page_id",
    "is_article",
    "title",
    "lead",
    "body",
    "published_at",
    "published_jalali",
    "news_code",
    "attribution",
    "agency",
    "province",
    "event_type",
    "keywords",
    "language",
    "search_text",
    "cluster_id",
    "is_canonical",
    "content_hash",
    "version",
    "fetched_at",
    "extractor_version",
    "errors",
)

_RELEASES_SCHEMA = pa.schema(
    [
        ("release_id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("source_id", pa.string()),
        ("page_id", pa.string()),
        ("is_article", pa.bool_()),
        ("title", pa.string()),
        ("lead", pa.string()),
        ("body", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("published_jalali", pa.string()),
        ("news_code", pa.string()),
        ("attribution", pa.string()),
        ("agency", pa.string()),
        ("province", pa.string()),
        ("event_type", pa.string()),
        ("keywords", pa.list_(pa.string())),
        ("language", pa.string()),
        ("search_text", pa.string()),
        ("cluster_id", pa.string()),
        ("is_canonical", pa.bool_()),
        ("content_hash", pa.string()),
        ("version", pa.int32()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("extractor_version", pa.string()),
        ("errors", pa.list_(pa.string())),
    ]
)


def release_id_for(canonical_url: str) -> str:
    """One release row per page identity (`khabar.urls.url_key`, so the http and https spellings of a page are one
    release, and ids made before the address kept its scheme stay the same): never changes across runs."""
    return hashlib.sha256(url_key(canonical_url).encode()).hexdigest()[:24]


@dataclass
class ReleaseRow:
    """An extraction record (GUIDE §1.1) with the identity and clustering the pipeline adds."""

    record: dict
    canonical_url: str
    source_id: str | None
    page_id: str | None
    fetched_at: datetime
    extractor_version: str
    content_hash: str | None = None
    cluster_id: str | None = None
    is_canonical: bool | None = None
    version: int = 1
    search_text: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def release_id(self) -> str:
        return release_id_for(self.canonical_url)


def _published(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def write_releases(con: duckdb.DuckDBPyConnection, rows: Sequence[ReleaseRow]) -> int:
    """Upsert a batch (last row wins for a repeated release) with its persons and quantities, atomically."""
    latest: dict[str, ReleaseRow] = {}
    for row in rows:
        latest[row.release_id] = row
    if not latest:
        return 0
    release_rows, person_rows, quantity_rows = [], [], []
    for rid, row in latest.items():
        rec = row.record
        release_rows.append(
            {
                "release_id": rid,
                "url": rec.get("url") or row.canonical_url,
                "canonical_url": row.canonical_url,
                "source_id": row.source_id,
                "page_id": row.page_id,
                "is_article": bool(rec.get("is_article")),
                "title": rec.get("title"),
                "lead": rec.get("lead"),
                "body": rec.get("body"),
                "published_at": _published(rec.get("published_at")),
                "published_jalali": rec.get("published_jalali"),
                "news_code": rec.get("news_code"),
                "attribution": rec.get("attribution"),
                "agency": rec.get("agency"),
                "province": rec.get("province"),
                "event_type": rec.get("event_type"),
                "keywords": list(rec.get("keywords") or []),
                "language": rec.get("language"),
                "search_text": row.search_text,
                "cluster_id": row.cluster_id,
                "is_canonical": row.is_canonical,
                "content_hash": row.content_hash,
                "version": row.version,
                "fetched_at": row.fetched_at,
                "extractor_version": row.extractor_version,
                "errors": list(rec.get("errors") or []),
            }
        )
        for i, p in enumerate(rec.get("persons") or []):
            person_rows.append(
                {
                    "release_id": rid,
                    "ordinal": i,
                    "name": p.get("name"),
                    "role": p.get("role"),
                    "role_head": p.get("role_head"),
                    "organisation": p.get("organisation"),
                }
            )
        for i, q in enumerate(rec.get("quantities") or []):
            quantity_rows.append(
                {
                    "release_id": rid,
                    "ordinal": i,
                    "value": q.get("value"),
                    "unit": q.get("unit"),
                    "text": q.get("text"),
                }
            )
    releases = pa.Table.from_pylist(release_rows, schema=_RELEASES_SCHEMA)
    persons = pa.Table.from_pylist(
        person_rows,
        schema=pa.schema(
            [
                ("release_id", pa.string()),
                ("ordinal", pa.int32()),
                ("name", pa.string()),
                ("role", pa.string()),
                ("role_head", pa.string()),
                ("organisation", pa.string()),
            ]
        ),
    )
    quantities = pa.Table.from_pylist(
        quantity_rows,
        schema=pa.schema(
            [
                ("release_id", pa.string()),
                ("ordinal", pa.int32()),
                ("value", pa.float64()),
                ("unit", pa.string()),
                ("text", pa.string()),
            ]
        ),
    )
    with transaction(con):
        con.register("_new_releases", releases)
        con.register("_new_persons", persons)
        con.register("_new_quantities", quantities)
        try:
            con.execute(
                "MERGE INTO releases USING _new_releases n ON releases.release_id = n.release_id"
                " WHEN MATCHED THEN UPDATE BY NAME WHEN NOT MATCHED THEN INSERT BY NAME"
            )
            con.execute("DELETE FROM persons WHERE release_id IN (SELECT release_id FROM _new_releases)")
            con.execute("DELETE FROM quantities WHERE release_id IN (SELECT release_id FROM _new_releases)")
            con.execute("INSERT INTO persons BY NAME SELECT * FROM _new_persons")
            con.execute("INSERT INTO quantities BY NAME SELECT * FROM _new_quantities")
        finally:
            for name in ("_new_releases", "_new_persons", "_new_quantities"):
                con.unregister(name)
    return len(latest)
