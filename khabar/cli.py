"""The `khabar` command line: a thin layer over the Python API (heavy imports stay inside commands)."""

from __future__ import annotations

import typer

from khabar.extract_cli import extract_command
from khabar.simweb.cli import app as simweb_app

app = typer.Typer(
    help="khabar: collect, extract, deduplicate and warehouse Iranian agency press releases.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(simweb_app, name="simweb", help="The simulated agency web (loopback HTTP, ground truth).")
app.command("extract", help="Extract structured records from HTML files (JSON Lines on stdout).")(extract_command)


@app.command("demo", help="Start the simulated web and run the main job end to end into a DuckDB file.")
def demo_command(
    db: str = typer.Option("data/demo.duckdb", "--db", help="DuckDB file to write."),
    days: int = typer.Option(3, help="Simulated days to ingest."),
) -> None:
    from khabar.demo import run_demo

    raise typer.Exit(run_demo(db_path=db, days=days))


def _fail(message: str, code: int = 1) -> typer.Exit:
    """Errors reach the user as one clear line on stderr and a non-zero exit status."""
    typer.echo(f"khabar: error: {message}", err=True)
    return typer.Exit(code)


@app.command("sql", help="Run a read-only SQL query against the warehouse (table, csv or json).")
def sql_command(
    query: str = typer.Argument(..., help="SQL to run, e.g. \"SELECT agency, count(*) FROM releases GROUP BY 1\"."),
    db: str | None = typer.Option(None, "--db", help="DuckDB file (default: $KHABAR_DB or data/khabar.duckdb)."),
    fmt: str = typer.Option("table", "--format", "-f", help="Output format: table, csv or json."),
) -> None:
    from khabar.warehouse.db import WarehouseError
    from khabar.warehouse.query import format_rows, open_readonly, run_query

    if fmt not in ("table", "csv", "json"):
        raise _fail(f"unknown format {fmt!r}: use table, csv or json", 2)
    try:
        con = open_readonly(db)
        columns, rows = run_query(con, query)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    typer.echo(format_rows(columns, rows, fmt))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
