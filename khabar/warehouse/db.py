"""Opening the warehouse (the DuckDB file, or the lake) and applying versioned migrations.

The warehouse is the only layer that opens DuckDB. DuckDB allows one writing process per file, so every command
opens the database through here and keeps one connection for its whole run. With `lake` (or `KHABAR_LAKE`) the
connection's default catalog is a DuckLake instead (`khabar.warehouse.lake`): same tables, same write functions,
many writers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from khabar import settings
from khabar.warehouse import lake as lakes
from khabar.warehouse.errors import WarehouseError

DEFAULT_DB = "data/khabar.duckdb"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def default_db_path() -> Path:
    return settings.load().db_path


def writer_memory_limit() -> str:
    """DuckDB's memory cap for the pipeline's (writer) connection: `$KHABAR_DB_MEMORY_LIMIT`, default 256MB.

    Why: DuckDB's default is 80 % of RAM and it keeps written blocks cached, so a long backfill's memory grew with the
    archive (171 MB of cached table blocks after 20k pages, ~+8.6 MB per 1k) and the end-of-run search index build
    took +340 MB per 20k releases. Capped, DuckDB evicts and spills to disk instead (the writer's own queries are
    per-batch upserts; the index build over 20k releases took 6.0 s at 256MB against 4.9 s uncapped). Read-only
    connections (`khabar sql`, reports) keep DuckDB's default: analysts' queries may use the RAM."""
    return settings.load().db_memory_limit


def migrations() -> list[tuple[int, str, str]]:
    """All migrations shipped with the package as (version, name, sql), in order."""
    found = []
    for entry in resources.files("khabar.warehouse.migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise WarehouseError(f"duplicate migration versions: {versions}")
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet recorded; each in its own transaction. Returns the versions applied.

    On the lake the migrations lose their keys and indexes (`lake.lake_dialect`), and a migration that another
    writer committed first (both started at once) is simply found done on the retry."""
    on_lake = lakes.is_lake(con)
    key = "" if on_lake else " PRIMARY KEY"
    for attempt in range(_MIGRATE_ATTEMPTS):
        try:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                f" version INTEGER{key}, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
            )
            done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
            applied = []
            for version, name, sql in migrations():
                if version in done:
                    continue
                with transaction(con):
                    con.execute(lakes.lake_dialect(sql) if on_lake else sql)
                    con.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, datetime.now(UTC)]
                    )
                applied.append(version)
            return applied
        except duckdb.Error:
            if not on_lake or attempt + 1 == _MIGRATE_ATTEMPTS:
                raise
            # another writer migrated at the same moment: read what it committed and go on
    return []


_MIGRATE_ATTEMPTS = 5


def open_db(
    path: str | Path | None = None, *, read_only: bool = False, lake: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open (creating when needed) and migrate the warehouse; read-only connections are never migrated.

    `lake` (default `$KHABAR_LAKE`) opens the DuckLake it names instead of the file `path`."""
    lake_url = lake if lake is not None else lakes.lake_from_env()
    if lake_url:
        return _open_lake(lakes.parse_lake(lake_url), read_only=read_only)
    db_path = Path(path) if path is not None else default_db_path()
    try:
        if read_only:
            if not db_path.exists():
                raise WarehouseError(f"no database at {db_path}: run an ingest first")
            return duckdb.connect(str(db_path), read_only=True)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(db_path))
    except duckdb.IOException as exc:
        raise WarehouseError(_explain_io_error(db_path, exc)) from exc
    except PermissionError as exc:
        raise WarehouseError(f"cannot create {db_path}: permission denied") from exc
    except OSError as exc:  # read-only file system, disk full, …
        raise WarehouseError(f"cannot create {db_path}: {exc.strerror or exc}") from exc
    con.execute("SET TimeZone = 'UTC'")
    try:
        con.execute("SET memory_limit = ?", [writer_memory_limit()])
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(f"KHABAR_DB_MEMORY_LIMIT={writer_memory_limit()!r}: {exc}") from exc
    migrate(con)
    return con


def _open_lake(spec: lakes.LakeSpec, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = lakes.connect(spec, read_only=read_only)
    try:
        con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            con.execute("SET memory_limit = ?", [writer_memory_limit()])
            migrate(con)
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(lakes.explain(exc, spec)) from None
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One atomic batch: everything inside commits together or not at all.

    Re-entrant: inside a caller's transaction it joins it, so a stage can group several writers (archive, crawl
    state, releases) into one commit while each writer stays atomic on its own.
    """
    key = id(con)
    if key in _open_transactions:
        yield con  # the enclosing transaction commits or rolls back
        return
    on_lake = lakes.is_lake(con)
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.Error as exc:
        if on_lake:
            raise lakes.translate(con, exc) from None
        raise
    _open_transactions.add(key)
    try:
        yield con
    except BaseException as exc:
        _open_transactions.discard(key)
        if not on_lake:
            con.execute("ROLLBACK")
            raise
        with suppress(duckdb.Error):  # the catalog may be the thing that failed: the rollback is local then
            con.execute("ROLLBACK")
        if isinstance(exc, duckdb.Error):
            raise lakes.translate(con, exc) from None
        raise
    _open_transactions.discard(key)
    try:
        con.execute("COMMIT")
    except duckdb.Error as exc:
        if not on_lake:
            raise
        with suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise lakes.translate(con, exc) from None


# Connections (by id) inside a transaction() block. DuckDB aborts a transaction on a nested BEGIN, so nesting
# must be known before issuing one.
_open_transactions: set[int] = set()


def _explain_io_error(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return (
            f"database {path} is in use by another khabar process (DuckDB allows one writer); try again later"
        )
    return f"cannot open database {path}: {text.splitlines()[0]}"
