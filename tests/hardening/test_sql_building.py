"""Issue 8, SQL safety: no SQL anywhere is built by pasting user input. Every f-string / `%` / `.format` that
looks like SQL and interpolates something is listed here with why it is safe; a new one fails this test until it
is reviewed (and uses parameters instead, or is added below with its reason)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SQL = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM|DESCRIBE|PRAGMA|COPY|ATTACH|CREATE|DROP|LOAD|SET)\b"
)

# (file, interpolated expression) → why it is safe
REVIEWED = {
    ("khabar/warehouse/clusters.py", "cols"): "a literal column list defined two lines above",
    ("khabar/warehouse/search.py", "lake.CATALOG"): "a module constant",
    ("khabar/warehouse/lake.py", "extension_path('ducklake')"): "a path inside the installed wheel",
    ("khabar/warehouse/lake.py", "extension_path('postgres_scanner')"): "a path inside the installed wheel",
    ("khabar/warehouse/lake.py", "spec.metadata"): "the lake URL; parse_lake refuses single quotes in it",
    ("khabar/warehouse/lake.py", "CATALOG"): "a module constant",
    ("khabar/warehouse/lake.py", "suffix"): "attach options built from constants and quote-doubled literals",
    ("khabar/warehouse/lake.py", "_SECRET"): "a module constant",
    ("khabar/warehouse/lake.py", "quoted"): "the password with single quotes doubled (a string literal)",
    ("khabar/warehouse/db.py", "key"): "either '' or ' PRIMARY KEY'",
    (
        "khabar/warehouse/export.py",
        "ident",
    ): "relation checked against information_schema, then quoted as identifier",
    ("khabar/warehouse/export.py", "path"): "the output path, quoted as a string literal by _literal()",
    ("khabar/warehouse/export.py", "columns"): "catalog column names quoted by _quote(), constant casts",
    ("khabar/warehouse/export.py", "options"): "the _OPTIONS constants",
    ("khabar/warehouse/releases.py", "updates"): "built from the RELEASE_COLUMNS constant",
    (
        "khabar/warehouse/search.py",
        "fts_extension_path()",
    ): "path of the installed extension file, not user input",
    ("khabar/warehouse/search.py", "_IGNORE"): "module constant",
    ("khabar/cli.py", "int(runs)"): "an int",
    ("khabar/simweb/demo.py", "db_path"): "a message printed to the user, not executed",
    (
        "khabar/warehouse/report_queries.py",
        "cond",
    ): "ReportFilter.where: constant column names and ? placeholders",
    ("khabar/warehouse/report_queries.py", "units"): "one ? placeholder per MONEY_UNITS constant",
    ("khabar/warehouse/report_queries.py", "sub"): "_canonical(): a constant subquery with ? placeholders",
    (
        "khabar/warehouse/watch_state.py",
        "', '.join((f.name for f in _fields()))",
    ): "column names of the _SCHEMA constant",
    ("khabar/warehouse/watch_state.py", "_COLUMNS"): "column names of the _SCHEMA constant",
    ("khabar/warehouse/watch_state.py", "updates"): "built from the _SCHEMA constant's column names",
}


def interpolations() -> list[tuple[str, str, int]]:
    found = []
    files = [p for d in ("khabar", "flows", "extractors") for p in (ROOT / d).rglob("*.py")]
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if SQL.search(text):
                    found += [
                        (rel, ast.unparse(v.value), node.lineno)
                        for v in node.values
                        if isinstance(v, ast.FormattedValue)
                    ]
            elif (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Mod)
                and isinstance(node.left, ast.Constant)
            ):
                if (
                    isinstance(node.left.value, str)
                    and SQL.search(node.left.value)
                    and "%" in node.left.value
                ):
                    found.append((rel, ast.unparse(node.right), node.lineno))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "format"
                and isinstance(node.func.value, ast.Constant)
                and isinstance(node.func.value.value, str)
                and SQL.search(node.func.value.value)
            ):
                found.append((rel, ast.unparse(node), node.lineno))
    return found


def test_every_sql_interpolation_is_reviewed():
    new = [f"{f}:{line}: {{{expr}}}" for f, expr, line in interpolations() if (f, expr) not in REVIEWED]
    assert not new, "SQL built by interpolation (use parameters, or review and list it):\n" + "\n".join(new)


def test_the_scan_finds_the_reviewed_sites():
    """Guards the scanner itself: if it stopped seeing the known sites, the test above would pass vacuously."""
    seen = {(f, e) for f, e, _ in interpolations()}
    assert {("khabar/warehouse/export.py", "ident"), ("khabar/cli.py", "int(runs)")} <= seen


@pytest.mark.parametrize(
    "relation", ['releases"; DROP TABLE releases; --', "releases WHERE 1=1", "pg_catalog.x"]
)
def test_export_refuses_a_relation_that_is_not_a_table(tmp_path, relation):
    from khabar.warehouse.db import WarehouseError, open_db
    from khabar.warehouse.export import export

    con = open_db(tmp_path / "x.duckdb")
    with pytest.raises(WarehouseError, match="no table or view"):
        export(con, relation, tmp_path / "out.csv", "csv")
    assert con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'releases'"
    ).fetchone()[0]
    con.close()
