"""Full-text search over the normalised Persian text, offline.

`INSTALL fts` needs the internet, so the extension is loaded from the `duckdb-extension-fts` wheel (its build
matches duckdb 1.5.5, pinned in pyproject). The index is DuckDB's BM25 index over `releases.search_text` (the
search form: ی/ک unified, ZWNJ and spaces as one separator so «آسیب‌های» and «آسیب های» match alike, Latin
digits); it does not follow table changes, so every run rebuilds it. The raw text keeps its ZWNJ in `body`.

On the lake the index cannot live in the lake (DuckLake stores no macros, which the index is made of), so it is a
local one: `search` copies the searchable columns of the lake's releases into the connection's in-memory catalog
and indexes them there, at the snapshot the reader sees (seconds per 100k releases); writers build nothing.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import duckdb

from khabar.warehouse import lake
from khabar.warehouse.db import WarehouseError

# Tokens are runs of letters, digits and ZWNJ (so «آسیب‌های» stays one token); everything else separates.
_IGNORE = r"(\.|[^\p{L}\p{N}\x{200c}])+"


@lru_cache(maxsize=1)
def fts_extension_path() -> str:
    root = resources.files("duckdb_extension_fts") / "extensions"
    paths = [p / "fts.duckdb_extension" for p in root.iterdir() if (p / "fts.duckdb_extension").is_file()]
    if not paths:
        raise WarehouseError(
            "the duckdb-extension-fts package has no fts.duckdb_extension: reinstall with `make`"
        )
    return str(paths[0])


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"LOAD '{fts_extension_path()}'")


def rebuild_search_index(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the BM25 index over every article; takes seconds for 100k releases. On the lake: nothing (the
    readers index their snapshot locally, see the module's docstring)."""
    if lake.is_lake(con):
        return
    load_fts(con)
    _create_index(con)


def _create_index(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "PRAGMA create_fts_index('releases', 'release_id', 'search_text', stemmer = 'none',"
        f" stopwords = 'none', ignore = '{_IGNORE}', strip_accents = 0, lower = 1, overwrite = 1)"
    )


def _local_index(con: duckdb.DuckDBPyConnection) -> None:
    """The lake's searchable columns copied into the in-memory catalog and indexed there; the connection then
    reads `releases` from that copy (a reader's connection: it only searches)."""
    con.execute("USE memory")
    con.execute(
        "CREATE OR REPLACE TABLE releases AS SELECT release_id, search_text, is_article, is_canonical,"
        f" published_jalali, agency, title, url FROM {lake.CATALOG}.releases"
    )
    load_fts(con)
    _create_index(con)


def has_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the default catalog holds the index (never the lake itself: see the module's docstring)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'fts_main_releases'"
        " AND database_name = current_database()"
    ).fetchone()
    return bool(row and row[0])


def search(
    con: duckdb.DuckDBPyConnection, normalised_query: str, limit: int = 20, *, canonical_only: bool = False
) -> list[tuple]:
    """Best matches first: (release_id, score, published_jalali, agency, title, url). The query must already be in
    search form (the same normalisation as `search_text`), or Persian variants will not match. `canonical_only`
    shows one row per release instead of every republished copy."""
    if lake.is_lake(con) and not has_search_index(con):
        _local_index(con)
    if not has_search_index(con):
        raise WarehouseError("no search index yet: run an ingest (it builds the index) first")
    return con.execute(
        """
        SELECT release_id, score, published_jalali, agency, title, url FROM (
            SELECT *, fts_main_releases.match_bm25(release_id, ?) AS score FROM releases
        ) WHERE score IS NOT NULL AND is_article AND (NOT ? OR is_canonical)
        ORDER BY score DESC, release_id LIMIT ?
        """,
        [normalised_query, canonical_only, limit],
    ).fetchall()
