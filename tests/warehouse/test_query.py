from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from khabar.cli import app
from khabar.warehouse.db import open_db

runner = CliRunner()


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "k.duckdb"
    con = open_db(path)
    con.execute("INSERT INTO runs VALUES ('r1', 'demo', now(), NULL, 'completed', NULL, NULL)")
    con.close()
    return path


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO runs VALUES ('r2', 'demo', now(), NULL, 'completed', NULL, NULL)",
        "DROP TABLE runs",
        "DELETE FROM runs",
        "UPDATE runs SET status = 'x'",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "COPY (SELECT * FROM runs) TO '{tmp}/out.csv'",
        "COPY runs TO '{tmp}/out.parquet' (FORMAT parquet)",
        "SET enable_external_access = true",
        "SELECT * FROM read_csv('/etc/hostname')",
    ],
)
def test_sql_cannot_modify_or_escape(db: Path, statement: str):
    result = runner.invoke(app, ["sql", "--db", str(db), statement.format(tmp=db.parent)])
    assert result.exit_code == 2  # a rejected query is bad usage (README «Exit codes»)
    assert "khabar: error:" in result.stderr
    assert not (db.parent / "other.duckdb").exists()
    assert not list(db.parent.glob("out.*"))
    con = open_db(db, read_only=True)
    assert con.execute("SELECT run_id, status FROM runs").fetchall() == [("r1", "completed")]


def test_sql_formats(db: Path):
    out = runner.invoke(app, ["sql", "--db", str(db), "SELECT run_id, flow FROM runs", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == [{"run_id": "r1", "flow": "demo"}]
    out = runner.invoke(app, ["sql", "--db", str(db), "SELECT run_id, flow FROM runs", "-f", "csv"])
    assert out.stdout.splitlines() == ["run_id,flow", "r1,demo"]
    out = runner.invoke(app, ["sql", "--db", str(db), "SELECT 'نیم‌فاصله' AS t"])
    assert "نیم‌فاصله" in out.stdout


def test_sql_missing_db(tmp_path: Path):
    out = runner.invoke(app, ["sql", "--db", str(tmp_path / "none.duckdb"), "SELECT 1"])
    assert out.exit_code == 2 and "no database" in out.stderr  # unreadable input, as for every command


READERS = [
    ["sql", "SELECT 1"],
    ["search", "بهزیستی"],
    ["export", "{tmp}/out.parquet"],
    ["status"],
    ["report", "-o", "{tmp}/report.html"],
]


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_every_reader_exits_2_without_a_database(tmp_path: Path, command: list[str], monkeypatch):
    """No database file is unreadable input, for every command alike (README «Exit codes»): 2 and one line."""
    monkeypatch.delenv("KHABAR_DB", raising=False)
    args = [a.format(tmp=tmp_path) for a in command]
    out = runner.invoke(app, [*args, "--db", str(tmp_path / "none.duckdb")])
    assert out.exit_code == 2, out.output
    assert out.stderr.startswith("khabar: error:") and out.stderr.count("\n") == 1, out.stderr
    assert not (tmp_path / "none.duckdb").exists()  # a reader never creates the database it was asked to read


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["sql", "SELEC 1"], "Parser Error"),
        (["sql", "SELECT * FROM no_such_table"], "no_such_table"),
        (["search", "بهزیستی"], "no search index"),
        (["export", "{tmp}/out.csv", "--table", "nope"], "no table or view"),
        (["export", "{tmp}/out.csv", "--table", "runs", "--canonical-only"], "is_canonical"),
        (["export", "{tmp}/k.duckdb/out.csv", "--table", "runs"], "k.duckdb"),  # a file, not a directory
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v),
)
def test_a_rejected_query_exits_2(db: Path, command: list[str], message: str):
    args = [a.format(tmp=db.parent) for a in command]
    out = runner.invoke(app, [*args, "--db", str(db)])
    assert out.exit_code == 2, out.output
    assert out.stderr.startswith("khabar: error:") and message in out.stderr, out.stderr
