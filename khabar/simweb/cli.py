"""`khabar simweb …` commands. Placeholder until the simulated web lands."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("serve")
def serve() -> None:
    """Serve the simulated agency web on loopback."""
    raise typer.Exit(2)
