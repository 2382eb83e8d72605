"""`khabar extract PATH... [--url URL] [--fetched-at ISO8601]` (GUIDE §1.1): one JSON object per input, one per
line (UTF-8, ``ensure_ascii=False``). ``-`` reads stdin. Exit 0 when every input was read (even when a page is not
an article), 2 for unreadable input or bad usage; the records of readable inputs are still printed."""

from __future__ import annotations

import json
import sys
from datetime import datetime

import typer


def _fetched_at(value: str | None) -> datetime | None:
    if not value:
        return None
    v = value.strip()
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    return datetime.fromisoformat(v)


def extract_command(
    paths: list[str] = typer.Argument(..., help="HTML files, '-' for stdin."),
    url: str | None = typer.Option(
        None, "--url", help="The page URL, for every input (else taken from canonical / og:url)."
    ),
    fetched_at: str | None = typer.Option(
        None, "--fetched-at", help="Fetch time, ISO 8601 (resolves relative dates such as «۲ ساعت پیش»)."
    ),
    encoding: str | None = typer.Option(None, "--encoding", help="Charset, if known (else sniffed)."),
) -> None:
    """Extract structured records from HTML files (JSON Lines on stdout)."""
    try:
        when = _fetched_at(fetched_at)
    except ValueError:
        typer.echo(f"khabar: error: --fetched-at is not ISO 8601: {fetched_at!r}", err=True)
        raise typer.Exit(2) from None
    from khabar.extractors import extract

    status = 0
    out = sys.stdout
    for path in paths:
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
        except OSError as exc:
            typer.echo(f"khabar: error: cannot read {path}: {exc.strerror or exc}", err=True)
            status = 2
            continue
        record = extract(data, url=url, fetched_at=when, encoding=encoding)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    if status:
        raise typer.Exit(status)
