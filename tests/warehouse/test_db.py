from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import duckdb
import pytest

from khabar.records import FetchLogEntry, RawPage
from khabar.warehouse.db import WarehouseError, migrations, open_db, transaction
from khabar.warehouse.raw import iter_pages, write_fetch_log, write_pages
from khabar.warehouse.releases import ReleaseRow, write_releases

NOW = datetime(2024, 3, 19, 8, 0, tzinfo=UTC)


def _page(url: str, body: str) -> RawPage:
    return RawPage(
        url=url,
        final_url=url,
        source_id="s1",
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body.encode(),
        fetched_at=NOW,
    )


def test_migrations_apply_once(tmp_path):
    path = tmp_path / "k.duckdb"
    con = open_db(path)
    versions = [v for v, _, _ in migrations()]
    assert [
        r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    ] == versions
    con.close()
    con = open_db(path)  # second open applies nothing new and keeps the rows
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(versions)
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert {"releases", "persons", "quantities", "pages", "fetch_log", "runs"} <= tables


def test_pages_are_idempotent_and_round_trip(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    pages = [_page("http://a.test/1", "<p>می‌شود</p>"), _page("http://a.test/2", "<p>دو</p>")]
    ids = write_pages(con, pages + pages[:1])
    assert ids[0] == ids[2]
    write_pages(con, pages)
    assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == 2
    back = {p.url: p for p in iter_pages(con)}
    assert back["http://a.test/1"].body == "<p>می‌شود</p>".encode()  # ZWNJ survives the archive
    write_pages(con, [_page("http://a.test/1", "<p>edited</p>")])  # a new version of the same URL is kept too
    assert con.execute("SELECT count(*) FROM pages").fetchone()[0] == 3


def test_fetch_log_appends(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    entry = FetchLogEntry(
        run_id="r",
        url="http://a.test/",
        host="a.test",
        status=503,
        bytes=0,
        milliseconds=1.5,
        error_class="HTTP 503",
        attempt=1,
        started_at=NOW,
    )
    write_fetch_log(con, [entry, entry])
    assert con.execute("SELECT count(*), max(error_class) FROM fetch_log").fetchone() == (2, "HTTP 503")


def _row(url: str, title: str, persons: int) -> ReleaseRow:
    record = {
        "url": url,
        "is_article": True,
        "title": title,
        "published_at": "2023-08-03T14:35:00+03:30",
        "persons": [{"name": f"p{i}", "role": None} for i in range(persons)],
        "quantities": [{"value": 11.0, "unit": "طرح", "text": "بیش از ۱۱ طرح"}],
    }
    return ReleaseRow(record, url, "s1", None, NOW, "test")


def test_release_upsert_replaces_children(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    write_releases(con, [_row("http://a.test/1", "v1", 3)])
    write_releases(con, [_row("http://a.test/1", "v2", 1), _row("http://a.test/2", "x", 0)])
    assert con.execute("SELECT title FROM releases WHERE url = 'http://a.test/1'").fetchone()[0] == "v2"
    assert con.execute("SELECT count(*) FROM persons").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM quantities").fetchone()[0] == 2
    published = con.execute("SELECT published_at FROM releases LIMIT 1").fetchone()[0]
    assert published == datetime(2023, 8, 3, 11, 5, tzinfo=UTC)


def test_failed_batch_leaves_nothing(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    with pytest.raises(RuntimeError), transaction(con):
        con.execute("INSERT INTO runs VALUES ('r1', 'demo', now(), NULL, 'running', NULL, NULL)")
        raise RuntimeError("crash mid-batch")
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_second_writer_gets_a_clear_error(tmp_path):
    path = tmp_path / "k.duckdb"
    open_db(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True);"
            " time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseError, match="in use by another khabar process"):
            open_db(path)
    finally:
        holder.kill()
        holder.wait()


def test_read_only_missing_file(tmp_path):
    with pytest.raises(WarehouseError, match="no database"):
        open_db(tmp_path / "missing.duckdb", read_only=True)


def test_read_only_refuses_writes(tmp_path):
    path = tmp_path / "k.duckdb"
    open_db(path).close()
    con = open_db(path, read_only=True)
    with pytest.raises(duckdb.Error):
        con.execute("INSERT INTO runs VALUES ('r1', 'demo', now(), NULL, 'running', NULL, NULL)")


def test_nested_transactions_commit_or_roll_back_together(tmp_path):
    con = open_db(tmp_path / "k.duckdb")
    with pytest.raises(RuntimeError), transaction(con):
        write_pages(con, [_page("http://a.test/1", "x")])
        with transaction(con):
            con.execute("INSERT INTO runs VALUES ('r1', 'demo', now(), NULL, 'running', NULL, NULL)")
        raise RuntimeError("crash after both writers")
    assert con.execute("SELECT (SELECT count(*) FROM pages) + (SELECT count(*) FROM runs)").fetchone()[0] == 0
    with transaction(con):
        write_pages(con, [_page("http://a.test/1", "x")])
        with transaction(con):
            con.execute("INSERT INTO runs VALUES ('r1', 'demo', now(), NULL, 'running', NULL, NULL)")
    assert con.execute("SELECT (SELECT count(*) FROM pages) + (SELECT count(*) FROM runs)").fetchone()[0] == 2


def test_writer_connection_memory_is_capped_and_configurable(tmp_path, monkeypatch):
    def limit(con: duckdb.DuckDBPyConnection) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    monkeypatch.delenv("KHABAR_DB_MEMORY_LIMIT", raising=False)
    con = open_db(tmp_path / "a.duckdb")
    assert limit(con) == "244.1 MiB"  # 256MB
    con.close()
    monkeypatch.setenv("KHABAR_DB_MEMORY_LIMIT", "1GB")
    con = open_db(tmp_path / "a.duckdb")
    assert limit(con) == "953.6 MiB"
    con.close()
    monkeypatch.setenv("KHABAR_DB_MEMORY_LIMIT", "plenty")
    with pytest.raises(WarehouseError, match="KHABAR_DB_MEMORY_LIMIT='plenty'"):
        open_db(tmp_path / "a.duckdb")
    open_db(tmp_path / "a.duckdb", read_only=True).close()  # readers keep DuckDB's default
