"""The lake: the same warehouse in a DuckLake (catalog in PostgreSQL, Parquet data files) for many writers.

One DuckDB file allows one writing process; a DuckLake lets shards on several machines commit batches at once
(snapshot isolation; a conflicting commit fails whole and is retried). Selected with `KHABAR_LAKE` (or `--lake`):

    KHABAR_LAKE="ducklake:postgres:dbname=khabar host=127.0.0.1 port=55432 user=khabar"
    KHABAR_LAKE_DATA=/srv/khabar/lake/          # or s3://bucket/khabar/ — the Parquet files (needed to create it)
    KHABAR_LAKE_PASSWORD=…                      # or PGPASSWORD; never in KHABAR_LAKE itself

The password reaches PostgreSQL through a temporary (in-memory) DuckDB secret named by the attach, so it is in no
connection string, no error message and no child process's environment; a URL carrying one is refused. The
extensions load from their PyPI wheels (`duckdb-extension-ducklake`, `duckdb-extension-postgres-scanner`), never
from the internet, and DuckDB's extension directory points inside the installation, never at ~/.duckdb.
`ducklake:PATH.ducklake` (a DuckDB file as the catalog: one machine, one process) is accepted too, for trials.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import weakref
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from khabar.warehouse.errors import WarehouseError

ENV_LAKE = "KHABAR_LAKE"
ENV_DATA = "KHABAR_LAKE_DATA"
ENV_PASSWORD = "KHABAR_LAKE_PASSWORD"
CATALOG = "lake"  # the attached name; `USE lake` makes it the connection's default catalog
_SECRET = "khabar_lake_catalog"
_OPEN: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, LakeSpec] = weakref.WeakKeyDictionary()
_PASSWORD_IN_URL = re.compile(r"(?i)(\bpassword\s*=|postgres(?:ql)?://[^/@\s]*:[^/@\s]*@)")


@dataclass(frozen=True)
class LakeSpec:
    """Where the lake is: `metadata` is the part after `ducklake:` (no password), `data_path` its Parquet folder."""

    metadata: str
    data_path: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def on_postgres(self) -> bool:
        return self.metadata.startswith("postgres:")

    def describe(self) -> str:
        """What may be shown (status, errors, logs): the catalog's address, never the password."""
        return f"ducklake:{self.metadata}"


def lake_from_env() -> str | None:
    return os.environ.get(ENV_LAKE) or None


def parse_lake(url: str, *, data_path: str | None = None, password: str | None = None) -> LakeSpec:
    """Check a lake URL; the data path and password default to the environment."""
    text = url.strip()
    if not text.startswith("ducklake:"):
        raise WarehouseError(
            f"{ENV_LAKE} must start with 'ducklake:' (e.g. ducklake:postgres:dbname=khabar …)"
        )
    metadata = text.removeprefix("ducklake:")
    if _PASSWORD_IN_URL.search(metadata):
        raise WarehouseError(
            f"the lake URL must not carry a password: put it in {ENV_PASSWORD} (or PGPASSWORD) instead"
        )
    if not metadata:
        raise WarehouseError("the lake URL names no catalog: ducklake:postgres:dbname=… host=… user=…")
    if "'" in metadata:
        raise WarehouseError("the lake URL must not contain a single quote")
    data = data_path if data_path is not None else os.environ.get(ENV_DATA) or None
    secret = (
        password if password is not None else os.environ.get(ENV_PASSWORD) or os.environ.get("PGPASSWORD")
    )
    return LakeSpec(metadata, data, secret or None)


def scrub(text: str, spec: LakeSpec) -> str:
    """The message with the password (should a library ever echo it) replaced."""
    return text.replace(spec.password, "***") if spec.password else text


@cache
def extension_path(name: str) -> str:
    """The extension file shipped in the `duckdb-extension-<name>` wheel (built for the locked duckdb 1.5.5)."""
    package = f"duckdb_extension_{name}"
    try:
        root = resources.files(package) / "extensions"
        paths = [
            p / f"{name}.duckdb_extension"
            for p in root.iterdir()
            if (p / f"{name}.duckdb_extension").is_file()
        ]
    except ModuleNotFoundError:
        paths = []
    if not paths:
        raise WarehouseError(f"the {package.replace('_', '-')} package is missing: reinstall with `make`")
    return str(paths[0])


def extension_directory() -> Path:
    """DuckDB's extension directory, inside the installation (the venv): nothing is ever written to ~/.duckdb."""
    return Path(sys.prefix) / "duckdb_extensions"


def connect(spec: LakeSpec, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `lake` and made the default catalog."""
    con = duckdb.connect(
        config={
            "extension_directory": str(extension_directory()),
            "autoinstall_known_extensions": False,  # nothing from the internet
        }
    )
    try:
        if spec.on_postgres:
            con.execute(f"LOAD '{extension_path('postgres_scanner')}'")
        con.execute(f"LOAD '{extension_path('ducklake')}'")
        options = []
        if spec.on_postgres:
            if spec.password:
                quoted = spec.password.replace("'", "''")
                con.execute(
                    f"CREATE OR REPLACE TEMPORARY SECRET {_SECRET} (TYPE postgres, PASSWORD '{quoted}')"
                )
            options.append(f"META_SECRET '{_SECRET}'")
        if spec.data_path:
            _prepare_data_path(spec.data_path, read_only=read_only)
            options.append("DATA_PATH '{}'".format(spec.data_path.replace("'", "''")))
        if read_only:
            options.append("READ_ONLY")
        suffix = f" ({', '.join(options)})" if options else ""
        con.execute(f"ATTACH 'ducklake:{spec.metadata}' AS {CATALOG}{suffix}")
        con.execute(f"USE {CATALOG}")
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(explain(exc, spec)) from None
    _OPEN[con] = spec
    return con


class LakeConflict(WarehouseError):
    """Another writer committed changes to the same rows first; this batch was rolled back whole and may be
    retried as it is (`retrying`)."""


def explain(exc: BaseException, spec: LakeSpec) -> str:
    """One line naming the cause, without the password (and without DuckDB's wrapping of the attach)."""
    text = scrub(str(exc), spec)
    low = text.lower()
    where = spec.describe()
    if "no password supplied" in low or "password authentication failed" in low:
        return f"lake catalog {where} refused the connection: wrong or missing password ({ENV_PASSWORD})"
    if "connection refused" in low or "could not connect" in low or "unable to connect" in low:
        return f"lake catalog {where} is unreachable (is PostgreSQL running?): {_last_line(text)}"
    if (
        "server closed the connection" in low
        or "terminating connection" in low
        or "no connection to the server" in low
    ):
        return f"lake catalog {where} went away mid-transaction (PostgreSQL stopped?): nothing was committed"
    if "data_path" in low or "data path" in low:
        return f"lake {where}: {_last_line(text)} (set {ENV_DATA})"
    return f"lake {where}: {_last_line(text)}"


def is_conflict(exc: BaseException) -> bool:
    """DuckLake's commit conflict (another writer changed the same rows first): the batch may simply be retried."""
    text = str(exc).lower()
    return "conflict" in text and ("transaction" in text or "ducklake" in text)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text


def _prepare_data_path(path: str, *, read_only: bool) -> None:
    """A local data folder is created owner/group-writable only, and this process's files with it: the lake's
    Parquet files are never world-writable (DuckDB creates them with the process umask)."""
    if "://" in path:
        return  # object storage: its own access control
    old = os.umask(0)
    os.umask(old | stat.S_IWOTH)
    if read_only:
        return
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    mode = folder.stat().st_mode
    if mode & stat.S_IWOTH:
        folder.chmod(mode & ~stat.S_IWOTH)


def spec_of(con: duckdb.DuckDBPyConnection) -> LakeSpec | None:
    """The lake a connection opened by `connect` is on (None: the embedded file)."""
    return _OPEN.get(con)


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    return con in _OPEN


def translate(con: duckdb.DuckDBPyConnection, exc: duckdb.Error) -> WarehouseError:
    """A DuckDB error on a lake connection as the one-line WarehouseError the user sees (LakeConflict for a
    commit conflict)."""
    spec = _OPEN.get(con) or LakeSpec("?")
    if is_conflict(exc):
        return LakeConflict(
            f"lake {spec.describe()}: another writer changed the same rows first; this batch was rolled back"
            " whole: retry it"
        )
    return WarehouseError(explain(exc, spec) + " (nothing half-written: re-run to continue)")


# DuckLake has no PRIMARY KEY, UNIQUE or indexes: the migrations are the embedded file's, with those removed (the
# write functions keep keys unique themselves: every upsert is a MERGE on the key over a batch deduplicated first).
_TABLE_KEY = re.compile(r",\s*PRIMARY KEY\s*\([^)]*\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"\s+PRIMARY KEY\b", re.IGNORECASE)
_INDEX = re.compile(r"CREATE\s+(UNIQUE\s+)?INDEX\b[^;]*;", re.IGNORECASE)


def lake_dialect(sql: str) -> str:
    """A migration as DuckLake accepts it: keys and indexes dropped, everything else unchanged."""
    return _COLUMN_KEY.sub("", _TABLE_KEY.sub("", _INDEX.sub("", sql)))


__all__ = [
    "CATALOG",
    "ENV_DATA",
    "ENV_LAKE",
    "ENV_PASSWORD",
    "LakeConflict",
    "LakeSpec",
    "connect",
    "explain",
    "extension_directory",
    "extension_path",
    "is_conflict",
    "is_lake",
    "lake_dialect",
    "lake_from_env",
    "parse_lake",
    "scrub",
    "spec_of",
    "translate",
]
