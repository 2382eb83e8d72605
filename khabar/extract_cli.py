"""`khabar extract` (GUIDE §1.1). Placeholder until the extractor lands."""

from __future__ import annotations

import typer


def extract_command(paths: list[str] = typer.Argument(..., help="HTML files, '-' for stdin.")) -> None:
    raise typer.Exit(2)
