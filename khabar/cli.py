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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
