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
    assert result.exit_code == 1
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
    assert out.exit_code == 1 and "no database" in out.stderr
