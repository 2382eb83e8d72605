from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from khabar.cli import app
from khabar.warehouse.db import WarehouseError, open_db
from khabar.warehouse.export import export
from khabar.warehouse.query import open_readonly
from khabar.warehouse.releases import ReleaseRow, write_releases

NOW = datetime(2024, 3, 19, tzinfo=UTC)


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "k.duckdb"
    con = open_db(path)
    rows = []
    for i in range(3):
        rec = {
            "url": f"https://a.test/{i}",
            "is_article": True,
            "title": f"نشست‌ شماره {i}",
            "keywords": ["بهزیستی", "کرمان"],
            "persons": [{"name": "علی صادق‌زاده", "role": "مدیرکل"}],
            "quantities": [{"value": 11, "unit": "طرح", "text": "۱۱ طرح"}],
            "published_jalali": "1402-12-2" + str(i),
            "published_at": f"2024-03-1{i}T10:00:00+03:30",
        }
        rows.append(
            ReleaseRow(
                rec, rec["url"], "s", None, NOW, "t", cluster_id="c1" if i < 2 else "c2", is_canonical=i != 1
            )
        )
    write_releases(con, rows)
    con.close()
    return path


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_formats_round_trip(db, tmp_path, fmt):
    out = tmp_path / f"r.{fmt}"
    n = export(open_readonly(db), "releases", out, fmt)
    assert n == 3
    if fmt == "parquet":
        assert pq.read_table(out).num_rows == 3
    elif fmt == "csv":
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 4 and "release_id" in lines[0]
        assert "‌" in out.read_text(encoding="utf-8")  # ZWNJ survives
    else:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert rows[0]["keywords"] == ["بهزیستی", "کرمان"]


def test_export_canonical_only_and_views(db, tmp_path):
    ro = open_readonly(db)
    assert export(ro, "releases", tmp_path / "c.jsonl", "jsonl", canonical_only=True) == 2
    assert export(ro, "report_persons", tmp_path / "p.csv", "csv") >= 1
    with pytest.raises(WarehouseError, match="no table or view"):
        export(ro, "releases; DROP TABLE releases", tmp_path / "x.csv", "csv")
    with pytest.raises(WarehouseError, match="unknown export format"):
        export(ro, "releases", tmp_path / "x.xml", "xml")


def test_export_cli(db, tmp_path):
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(app, ["export", str(out), "--db", str(db), "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 rows" in result.output
    bad = CliRunner().invoke(app, ["export", str(out), "--db", str(db), "--table", "nope"])
    assert bad.exit_code == 2 and "khabar: error:" in bad.output  # an unknown table is bad usage


def test_report_views(db):
    ro = open_readonly(db)
    clusters = dict(ro.execute("SELECT cluster_id, copies FROM report_clusters").fetchall())
    assert clusters == {"c1": 2, "c2": 1}
    monthly = ro.execute(
        "SELECT jalali_month, sum(releases), sum(pages) FROM report_releases_monthly GROUP BY 1"
    )
    assert monthly.fetchall() == [("1402-12", 2, 3)]
    q = ro.execute(
        "SELECT unit_family, sum(mentions), sum(total_value) FROM report_quantities GROUP BY 1"
    ).fetchall()
    assert q == [("programmes", 2, 22.0)]
    delays = ro.execute(
        "SELECT release_id, delay_seconds FROM report_copies WHERE cluster_id = 'c1' ORDER BY delay_seconds"
    ).fetchall()
    assert [d for _, d in delays] == [0, 86400]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
@pytest.mark.parametrize("relation", ["releases", "report_copies", "persons"])
def test_export_keeps_the_relation_columns(db, tmp_path, fmt, relation):
    """Every column, in order (report_copies has an interval column, which the pyarrow writers refused)."""
    ro = open_readonly(db)
    cols = [r[0] for r in ro.execute(f'DESCRIBE "{relation}"').fetchall()]
    out = tmp_path / f"o.{fmt}"
    n = export(ro, relation, out, fmt)
    if fmt == "parquet":
        assert pq.read_table(out).schema.names == cols
    elif fmt == "csv":
        assert out.read_text(encoding="utf-8").splitlines()[0].split(",") == cols
    else:
        assert all(list(json.loads(x)) == cols for x in out.read_text(encoding="utf-8").splitlines())
    assert n == ro.execute(f'SELECT count(*) FROM "{relation}"').fetchone()[0]
    assert not out.with_name(out.name + ".part").exists()


def test_export_text_forms_and_the_locked_connection(db, tmp_path):
    ro = open_readonly(db)
    export(ro, "releases", tmp_path / "r.csv", "csv")
    export(ro, "releases", tmp_path / "r.jsonl", "jsonl")
    import csv

    row = next(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")))
    assert json.loads(row["keywords"]) == ["بهزیستی", "کرمان"]  # lists as JSON text in CSV
    rec = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert datetime.fromisoformat(rec["published_at"]).tzinfo is not None and "T" in rec["published_at"]
    with pytest.raises(duckdb.Error):  # the user's connection still cannot write files
        ro.execute(f"COPY releases TO '{tmp_path / 'x.csv'}'")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError):
        export(ro, "releases", tmp_path / "file" / "r.csv", "csv")
