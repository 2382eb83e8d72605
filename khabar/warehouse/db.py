"""Opening the DuckDB file and applying versioned migrations.

The warehouse is the only layer that opens DuckDB. DuckDB allows one writing process per file, so every command
opens the database through here and keeps one connection for its whole run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from khabar import settings

DEFAULT_DB = "data/khabar.duckdb"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class WarehouseError(RuntimeError):
    """A database problem worth one clear line to the user (locked, read-only, corrupt, disk full)."""


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
    """Apply every migration not yet recorded; each in its own transaction. Returns the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, datetime.now(UTC)])
        applied.append(version)
    return applied


def open_db(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating when needed) and migrate the warehouse; read-only connections are never migrated."""
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
    con.execute("BEGIN TRANSACTION")
    _open_transactions.add(key)
    try:
        yield con
    except BaseException:
        _open_transactions.discard(key)
        con.execute("ROLLBACK")
        raise
    _open_transactions.discard(key)
    con.execute("COMMIT")


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
