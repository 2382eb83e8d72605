"""`khabar sources list|check`: the registry, and what each source's discovery surfaces yield right now."""

from __future__ import annotations

import asyncio

import typer

app = typer.Typer(help="The source registry: list it, or check each source's feeds, sitemaps and listings.",
                  no_args_is_help=True)  # fmt: skip

SOURCES = typer.Option("config/sources.yaml", "--sources", help="Sources registry (YAML).")


def _load(path: str) -> list:
    from khabar.crawl.sources import SourcesError, load_sources

    try:
        return load_sources(path)
    except SourcesError as exc:
        typer.echo(f"khabar: error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command("list", help="List the sources of the registry (validated).")
def list_command(sources: str = SOURCES) -> None:
    from khabar.warehouse.query import format_rows

    rows = [(s.id, s.kind, s.agency or "", s.province or "", s.url, s.rate_limit or "") for s in _load(sources)]
    typer.echo(format_rows(["id", "kind", "agency", "province", "url", "rate_limit"], rows, "table"))


@app.command("check", help="Fetch every discovery surface of each source once and report what it found.")
def check_command(
    sources: str = SOURCES,
    only: list[str] = typer.Option([], "--source", "-s", help="Only these source ids (repeatable)."),
    simweb: bool = typer.Option(False, "--simweb", help="Check against the built-in simulated web (loopback)."),
) -> None:
    from khabar.crawl.check import check_sources
    from khabar.crawl.settings import CrawlSettings
    from khabar.warehouse.query import format_rows

    srcs = [s for s in _load(sources) if not only or s.id in only]
    if simweb:
        from khabar.simweb.server import SimWebServer
        from khabar.simweb.transport import SimWebTransport

        with SimWebServer() as srv:
            rows = asyncio.run(check_sources(srcs, CrawlSettings(rate_limit=20), SimWebTransport(srv.port, srv.hosts)))
    else:
        rows = asyncio.run(check_sources(srcs))
    table = [(r.source_id, r.kind, r.status or "", r.links, r.error or "", r.url) for r in rows]
    typer.echo(format_rows(["source", "surface", "status", "links", "error", "url"], table, "table"))
    bad = {r.source_id for r in rows if r.kind == "home" and r.status != 200}
    if bad:
        typer.echo(f"khabar: error: unreachable home page: {', '.join(sorted(bad))}", err=True)
        raise typer.Exit(1)
