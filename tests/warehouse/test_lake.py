"""The lake (issue 21): the warehouse on DuckLake with a PostgreSQL catalog, against a real PostgreSQL from
Debian's packages started for these tests (tools/pg.py: 127.0.0.1, scram-sha-256, a random password).

Without the PostgreSQL binaries the PostgreSQL tests skip, saying so; under CI=true they fail instead.
"""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from khabar.crawl_records import CrawlBatch, SourceState, SurfaceState, UrlState
from khabar.pipeline import import_files
from khabar.warehouse import lake
from khabar.warehouse.crawl_state import save_batch_state
from khabar.warehouse.db import WarehouseError, migrations, open_db
from tools import pg

pytestmark = pytest.mark.cluster
ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2024, 3, 16, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[pg.Cluster, str]]:
    if not pg.available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL binaries missing under CI: `make pg` should have installed them")
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed: `make pg` installs Debian's")
    # Not pytest's tmp_path: its parents are 0700, and as root the server runs as the `postgres` user.
    parent = Path(tempfile.mkdtemp(prefix="khabar-lake-pg-"))
    parent.chmod(0o711)
    password = secrets.token_urlsafe(18)
    c = pg.Cluster(parent / "pg", pg.free_port())
    try:
        c.init(password)
        c.start()
        yield c, password
    finally:
        c.destroy()
        parent.rmdir()


@pytest.fixture
def lake_env(
    cluster: tuple[pg.Cluster, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> tuple[str, str, Path]:
    """A fresh lake (its own catalog database) for each test: (KHABAR_LAKE URL, password, data path)."""
    c, password = cluster
    name = "t_" + secrets.token_hex(4)
    c.create_database(name, password)
    url = f"ducklake:postgres:dbname={name} host=127.0.0.1 port={c.port} user={pg.USER}"
    data = tmp_path / "lake-data"
    monkeypatch.setenv(lake.ENV_PASSWORD, password)
    monkeypatch.setenv(lake.ENV_DATA, str(data))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv(lake.ENV_LAKE, raising=False)
    return url, password, data


# -- without PostgreSQL -----------------------------------------------------------------------------------------


def test_lake_dialect_drops_keys_and_indexes_only() -> None:
    sql = "\n".join(s for _, _, s in migrations())
    out = lake.lake_dialect(sql)
    assert "PRIMARY KEY" not in out.upper() and "CREATE INDEX" not in out.upper()
    assert out.count("CREATE TABLE") == sql.count("CREATE TABLE")
    assert out.count("CREATE OR REPLACE VIEW") == sql.count("CREATE OR REPLACE VIEW")
    assert "release_id         VARCHAR,  -- stable per canonical URL" in out


def test_a_password_in_the_url_is_refused() -> None:
    for url in (
        "ducklake:postgres:dbname=k host=127.0.0.1 user=k password=hunter2",
        "ducklake:postgres:postgresql://k:hunter2@127.0.0.1:5432/k",
    ):
        with pytest.raises(WarehouseError) as err:
            lake.parse_lake(url)
        assert "hunter2" not in str(err.value)
    with pytest.raises(WarehouseError):
        lake.parse_lake("postgres:dbname=k")  # not a ducklake: URL


def test_spec_repr_hides_the_password() -> None:
    spec = lake.parse_lake("ducklake:postgres:dbname=k host=127.0.0.1 user=k", password="hunter2")
    assert "hunter2" not in repr(spec) and "hunter2" not in spec.describe()


def test_extensions_load_from_the_wheels_and_nothing_goes_to_home(tmp_path: Path) -> None:
    """A DuckDB-file catalog needs no server: the extension comes from its wheel, offline."""
    con = open_db(lake=f"ducklake:{tmp_path / 'cat.ducklake'}")
    try:
        assert lake.is_lake(con)
        assert con.execute("SELECT count(*) FROM releases").fetchone() == (0,)
        ext_dir = con.execute("SELECT current_setting('extension_directory')").fetchone()
        assert ext_dir is not None and str(ext_dir[0]).startswith(sys.prefix)
    finally:
        con.close()


# -- with PostgreSQL ------------------------------------------------------------------------------------------------


def _html_files(tmp_path: Path, articles: list[tuple[str, bytes, str]]) -> list[str]:
    paths = []
    for i, (_url, body, _charset) in enumerate(articles):
        p = tmp_path / f"a{i:02d}.html"
        p.write_bytes(body)
        paths.append(str(p))
    return paths


def _crawl_batch() -> CrawlBatch:
    """Crawl state with repeated keys in one batch (the MERGE must fold them as the upserts did)."""
    u = "https://kerman.behzisti.test/fa/news/"
    return CrawlBatch(
        urls=[
            UrlState(f"{u}1", "kb", f"{u}1", True, T0, 200, '"e1"', None, T0),
            UrlState(f"{u}2", "kb", f"{u}2", False, T0, 503, last_error="HTTP 503"),
            UrlState(f"{u}2", "kb", f"{u}2?x", True, T0, 200),
        ],
        surfaces=[
            SurfaceState("https://kerman.behzisti.test/rss", "kb", "feed", T0, '"f1"', None, [["a", None]]),
            SurfaceState("https://kerman.behzisti.test/rss", "kb", "feed", T0, '"f2"', None, None),
        ],
        sources=[SourceState("kb", T0, {"feeds": ["rss"]}), SourceState("kb", None, None)],
        backfills=[("kb", date(2024, 3, 16), date(2024, 3, 19))] * 2,
    )


_VOLATILE = {
    "run_id",
    "fetched_at",
    "started_at",
    "finished_at",
    "created_at",
    "first_seen",
    "updated_at",
    "superseded_at",
    "applied_at",
    "completed_at",
    "milliseconds",
    "stats",
    "params",
}


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()"
            " AND table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
    ]
    out = {}
    for name in names:
        cols = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database()"
                " AND table_name = ? ORDER BY ordinal_position",
                [name],
            ).fetchall()
            if r[0] not in _VOLATILE
        ]
        out[name] = con.execute(f"SELECT {', '.join(cols)} FROM {name} ORDER BY ALL").fetchall()
    return out


def test_the_same_batches_give_equal_tables_in_the_file_and_the_lake(
    lake_env: tuple[str, str, Path], tmp_path: Path, articles: list[tuple[str, bytes, str]]
) -> None:
    url, _, data = lake_env
    files = _html_files(tmp_path, articles)
    results = {}
    for kind in ("file", "lake"):
        con = open_db(tmp_path / "k.duckdb", lake="" if kind == "file" else url)
        try:
            for _ in range(2):  # a re-run changes nothing (idempotent on both)
                summary = import_files(con, files, batch_size=5)
                assert summary.status == "completed"
                save_batch_state(con, _crawl_batch())
            results[kind] = _tables(con)
        finally:
            con.close()
    assert set(results["file"]) == set(results["lake"])
    for name, rows in results["file"].items():
        assert results["lake"][name] == rows, name
    assert results["lake"]["releases"], "the import loaded nothing"
    assert len(results["lake"]["crawl_urls"]) == 2 and len(results["lake"]["crawl_backfills"]) == 1
    files_written = [p for p in data.rglob("*") if p.is_file()]
    assert files_written and all(not p.stat().st_mode & stat.S_IWOTH for p in files_written)


def test_a_connection_without_the_password_is_refused(
    lake_env: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, password, _ = lake_env
    monkeypatch.delenv(lake.ENV_PASSWORD)
    with pytest.raises(WarehouseError) as err:
        open_db(lake=url)
    assert "password" in str(err.value)
    monkeypatch.setenv(lake.ENV_PASSWORD, password + "-wrong")
    with pytest.raises(WarehouseError) as err:
        open_db(lake=url)
    assert "password" in str(err.value) and password not in str(err.value)


def _khabar(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "khabar.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_no_credential_in_output_logs_or_tables(
    lake_env: tuple[str, str, Path], tmp_path: Path, articles: list[tuple[str, bytes, str]]
) -> None:
    url, password, _ = lake_env
    env = {**os.environ, lake.ENV_LAKE: url}
    files = _html_files(tmp_path, articles[:4])
    runs = [
        _khabar("import", *files, env=env),
        _khabar("status", env=env),
        _khabar("sql", "SELECT count(*) AS n FROM releases", env=env),
        _khabar("status", "--lake", url, env={k: v for k, v in env.items() if k != lake.ENV_LAKE}),
    ]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
        assert password not in proc.stdout + proc.stderr
    assert "4" in runs[2].stdout
    con = open_db(lake=url, read_only=True)
    try:
        dump = repr(_tables(con)) + repr(con.execute("SELECT params, stats FROM runs").fetchall())
    finally:
        con.close()
    assert password not in dump


def test_readers_are_read_only_on_the_lake(lake_env: tuple[str, str, Path]) -> None:
    url, _, _ = lake_env
    open_db(lake=url).close()  # create and migrate
    env = {**os.environ}
    proc = _khabar("sql", "--lake", url, "DELETE FROM releases", env=env)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr


def test_catalog_down_mid_run_is_a_clear_error_and_a_rerun_converges(
    lake_env: tuple[str, str, Path],
    cluster: tuple[pg.Cluster, str],
    tmp_path: Path,
    articles: list[tuple[str, bytes, str]],
) -> None:
    url, password, _ = lake_env
    c, _ = cluster
    files = _html_files(tmp_path, articles)
    con = open_db(lake=url)
    try:
        import_files(con, files[:4], batch_size=2)
        c.stop("immediate")
        try:
            with pytest.raises(WarehouseError) as err:
                save_batch_state(con, _crawl_batch())
        finally:
            c.start()
        message = str(err.value)
        assert "PostgreSQL" in message or "catalog" in message
        assert "\n" not in message and password not in message
    finally:
        con.close()
    con = open_db(lake=url)
    try:
        assert con.execute("SELECT count(*) FROM crawl_urls").fetchone() == (0,)  # nothing of it half-written
        import_files(con, files, batch_size=2)
        save_batch_state(con, _crawl_batch())
        got = _tables(con)
    finally:
        con.close()
    fresh = open_db(tmp_path / "ref.duckdb", lake="")
    try:
        import_files(fresh, files, batch_size=2)
        save_batch_state(fresh, _crawl_batch())
        want = _tables(fresh)
    finally:
        fresh.close()
    for name in ("releases", "persons", "quantities", "pages", "crawl_urls", "dedup_signatures"):
        assert got[name] == want[name], name


_WRITER = """
import sys
from datetime import UTC, datetime
from khabar.warehouse.db import open_db
from khabar.warehouse.lake import LakeConflict, retrying
from khabar.warehouse.raw import write_pages
from khabar.records import RawPage

who, n = sys.argv[1], int(sys.argv[2])
con = open_db(lake=sys.argv[3])
print("open", flush=True)
sys.stdin.readline()  # both start writing together
retries = 0
for i in range(n):
    page = RawPage(url=f"https://x.test/{who}/{i}", final_url=None, source_id=who, status=200, headers={},
                   body=f"{who} {i}".encode(), fetched_at=datetime.now(UTC), run_id=who)
    def batch():
        global retries
        try:
            write_pages(con, [page])
        except LakeConflict:
            retries += 1
            raise
    retrying(batch, attempts=50)
print("retries", retries, flush=True)
"""


def test_two_writers_commit_at_once(lake_env: tuple[str, str, Path]) -> None:
    url, _, _ = lake_env
    open_db(lake=url).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, who, "15", url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("a", "b")
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "open"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "retries" in out
    con = open_db(lake=url, read_only=True)
    try:
        got = con.execute(
            "SELECT source_id, count(*), count(DISTINCT page_id) FROM pages GROUP BY 1 ORDER BY 1"
        )
        assert got.fetchall() == [("a", 15, 15), ("b", 15, 15)]
    finally:
        con.close()
